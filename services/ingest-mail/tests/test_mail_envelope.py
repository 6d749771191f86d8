from datetime import UTC, datetime

import pytest

from ingest_mail.envelope import (
    MailRecord,
    RawAttachment,
    clean_text,
    direction_of,
    extension_of,
    forward_depth,
    has_personal_label,
    normalise_address,
    to_event,
    to_mail_message,
)
from invigilator.events.v1 import events_pb2
from svckit.ingest import event_id

OWN = frozenset({"elmsfarm.sch.uk"})


@pytest.mark.parametrize(
    ("subject", "depth"),
    [
        ("Budget", 0),
        ("RE: Budget", 0),
        ("FW: Budget", 1),
        ("Fwd: FW: Budget", 2),
        ("FW: Fwd: RE: FW: Pass it on", 3),
        ("FWD:FW:fw: tight", 3),
        ("Re: Fwd[2]: [EXTERNAL] FW: tagged", 2),
        ("Budget FW: later", 0),
        ("Forward planning", 0),
        ("", 0),
    ],
)
def test_forward_depth_counts_leading_forward_prefixes(subject: str, depth: int) -> None:
    assert forward_depth(subject) == depth


@pytest.mark.parametrize(
    "subject",
    [
        "Personal: dentist",
        "personal - dentist",
        "PERSONAL – dentist",
        "[Personal] dentist",
        "Dentist (personal)",
        "Dentist [ PERSONAL ]",
        "RE: FW: Personal: dentist",
        "Dentist appointment - personal",
        "Personal",
    ],
)
def test_personal_labels_are_found(subject: str) -> None:
    assert has_personal_label(subject)


@pytest.mark.parametrize(
    "subject",
    ["Personal development plan", "Impersonal tone", "Personally speaking", "personalised reports", "PSHE"],
)
def test_the_word_without_a_label_is_not_a_personal_label(subject: str) -> None:
    assert not has_personal_label(subject)


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("report.PDF", "pdf"),
        ("archive.tar.gz", "gz"),
        ("invoice.pdf.exe", "exe"),
        ("evil.exe. ", "exe"),
        ("C:\\Users\\x\\run.BAT", "bat"),
        (".bashrc", ""),
        ("README", ""),
        ("", ""),
    ],
)
def test_extension_is_the_lower_case_last_suffix(name: str, extension: str) -> None:
    assert extension_of(name) == extension


@pytest.mark.parametrize(
    ("value", "address"),
    [
        ('"Smith, John" <J.Smith@ElmsFarm.sch.uk>', "j.smith@elmsfarm.sch.uk"),
        ("<Bursar@ElmsFarm.sch.uk>", "bursar@elmsfarm.sch.uk"),
        (" BURSAR@elmsfarm.sch.uk ", "bursar@elmsfarm.sch.uk"),
    ],
)
def test_addresses_are_lower_cased_without_display_names(value: str, address: str) -> None:
    assert normalise_address(value) == address


@pytest.mark.parametrize(
    ("sender", "recipients", "direction"),
    [
        ("a@elmsfarm.sch.uk", ["b@elmsfarm.sch.uk"], events_pb2.MAIL_DIRECTION_INTERNAL),
        ("a@elmsfarm.sch.uk", ["b@staff.elmsfarm.sch.uk"], events_pb2.MAIL_DIRECTION_INTERNAL),
        ("a@elmsfarm.sch.uk", ["b@elmsfarm.sch.uk", "c@example.org"], events_pb2.MAIL_DIRECTION_OUTBOUND),
        ("a@elmsfarm.sch.uk", [], events_pb2.MAIL_DIRECTION_OUTBOUND),
        ("a@example.org", ["b@elmsfarm.sch.uk"], events_pb2.MAIL_DIRECTION_INBOUND),
        ("a@notelmsfarm.sch.uk", ["b@elmsfarm.sch.uk"], events_pb2.MAIL_DIRECTION_INBOUND),
    ],
)
def test_direction_follows_own_domains(
    sender: str, recipients: list[str], direction: events_pb2.MailDirection.ValueType
) -> None:
    assert direction_of(sender, recipients, OWN) == direction


def test_direction_is_unspecified_without_own_domains() -> None:
    assert direction_of("a@x.org", ["b@y.org"], frozenset()) == events_pb2.MAIL_DIRECTION_UNSPECIFIED


