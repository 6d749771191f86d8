"""The shared Windows-JSON reader: both shapes, the event-id range, times with and without zone."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from svckit.ingest import RecordError
from svckit.winevent import (
    LONDON,
    WinRecord,
    ecs_record,
    envelope,
    event_id_of,
    first_text,
    flat_strings,
    lookup,
    nxlog_record,
    text_of,
    timestamp_of,
    uint,
)

DEFENDER_ECS = {
    "@timestamp": "2026-11-23T09:15:02Z",
    "winlog": {
        "event_id": 1116,
        "provider_name": "Microsoft-Windows-Windows Defender",
        "channel": "Microsoft-Windows-Windows Defender/Operational",
        "computer_name": "EF-PC07.elmsfarm.local",
        "event_data": {"Threat Name": "Trojan:Win32/Wacatac", "Severity Name": "Severe"},
    },
}
DEFENDER_NXLOG = {
    "EventID": "1116",
    "SourceName": "Microsoft-Windows-Windows Defender",
    "Channel": "Microsoft-Windows-Windows Defender/Operational",
    "Hostname": "EF-PC07.elmsfarm.local",
    "EventTime": "2026-11-23 09:15:02",
    "Threat Name": "Trojan:Win32/Wacatac",
    "Severity Name": "Severe",
}


@pytest.mark.parametrize(
    ("value", "number"), [(4624, 4624), ("4624", 4624), (" 4624 ", 4624), (0, 0), (65535, 65535)]
)
def test_event_ids_are_numbers_or_decimal_text(value: object, number: int) -> None:
    assert event_id_of(value) == number


@pytest.mark.parametrize("value", [65536, "65536", "99999"])
def test_event_ids_beyond_16_bits_are_out_of_range(value: object) -> None:
    with pytest.raises(RecordError, match="event id is out of range"):
        event_id_of(value)


@pytest.mark.parametrize("value", ["x", "-1", "0x1200", 4624.0, True, None, [4624], "123456"])
def test_event_ids_that_are_not_numbers_are_refused(value: object) -> None:
    with pytest.raises(RecordError, match="event id is not a number"):
        event_id_of(value)


def test_text_of_keeps_scalars_and_blanks_containers() -> None:
    values: list[object] = ["a", 7, 1.5, True, False, None, {}, [1]]
    assert [text_of(value) for value in values] == ["a", "7", "1.5", "true", "false", "", "", ""]


def test_timestamps_with_a_zone_keep_it_and_end_in_utc() -> None:
    expected = datetime(2026, 11, 23, 9, 15, 2, tzinfo=UTC)
    assert timestamp_of("2026-11-23T09:15:02Z", LONDON, "t") == expected
    assert timestamp_of("2026-11-23T10:15:02+01:00", LONDON, "t") == expected
    assert timestamp_of("2026-06-01T09:00:00Z", LONDON, "t").tzinfo == UTC


def test_timestamps_without_a_zone_are_in_the_given_zone() -> None:
    assert timestamp_of("2026-06-01 09:00:00", LONDON, "t") == datetime(2026, 6, 1, 8, tzinfo=UTC)  # BST
    assert timestamp_of("2026-11-23 09:00:00", LONDON, "t") == datetime(2026, 11, 23, 9, tzinfo=UTC)  # GMT
    assert timestamp_of("2026-11-23 09:00:00", timezone(timedelta(hours=-5)), "t").hour == 14
    assert timestamp_of("2026-11-23 09:00:00", ZoneInfo("UTC"), "t").hour == 9


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "EventTime is missing"),
        ("  ", "EventTime is missing"),
        ("yesterday", "EventTime is not an ISO 8601 time"),
        ("0001-01-01T00:00:00+01:00", "EventTime is out of range"),
    ],
)
def test_bad_timestamps_say_why(value: object, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        timestamp_of(value, LONDON, "EventTime")


def test_uint_reads_decimal_and_hex_within_its_limit() -> None:
    assert (uint("", "n"), uint("12", "n"), uint("0x1F", "n"), uint("0XFF", "n", 0xFF)) == (0, 12, 31, 255)
    with pytest.raises(RecordError, match="LogonType is out of range: 256"):
        uint("256", "LogonType", 0xFF)
    with pytest.raises(RecordError, match="n is out of range"):
        uint("-1", "n")
    with pytest.raises(RecordError, match="n is not a number"):
        uint("ten", "n")


def test_lookup_reads_nested_dotted_and_mixed_keys() -> None:
    assert lookup({"winlog": {"event_id": 1}}, "winlog.event_id") == 1
    assert lookup({"winlog.event_id": 2}, "winlog.event_id") == 2
    assert lookup({"winlog": {"event_data.TargetUserName": "a"}}, "winlog.event_data.TargetUserName") == "a"
    assert lookup({"winlog.event_data": {"TargetUserName": "b"}}, "winlog.event_data.TargetUserName") == "b"
    assert text_of(lookup({"winlog": {}}, "winlog.event_id")) == ""
    assert first_text({"host": {"name": " "}, "host.hostname": "pc1 "}, "host.name", "host.hostname") == "pc1"


def test_flat_strings_lifts_wrappers_and_keeps_the_first_value() -> None:
    data = {
        "TargetUserName": "a",
        "RuleAndFileData": {"FilePath": "C:\\x.exe", "TargetUserName": "b"},
        "N": 3,
    }
    assert flat_strings(data) == {"TargetUserName": "a", "FilePath": "C:\\x.exe", "N": "3"}
    assert flat_strings(["not", "an", "object"]) == {}


def test_ecs_and_nxlog_shapes_give_the_same_record() -> None:
    ecs = ecs_record(DEFENDER_ECS)
    nxlog = nxlog_record(DEFENDER_NXLOG, UTC)
    assert replace(ecs, data={}) == replace(nxlog, data={})
    for record in (ecs, nxlog):  # Defender's keys contain spaces
        assert (record.get("Threat Name"), record.get("Severity Name")) == ("Trojan:Win32/Wacatac", "Severe")
    assert (ecs.event_id, ecs.computer) == (1116, "EF-PC07.elmsfarm.local")


def test_ecs_literal_dotted_keys_and_event_code_fallback() -> None:
    record = ecs_record(
        {
            "@timestamp": "2026-11-23T09:15:02Z",
            "event.code": "4800",
            "winlog.channel": "Security",
            "host.name": "EF-PC01",
            "winlog.event_data.TargetUserName": "jsmith",
            "winlog.event_data.Threat Name": "EICAR",
            "winlog.user_data": {"RuleAndFileData": {"FilePath": "C:\\x.exe"}},
        }
    )
    assert (record.event_id, record.channel, record.computer) == (4800, "Security", "EF-PC01")
    assert (record.get("TargetUserName"), record.get("Threat Name"), record.get("FilePath")) == (
        "jsmith",
        "EICAR",
        "C:\\x.exe",
    )


def test_providers_given_only_by_guid_are_named() -> None:
    ecs = ecs_record(
        {
            "@timestamp": "2026-11-23T09:00:00Z",
            "winlog": {"event_id": 4725, "provider_guid": "{54849625-5478-4994-A5BA-3E3B0328C30D}"},
        }
    )
    nxlog = nxlog_record(
        {
            "EventID": 4725,
            "EventTime": "2026-11-23 09:00:00",
            "ProviderGuid": "{54849625-5478-4994-a5ba-3e3b0328c30d}",
        }
    )
    assert ecs.provider == nxlog.provider == "Microsoft-Windows-Security-Auditing"


def test_out_of_range_event_ids_are_refused_in_both_shapes() -> None:
    with pytest.raises(RecordError, match="event id is out of range: 70000"):
        ecs_record({"@timestamp": "2026-11-23T09:00:00Z", "winlog": {"event_id": 70000}})
    with pytest.raises(RecordError, match="event id is out of range: 70000"):
        nxlog_record({"EventID": "70000", "EventTime": "2026-11-23 09:00:00"})


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({"@timestamp": "2026-11-23T09:00:00Z"}, "no winlog.event_id or event.code"),
        ({"winlog": {"event_id": None}, "event": {"code": None}}, "no winlog.event_id or event.code"),
        ({"winlog": {"event_id": 4624}}, "@timestamp is missing"),
    ],
)
def test_ecs_record_says_what_is_missing(obj: dict[str, object], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        ecs_record(obj)


@pytest.mark.parametrize(
    ("obj", "reason"),
    [({}, "no EventID"), ({"EventID": ""}, "no EventID"), ({"EventID": 4624}, "EventTime is missing")],
)
def test_nxlog_record_says_what_is_missing(obj: dict[str, object], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        nxlog_record(obj)


def test_get_blanks_placeholders_and_falls_back_to_positional_params() -> None:
    record = WinRecord(
        event_id=1033,
        provider="MsiInstaller",
        channel="Application",
        computer="pc",
        timestamp=datetime(2026, 11, 23, tzinfo=UTC),
        data={"A": " - ", "B": "(NULL)", "C": "null", "D": " x ", "param1": "Steam"},
    )
    assert [record.get(name) for name in ("A", "B", "C", "D", "missing")] == ["", "", "", "x", ""]
    assert record.get("ProductName", 1) == "Steam"


def test_envelope_ids_the_raw_line_and_times_the_record() -> None:
    record = nxlog_record(DEFENDER_NXLOG, UTC)
    event = envelope(record, "elms-farm", "endpoint.nxlog", '{"EventID": "1116"}', "jsmith")
    assert (event.school_id, event.account, event.WhichOneof("payload")) == ("elms-farm", "jsmith", None)
    assert event.occurred_at.ToJsonString() == "2026-11-23T09:15:02Z"
    assert (
        event.event_id
        == envelope(record, "elms-farm", "endpoint.nxlog", '{"EventID": "1116"}\r\n', "").event_id
    )
    assert (
        event.event_id != envelope(record, "st-peters", "endpoint.nxlog", '{"EventID": "1116"}', "").event_id
    )
