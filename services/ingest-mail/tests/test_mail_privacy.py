"""MON-ENVELOPE-ONLY and MON-PRIVATE-MARKED, checked on the bytes that would leave the service."""

import json
from pathlib import Path

import pytest

from ingest_mail.ingest import ParsedBatch, parse

SAMPLES = Path(__file__).parent / "samples"
OWN = frozenset({"elmsfarm.sch.uk"})
BODY_MARKER = b"BODY-MARKER-7f3c9a"  # in every sample body; must never reach the output


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# The #Fields: line of the sample log (Exchange 2016/2019 column set).
FIELDS = sample("MSGTRK2024030408-1.LOG").decode().splitlines()[4]


def output_bytes(batch: ParsedBatch) -> bytes:
    """Everything the batch would write to Kafka: events and rejects, serialized."""
    return b"".join(e.SerializeToString() for e in batch.events) + b"".join(
        r.SerializeToString() for r in batch.rejects
    )


def assert_absent(batch: ParsedBatch, *texts: str) -> None:
    out = output_bytes(batch)
    for text in texts:
        for encoded in (text.encode(), text.lower().encode(), text.encode("utf-16-le")):
            assert encoded not in out, f"{text!r} leaked into the output"


def test_private_marked_mail_keeps_no_subject_and_no_attachment_names() -> None:
    batch = parse("eml", sample("private.eml"), "elms-farm", OWN)
    (event,) = batch.events
    assert event.mail.private_marked
    assert len(event.mail.attachments) == 1
    assert event.mail.attachments[0].size_bytes == 40
    assert_absent(batch, "Divorce", "custody", "children", "custody-statement-final", "application/pdf")


def test_personal_labelled_mail_keeps_no_subject_and_no_attachment_names() -> None:
    batch = parse("eml", sample("personal-subject.eml"), "elms-farm", OWN)
    (event,) = batch.events
    assert event.mail.personal_label
    assert not event.mail.private_marked
    assert_absent(batch, "dentist", "mortgage", "mortgage-offer.pdf")


def test_private_original_inside_a_journal_report_keeps_no_subject() -> None:
    data = sample("journal-report.eml").replace(b"Sensitivity: Company-Confidential", b"Sensitivity: Private")
    batch = parse("eml", data, "elms-farm", OWN)
    (event,) = batch.events
    assert event.mail.private_marked
    assert_absent(batch, "Budget 2024 draft", "budget-2024.xls", "vnd.ms-excel")


def _tracking(subject: str, extra: str = "") -> bytes:
    line = (
        "2024-03-04T10:00:00.000Z,10.1.0.25,EX01,10.1.0.25,EX01,ctx,conn,SMTP,RECEIVE,1,<p@x>,nmid,"
        f'b@example.org,,100,1,,,"{subject}",a@elmsfarm.sch.uk,a@elmsfarm.sch.uk,{extra},Originating,,,,,,log,15'
    )
    return f"{FIELDS}\n{line}\n".encode()


def _m365(subject: str, extra: str = "") -> bytes:
    row = {
        "MessageId": "<p@x>",
        "Received": "2024-03-04T10:00:00Z",
        "SenderAddress": "a@elmsfarm.sch.uk",
        "RecipientAddress": "b@example.org",
        "Subject": subject,
        "Body": extra,
    }
    return json.dumps([row]).encode()


def _gmail(subject: str, extra: str = "", attachment: str = "x.pdf") -> bytes:
    row = {
        "event_info": {"timestamp_usec": "1709546400000000"},
        "message_info": {
            "rfc2822_message_id": "<p@x>",
            "subject": subject,
            "description": extra,
            "payload": {"body": extra},
            "source": {"address": "a@elmsfarm.sch.uk"},
            "destination": [{"address": "b@example.org"}],
            "attachment": [{"file_name": attachment}],
        },
    }
    return json.dumps(row).encode() + b"\n"


@pytest.mark.parametrize(
    ("format_name", "data"),
    [
        ("exchange-tracking", _tracking("Personal: hospital results")),
        ("m365-trace", _m365("[Personal] hospital results")),
        ("gmail", _gmail("hospital results (personal)", attachment="hospital-results.pdf")),
    ],
)
def test_personal_label_withholds_the_subject_in_every_log_format(format_name: str, data: bytes) -> None:
    batch = parse(format_name, data, "elms-farm", OWN)
    (event,) = batch.events
    assert event.mail.personal_label
    assert_absent(batch, "hospital")


EML_SAMPLES = [
    "attachment-utf8.eml",
    "private.eml",
    "personal-subject.eml",
    "forward-chain.eml",
    "journal-report.eml",
]


@pytest.mark.parametrize("name", EML_SAMPLES)
def test_no_message_body_reaches_the_output(name: str) -> None:
    data = sample(name)
    assert BODY_MARKER in data
    batch = parse("eml", data, "elms-farm", OWN)
    assert len(batch.events) == 1
    assert_absent(batch, BODY_MARKER.decode(), "Dear all", "the documents")


@pytest.mark.parametrize(
    ("format_name", "data"),
    [
        ("exchange-tracking", _tracking("Minutes", extra=BODY_MARKER.decode())),
        ("m365-trace", _m365("Minutes", extra=BODY_MARKER.decode())),
        ("gmail", _gmail("Minutes", extra=BODY_MARKER.decode())),
    ],
)
def test_no_body_text_in_a_log_record_reaches_an_event(format_name: str, data: bytes) -> None:
    batch = parse(format_name, data, "elms-farm", OWN)
    assert len(batch.events) == 1
    assert_absent(batch, BODY_MARKER.decode())


@pytest.mark.parametrize(
    "data",
    [
        b"To: x@example.org\nSubject: hi\n\nBODY-MARKER-7f3c9a",  # no From: rejected
        b"From: a@x\nX-MS-Journal-Report:\n\nBODY-MARKER-7f3c9a",  # journal without original
        b"From: a@x\nDate: Fri, 31 Dec 9999 23:59:59 -0100\r\n\r\nBODY-MARKER-7f3c9a",  # out of range
    ],
)
def test_a_rejected_message_keeps_its_headers_but_never_its_body(data: bytes) -> None:
    batch = parse("eml", data, "elms-farm", OWN)
    assert len(batch.rejects) == 1
    assert_absent(batch, BODY_MARKER.decode())


def test_a_rejected_private_message_keeps_no_subject() -> None:
    data = b"To: x@example.org\nSensitivity: personal\nSubject: IVF appointment\n\nBODY-MARKER-7f3c9a"
    batch = parse("eml", data, "elms-farm", OWN)
    assert len(batch.rejects) == 1
    assert_absent(batch, "IVF", BODY_MARKER.decode())