RECORD = MailRecord(
    message_id="abc@host",
    from_address="A <A@ElmsFarm.sch.uk>",
    to=("b@elmsfarm.sch.uk", "B@ElmsFarm.sch.uk"),
    cc=("c@example.org",),
    bcc=("b@elmsfarm.sch.uk",),
    subject="FW: Fwd: Minutes",
    sensitivity="Normal",
    attachments=(RawAttachment("Minutes.DOCX", "Application/MSWord", 1234),),
    occurred_at=datetime(2024, 3, 4, 9, 0, tzinfo=UTC),
)


def test_minimiser_keeps_the_envelope_of_an_ordinary_mail() -> None:
    mail = to_mail_message(RECORD, OWN)
    assert mail.message_id == "<abc@host>"
    assert mail.from_address == "a@elmsfarm.sch.uk"
    assert list(mail.to) == ["b@elmsfarm.sch.uk"]
    assert mail.recipient_count == 2
    assert mail.subject == "FW: Fwd: Minutes"
    assert mail.forward_depth == 2
    assert (mail.private_marked, mail.personal_label) == (False, False)
    assert mail.attachments[0] == events_pb2.Attachment(
        file_name="Minutes.DOCX", extension="docx", size_bytes=1234, content_type="application/msword"
    )


@pytest.mark.parametrize(
    ("sensitivity", "subject"),
    [("Private", "FW: Fwd: Minutes"), ("personal", "x"), ("Normal", "[Personal] x")],
)
def test_private_or_personal_mail_keeps_no_subject_and_no_attachment_names(
    sensitivity: str, subject: str
) -> None:
    record = MailRecord(**{**RECORD.__dict__, "sensitivity": sensitivity, "subject": subject})
    mail = to_mail_message(record, OWN)
    assert mail.subject == ""
    assert list(mail.attachments) == [events_pb2.Attachment(size_bytes=1234)]
    assert mail.private_marked or mail.personal_label
    assert mail.forward_depth == forward_depth(subject)


def test_platform_recipient_count_wins_when_reported() -> None:
    record = MailRecord(**{**RECORD.__dict__, "platform_recipient_count": 61})
    assert to_mail_message(record, OWN).recipient_count == 61


def test_event_id_depends_on_source_school_and_raw_only() -> None:
    first = to_event(RECORD, source="mail.eml", school_id="elms-farm", raw=b"raw", own_domains=OWN)
    again = to_event(RECORD, source="mail.eml", school_id="elms-farm", raw=b"raw\r\n", own_domains=OWN)
    assert first.event_id == again.event_id == event_id("mail.eml", "elms-farm", b"raw")
    assert first.event_id != event_id("mail.eml", "st-peters", b"raw")
    assert first.event_id != event_id("mail.gmail", "elms-farm", b"raw")
    assert first.account == "a@elmsfarm.sch.uk"  # sent from an own domain: the sender is the person
    assert first.occurred_at.ToDatetime(tzinfo=UTC) == datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "clean"),
    [
        ("plain", "plain"),
        ("caf\udce9", "café"),  # one Windows-1252 byte kept as a surrogate escape by the email parser
        ("caf\udcc3\udca9", "café"),  # UTF-8 bytes kept as escapes
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),  # from a JSON "\ud800" escape
    ],
)
def test_text_is_made_encodable(value: str, clean: str) -> None:
    assert clean_text(value) == clean


def test_undecodable_8bit_headers_still_give_an_event() -> None:
    record = MailRecord(from_address="a@elmsfarm.sch.uk\udc80", subject="Caf\udce9 trip")
    mail = to_mail_message(record, OWN)
    assert mail.subject == "Café trip"
    mail.SerializeToString()


def test_account_is_the_own_sending_address_only() -> None:
    from datetime import UTC, datetime

    from ingest_mail.envelope import MailRecord, to_event

    own = frozenset({"elmsfarm.example.sch.uk"})
    outbound = MailRecord(
        message_id="<1@x>",
        from_address="J.Smith@ElmsFarm.example.sch.uk",
        to=("friend@example.com",),
        occurred_at=datetime(2026, 11, 23, 10, tzinfo=UTC),
    )
    inbound = MailRecord(
        message_id="<2@x>",
        from_address="stranger@example.com",
        to=("j.smith@elmsfarm.example.sch.uk",),
        occurred_at=datetime(2026, 11, 23, 10, tzinfo=UTC),
    )
    assert to_event(outbound, source="eml", school_id="elms-farm", raw=b"1", own_domains=own).account == (
        "j.smith@elmsfarm.example.sch.uk"
    )
    assert to_event(inbound, source="eml", school_id="elms-farm", raw=b"2", own_domains=own).account == ""
