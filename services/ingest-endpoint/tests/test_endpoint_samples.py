"""Both shippers' samples (one line per monitored event id) give the same minimised events."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest_endpoint.ingest import ParsedBatch, parse
from invigilator.events.v1 import events_pb2

SAMPLES = Path(__file__).parent / "samples"
FORMATS = ("ecs", "nxlog")


def _batch(format_name: str) -> ParsedBatch:
    return parse(format_name, (SAMPLES / f"endpoint.{format_name}.jsonl").read_bytes(), "elms-farm")


def _by_id(format_name: str) -> dict[int, events_pb2.Event]:
    return {event.endpoint.windows_event_id: event for event in _batch(format_name).events}


@pytest.fixture(params=FORMATS)
def events(request: pytest.FixtureRequest) -> dict[int, events_pb2.Event]:
    return _by_id(request.param)


def test_every_monitored_line_is_an_event_and_the_unmonitored_one_is_rejected() -> None:
    for format_name in FORMATS:
        batch = _batch(format_name)
        assert len(batch.events) == 22
        assert [reject.reason for reject in batch.rejects] == ["line 23: event id 4688 not monitored"]
        assert batch.rejects[0].format == f"endpoint.{format_name}"
        assert b"4688" in batch.rejects[0].raw


def test_both_shapes_agree_on_everything_but_the_event_id() -> None:
    ecs, nxlog = _by_id("ecs"), _by_id("nxlog")
    assert set(ecs) == set(nxlog)
    for number in (4624, 4625, 4648, 4800, 4802, 5145, 6416, 400, 2003, 1033, 4697, 7045, 1116):
        assert ecs[number].account == nxlog[number].account, number
        left, right = events_pb2.EndpointEvent(), events_pb2.EndpointEvent()
        left.CopyFrom(ecs[number].endpoint)
        right.CopyFrom(nxlog[number].endpoint)
        left.device.ClearField("description")
        right.device.ClearField("description")
        assert left == right, number
    assert ecs[4624].event_id != nxlog[4624].event_id


def test_logon_keeps_target_person_session_and_type(events: dict[int, events_pb2.Event]) -> None:
    logon = events[4624]
    assert logon.account == "jsmith"
    assert (logon.endpoint.target_account, logon.endpoint.subject_account) == ("jsmith", "")
    assert (logon.endpoint.logon_id, logon.endpoint.logon_type) == ("0x1a2b3c4", 2)
    assert logon.endpoint.host == "ef-staff-pc07"
    assert logon.occurred_at.ToDatetime(UTC) == datetime(2026, 11, 23, 9, 15, 2, tzinfo=UTC).replace(
        microsecond=logon.occurred_at.ToDatetime(UTC).microsecond
    )


def test_failed_logon_is_a_failure_with_the_sub_status(events: dict[int, events_pb2.Event]) -> None:
    failed = events[4625].endpoint
    assert failed.failure
    assert failed.status == "0xC000006A"
    assert events[4625].account == "mpatel"


def test_explicit_credentials_belong_to_the_subject(events: dict[int, events_pb2.Event]) -> None:
    explicit = events[4648]
    assert explicit.account == "jsmith"
    assert explicit.endpoint.subject_account == "jsmith"
    assert explicit.endpoint.target_account == "ab-admin"
    assert explicit.endpoint.target_host == "ef-fs01"


def test_lock_and_screensaver_events_carry_the_session(events: dict[int, events_pb2.Event]) -> None:
    for number in (4800, 4801, 4802, 4803):
        assert events[number].account == "jsmith"
        assert events[number].endpoint.logon_id == "0x1a2b3c4"


def test_usb_stick_gives_vendor_product_and_serial(events: dict[int, events_pb2.Event]) -> None:
    stick = events[6416]
    assert stick.account == ""  # logged under the machine account, not a person
    assert (stick.endpoint.device.vendor_id, stick.endpoint.device.product_id) == ("0781", "5581")
    assert stick.endpoint.device.serial == "4C530001231120115142"
    assert stick.endpoint.device.device_class == "USB"
    pnp = events[400].endpoint.device
    assert (pnp.device_class, pnp.vendor_id, pnp.product_id, pnp.serial) == (
        "DiskDrive",
        "SANDISK",
        "CRUZER_BLADE",
        "4C530001231120115142",
    )
    phone = events[410].endpoint.device
    assert (phone.device_class, phone.vendor_id, phone.product_id, phone.serial) == (
        "WPD",
        "04E8",
        "6860",
        "",
    )
    wpd = events[2003].endpoint.device
    assert (wpd.device_class, wpd.serial) == ("WPD", "4C530001231120115142")


def test_installs_name_the_product_and_the_installing_user(events: dict[int, events_pb2.Event]) -> None:
    assert events[11707].endpoint.software.name == "uTorrent Web"
    assert events[11707].account == "jsmith"
    msi = events[1033].endpoint.software
    assert (msi.name, msi.version, msi.publisher) == ("uTorrent Web", "1.4.0", "BitTorrent Inc.")
    assert not events[1033].endpoint.failure


def test_services_keep_the_file_name_only(events: dict[int, events_pb2.Event]) -> None:
    anydesk = events[4697]
    assert (anydesk.account, anydesk.endpoint.software.name) == ("ab-admin", "AnyDesk")
    assert anydesk.endpoint.software.file_name == "AnyDesk.exe"
    psexec = events[7045]
    assert (psexec.account, psexec.endpoint.software.file_name) == ("ab-admin", "PSEXESVC.exe")


def test_applocker_block_is_a_failure_with_the_file_name(events: dict[int, events_pb2.Event]) -> None:
    blocked = events[8004]
    assert blocked.account == "jsmith"
    assert blocked.endpoint.failure
    assert blocked.endpoint.software.file_name == "firefox.exe"
    assert blocked.endpoint.status == "EXE"


def test_applocker_signed_file_gives_publisher_product_and_version() -> None:
    software = _by_id("ecs")[8004].endpoint.software
    assert (software.publisher, software.name, software.version) == (
        "THE TOR PROJECT, INC.",
        "TOR BROWSER",
        "13.0.1",
    )


def test_defender_keys_with_spaces(events: dict[int, events_pb2.Event]) -> None:
    detected = events[1116]
    assert detected.account == "jsmith"
    threat = detected.endpoint.threat
    assert (threat.name, threat.severity, threat.category) == ("HackTool:Win32/Keygen", "Severe", "Tool")
    assert threat.file_name == "keygen-crack.exe"
    assert events[1117].endpoint.threat.action == "Quarantine"
    assert events[1117].endpoint.threat.file_name == "keygen-crack.exe"


def test_share_access_denied_is_a_failure(events: dict[int, events_pb2.Event]) -> None:
    assert events[5140].endpoint.share.share_name == "Staff"
    assert not events[5140].endpoint.failure
    denied = events[5145]
    assert denied.account == "jsmith"
    assert denied.endpoint.failure
    assert (denied.endpoint.share.share_name, denied.endpoint.share.relative_target) == (
        "HR$",
        "Payroll\\2026-11.xlsx",
    )
