from pathlib import Path

import pytest

from ingest_mail.rfc5322 import EmlParseError, parse_message, reject_raw

SAMPLES = Path(__file__).parent / "samples"
BODY_MARKER = b"BODY-MARKER-7f3c9a"  # in every sample body; must never reach the output


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def test_headers_and_rfc2047_subject_are_decoded() -> None:
    record = parse_message(sample("attachment-utf8.eml"))
    assert record.subject == "Reports for Year 6 – café trip"
    assert record.from_address.lower() == "j.smith@elmsfarm.sch.uk"
    # The display name "Brown, Ana" is an encoded word holding a comma: still one address.
    assert [a.lower() for a in record.to] == ["ana.brown@elmsfarm.sch.uk", "governor@example.org"]
    assert record.message_id == "<CAB7x1=Yq2@mail.elmsfarm.sch.uk>"
    assert record.occurred_at is not None
    assert record.occurred_at.isoformat() == "2024-03-04T09:14:05+00:00"
    assert record.labels == ("Internal Only",)


def test_attachment_names_are_decoded_from_rfc2231_and_rfc2047_and_sized_after_decoding() -> None:
    attachments = parse_message(sample("attachment-utf8.eml")).attachments
    assert [(a.file_name, a.content_type) for a in attachments] == [
        ("Café trip – costs.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("Spécial offer.exe", "application/octet-stream"),
        ("logo.png", "image/png"),
    ]
    assert attachments[1].size_bytes == 32  # decoded base64, not the encoded length
    assert attachments[2].size_bytes == 8


def test_body_parts_are_not_attachments_and_the_record_has_no_body() -> None:
    record = parse_message(sample("attachment-utf8.eml"))
    assert all(a.content_type not in {"text/plain", "text/html"} for a in record.attachments)
    assert BODY_MARKER.decode() not in repr(record)


def test_smtp_envelope_recipients_not_in_headers_are_bcc() -> None:
    record = parse_message(
        sample("forward-chain.eml"),
        envelope_from="tom.green@elmsfarm.sch.uk",
        envelope_to=["staff-all@elmsfarm.sch.uk", "Hidden@Example.org"],
    )
    assert record.bcc == ("Hidden@Example.org",)


def test_return_path_is_not_taken_as_the_sending_mailbox() -> None:
    record = parse_message(sample("forward-chain.eml"), envelope_from="bounces+x=y@lists.example")
    assert record.sender_mailbox == "tom.green@elmsfarm.sch.uk"


def test_sender_header_is_the_sending_mailbox() -> None:
    data = b"From: head@elmsfarm.sch.uk\r\nSender: pa@elmsfarm.sch.uk\r\nTo: x@example.org\r\n\r\nbody\r\n"
    record = parse_message(data)
    assert (record.from_address, record.sender_mailbox) == ("head@elmsfarm.sch.uk", "pa@elmsfarm.sch.uk")


def test_journal_report_uses_the_attached_original_and_the_report_bcc() -> None:
    record = parse_message(sample("journal-report.eml"))
    assert record.message_id == "<budget-2024@EX01.elmsfarm.sch.uk>"
    assert record.from_address == "head@elmsfarm.sch.uk"
    assert record.sensitivity == "Company-Confidential"
    assert record.bcc == ("auditor@example-audit.net", "t.jones@elmsfarm.sch.uk")
    assert record.platform_recipient_count == 4
    assert [a.file_name for a in record.attachments] == ["budget-2024.xls"]
    assert record.labels == ("9a8f2bd4-3c2e-4f6b-9f3a-1e2d3c4b5a69",)


def test_journal_report_without_original_is_refused() -> None:
    data = b"From: j@elmsfarm.sch.uk\nX-MS-Journal-Report:\nContent-Type: text/plain\n\nSender: a@b\n"
    with pytest.raises(EmlParseError, match="without the original"):
        parse_message(data)


def test_crlf_and_lf_give_the_same_record() -> None:
    lf = sample("private.eml")
    assert parse_message(lf) == parse_message(lf.replace(b"\n", b"\r\n"))


def test_attached_message_is_one_attachment_not_walked_into() -> None:
    inner = sample("forward-chain.eml")
    data = (
        b"From: a@elmsfarm.sch.uk\nTo: b@example.org\nSubject: FW: see below\n"
        b'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nhi\n'
        b"--x\nContent-Type: message/rfc822\n\n" + inner + b"\n--x--\n"
    )
    attachments = parse_message(data).attachments
    assert len(attachments) == 1
    assert attachments[0].content_type == "message/rfc822"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"To: x@example.org\nSubject: hi\n\nbody", "no From"),
        (b"just some text\nwith lines", "no From"),
    ],
)
def test_unusable_input_says_why(data: bytes, reason: str) -> None:
    with pytest.raises(EmlParseError, match=reason):
        parse_message(data)


def test_reject_raw_keeps_headers_only() -> None:
    raw = reject_raw(sample("forward-chain.eml"))
    assert raw.startswith(b"From: Tom Green")
    assert BODY_MARKER not in raw
    assert b"Pass it on" in raw


@pytest.mark.parametrize("name", ["private.eml", "personal-subject.eml"])
def test_reject_raw_of_a_private_mail_has_no_subject(name: str) -> None:
    data = sample(name)
    raw = reject_raw(data)
    assert b"Subject" not in raw
    assert BODY_MARKER not in raw
    assert b"Message-ID" in raw


def test_journal_envelope_is_never_read_from_the_original_body() -> None:
    original = b"From: a@elmsfarm.sch.uk\nTo: b@example.org\n\nBcc: injected@example.net\n"
    data = (
        b'From: j@elmsfarm.sch.uk\nX-MS-Journal-Report:\nContent-Type: multipart/mixed; boundary="j"\n\n'
        b"--j\nContent-Type: message/rfc822\n\n" + original + b"\n--j--\n"
    )
    record = parse_message(data)
    assert record.bcc == ()
    assert record.to == ("b@example.org",)


def test_an_attached_private_mail_keeps_no_name() -> None:
    data = (
        b"From: a@elmsfarm.sch.uk\nTo: b@example.org\nSubject: see attached\n"
        b'Content-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nhi\n'
        b"--x\nContent-Type: message/rfc822\n"
        b'Content-Disposition: attachment; filename="Divorce hearing.eml"\n\n'
        + sample("private.eml")
        + b"\n--x--\n"
    )
    (attachment,) = parse_message(data).attachments
    assert (attachment.file_name, attachment.content_type) == ("", "message/rfc822")
    assert attachment.size_bytes > 0


def test_a_rejected_journal_report_keeps_no_subject() -> None:
    data = b"From: j@x\nX-MS-Journal-Report:\nSubject: Divorce hearing\n\nbody"
    assert b"Divorce" not in reject_raw(data)
