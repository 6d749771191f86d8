from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest_mail.ingest import FORMATS, parse, parse_message
from invigilator.events.v1 import events_pb2
from svckit.ingest import MAX_REJECT_BYTES as RAW_CAP_BYTES

SAMPLES = Path(__file__).parent / "samples"
OWN = frozenset({"elmsfarm.sch.uk"})


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


NOW = datetime(2024, 3, 4, 12, 0, tzinfo=UTC)
FORMAT_SAMPLES = [
    ("eml", "attachment-utf8.eml", 1),
    ("eml", "journal-report.eml", 1),
    ("exchange-tracking", "MSGTRK2024030408-1.LOG", 2),
    ("m365-trace", "m365-trace.json", 1),
    ("gmail", "gmail.jsonl", 1),
]


@pytest.mark.parametrize(("format_name", "name", "events"), FORMAT_SAMPLES)
def test_each_format_gives_events_with_stable_ids(format_name: str, name: str, events: int) -> None:
    batch = parse(format_name, sample(name), "elms-farm", OWN, received_at=NOW)
    assert (len(batch.events), len(batch.rejects)) == (events, 0)
    again = parse(format_name, sample(name), "elms-farm", OWN)
    assert [e.event_id for e in batch.events] == [e.event_id for e in again.events]
    other = parse(format_name, sample(name), "st-peters", OWN)
    assert {e.event_id for e in batch.events}.isdisjoint(e.event_id for e in other.events)
    assert all(e.school_id == "elms-farm" and e.WhichOneof("payload") == "mail" for e in batch.events)


def test_formats_are_the_four_named_in_the_design() -> None:
    assert FORMATS == ("eml", "exchange-tracking", "m365-trace", "gmail")


def test_unknown_format_is_a_reject_not_an_exception() -> None:
    batch = parse("mbox", sample("private.eml"), "elms-farm", OWN, received_at=NOW)
    (reject,) = batch.rejects
    assert reject.format == "mail.mbox"
    assert "unknown mail format 'mbox'" in reject.reason
    assert b"BODY-MARKER" not in reject.raw


def test_rejects_name_the_line_and_carry_the_raw_record() -> None:
    batch = parse("gmail", b'{"event_info": {}}\n', "elms-farm", OWN, received_at=NOW)
    (reject,) = batch.rejects
    assert (reject.format, reject.school_id, reject.raw) == ("mail.gmail", "elms-farm", b'{"event_info": {}}')
    assert reject.reason.startswith("line 1: ")
    assert reject.received_at.ToDatetime(tzinfo=UTC) == NOW


def test_reject_raw_is_capped_at_64_kib() -> None:
    batch = parse("gmail", b"x" * (RAW_CAP_BYTES * 2), "elms-farm", OWN)
    assert len(batch.rejects[0].raw) == RAW_CAP_BYTES


def test_unusable_message_is_one_reject_with_headers_only() -> None:
    data = b"To: x@example.org\nSubject: hi\n\nBODY-MARKER-7f3c9a"
    batch = parse("eml", data, "elms-farm", OWN)
    (reject,) = batch.rejects
    assert reject.raw == b"To: x@example.org\nSubject: hi"
    assert reject.reason.startswith("message: no From")


def test_message_out_of_timestamp_range_is_a_reject_without_body() -> None:
    data = b"From: a@elmsfarm.sch.uk\nDate: Fri, 31 Dec 9999 23:59:59 -0100\n\nBODY-MARKER-7f3c9a"
    batch = parse("eml", data, "elms-farm", OWN)
    (reject,) = batch.rejects
    assert batch.events == []
    assert "time is out of range" in reject.reason
    assert reject.raw == b"From: a@elmsfarm.sch.uk\nDate: Fri, 31 Dec 9999 23:59:59 -0100"


def test_smtp_receiver_path_uses_the_envelope_for_bcc() -> None:
    batch = parse_message(
        sample("forward-chain.eml"),
        "elms-farm",
        OWN,
        envelope_from="tom.green@elmsfarm.sch.uk",
        envelope_to=["staff-all@elmsfarm.sch.uk", "friend@example.org"],
    )
    (event,) = batch.events
    assert list(event.mail.bcc) == ["friend@example.org"]
    assert event.mail.direction == events_pb2.MAIL_DIRECTION_OUTBOUND
    assert event.mail.recipient_count == 2


def test_tracking_log_reports_skipped_rows() -> None:
    assert parse("exchange-tracking", sample("MSGTRK2024030408-1.LOG"), "elms-farm", OWN).skipped == 3
