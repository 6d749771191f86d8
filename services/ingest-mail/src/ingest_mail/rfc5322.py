"""RFC 5322 messages: an SMTP journal/BCC copy or an `.eml` file, read for the envelope only.

The stdlib parser holds the whole message while it runs; this module reads headers, walks the MIME
structure for attachment names, types and decoded sizes, and returns a `MailRecord`, which has no
field a body could go into (MON-ENVELOPE-ONLY). Text parts are never decoded.

Exchange journal reports (`X-MS-Journal-Report` header) carry the original message as a
`message/rfc822` attachment and the envelope as `Sender:`/`To:`/`Cc:`/`Bcc:` lines in the report's
first text part: the original's headers and attachments are used, and the report's recipient lines
supply the Bcc recipients the original's headers cannot show.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import AddressHeader
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from ingest_mail.envelope import (
    MailParseError,
    MailRecord,
    RawAttachment,
    cap,
    has_personal_label,
    is_private_sensitivity,
    normalise_address,
)

JOURNAL_HEADER = "X-MS-Journal-Report"
CLASSIFICATION_HEADER = "X-MS-Exchange-Organization-Classification"
MSIP_HEADER = "msip_labels"
_MSIP_NAME = re.compile(r"MSIP_Label_[0-9a-fA-F-]+_Name=([^;]+)")
_MSIP_ENABLED = re.compile(r"(MSIP_Label_[0-9a-fA-F-]+)_Enabled=true", re.IGNORECASE)
_JOURNAL_LINE = re.compile(r"^(Sender|To|Cc|Bcc|Recipient)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_SUBJECT_LINE = re.compile(rb"^subject:.*(?:\r?\n[ \t].*)*(?:\r?\n)?", re.IGNORECASE | re.MULTILINE)
_PRIVATE_LINE = re.compile(rb"^sensitivity:\s*(private|personal)\b", re.IGNORECASE | re.MULTILINE)
_JOURNAL_LINE_START = re.compile(rb"^x-ms-journal-report\s*:", re.IGNORECASE | re.MULTILINE)
_PARSER = BytesParser(policy=policy.default)


class EmlParseError(MailParseError):
    """Bytes that are not a usable RFC 5322 message."""


def _header_values(message: Message, name: str) -> list[str]:
    """Decoded values of a header; falls back to the raw text when the structured parser fails."""
    values: list[str] = []
    for raw_name, raw_value in message.raw_items():
        if raw_name.lower() != name.lower():
            continue
        try:
            values.append(str(message.policy.header_fetch_parse(raw_name, raw_value)))
        except Exception:  # the stdlib header parser can fail on hostile input
            values.append(_decode_words(str(raw_value)))
    return values


def _decode_words(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # undecodable encoded words stay as sent
        return value


def _first(message: Message, name: str) -> str:
    values = _header_values(message, name)
    return " ".join(values[0].split()) if values else ""


def _addresses(message: Message, name: str) -> list[str]:
    """Addresses of an address header; display names (which may hide commas) are dropped."""
    found: list[str] = []
    for raw_name, raw_value in message.raw_items():
        if raw_name.lower() != name.lower():
            continue
        try:
            header = message.policy.header_fetch_parse(raw_name, raw_value)
            if isinstance(header, AddressHeader):
                found.extend(address.addr_spec for address in header.addresses)
            else:
                found.extend(address for _, address in getaddresses([str(header)]))
        except Exception:  # fall back to the lenient parser on hostile input
            found.extend(address for _, address in getaddresses([str(raw_value)]))
    return [address for address in found if address and address != "<>"]


def _occurred_at(message: Message) -> datetime | None:
    date = _first(message, "Date")
    if not date:
        return None
    try:
        parsed = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _labels(message: Message) -> tuple[str, ...]:
    labels = [value.strip() for value in _header_values(message, CLASSIFICATION_HEADER)]
    for value in _header_values(message, MSIP_HEADER):
        names = _MSIP_NAME.findall(value)
        labels.extend(names or _MSIP_ENABLED.findall(value))
    return tuple(label for label in labels if label)


def _file_name(part: Message) -> str:
    try:
        name = part.get_filename() or ""
    except Exception:  # malformed RFC 2231 parameters
        return ""
    return _decode_words(name) if "=?" in name else name


def _payload_size(part: Message) -> int:
    """Decoded size of a leaf part; the payload is measured and dropped at once."""
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # broken transfer encodings
        return 0
    return len(payload) if isinstance(payload, bytes) else 0


def _attachments(message: Message) -> list[RawAttachment]:
    """Named parts and attached messages; body text parts are neither decoded nor kept."""
    found: list[RawAttachment] = []
    parts: list[Message] = list(_children(message)) if message.is_multipart() else []
    while parts:
        part = parts.pop(0)
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            # An attached mail is usually named after its subject: a private one keeps no name.
            inner = _children(part)
            name = "" if inner and _is_private(inner[0]) else _file_name(part)
            found.append(RawAttachment(name, content_type, _message_size(part)))
        elif part.is_multipart():
            parts[:0] = _children(part)
        elif part.get_content_disposition() == "attachment" or _file_name(part):
            found.append(RawAttachment(_file_name(part), content_type, _payload_size(part)))
    return found


def _is_private(message: Message) -> bool:
    return is_private_sensitivity(_first(message, "Sensitivity")) or has_personal_label(
        _first(message, "Subject")
    )


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [child for child in payload if isinstance(child, Message)] if isinstance(payload, list) else []


def _message_size(part: Message) -> int:
    try:
        return sum(len(child.as_bytes()) for child in _children(part))
    except Exception:  # a broken attached message is still an attachment
        return 0


@dataclass(frozen=True)
class _JournalEnvelope:
    sender: str = ""
    bcc: tuple[str, ...] = ()
    # Every recipient the report lists, after distribution-list expansion.
    recipients: tuple[str, ...] = ()


def _journal_envelope(report: Message) -> _JournalEnvelope:
    """The envelope lines of the report's first text part. Only the report's own top-level parts are
    looked at, never the attached original, whose body is not read."""
    for part in _children(report) if report.is_multipart() else [report]:
        if part.get_content_type() != "text/plain" or part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
        sender, bcc, recipients = "", list[str](), list[str]()
        for name, value in _JOURNAL_LINE.findall(text):
            # "To: member@…, Expanded: list@…": the first address is the recipient itself.
            address = normalise_address(value.split(",", 1)[0])
            if name.lower() == "sender":
                sender = address
                continue
            recipients.append(address)
            if name.lower() == "bcc":
                bcc.append(address)
        return _JournalEnvelope(sender, tuple(bcc), tuple(dict.fromkeys(recipients)))
    return _JournalEnvelope()


def _original_of_journal(report: Message) -> Message:
    for part in report.walk():
        if part.get_content_type() == "message/rfc822":
            inner = _children(part)
            if inner:
                return inner[0]
    raise EmlParseError("journal report without the original message attached (message/rfc822)")


def parse_message(
    data: bytes,
    *,
    envelope_from: str | None = None,
    envelope_to: Sequence[str] = (),
) -> MailRecord:
    """The envelope of one message. `envelope_from`/`envelope_to` are the SMTP MAIL FROM/RCPT TO the
    receiver saw: recipients in neither To nor Cc are the Bcc recipients."""
    if not data.strip():
        raise EmlParseError("empty input")
    try:
        top = _PARSER.parsebytes(data)
    except Exception as error:  # the stdlib parser is the boundary with hostile bytes
        raise EmlParseError(f"not an RFC 5322 message: {type(error).__name__}") from None
    message: Message = top
    journal = _JournalEnvelope()
    if JOURNAL_HEADER in top:
        journal = _journal_envelope(top)
        message = _original_of_journal(top)
    from_addresses = _addresses(message, "From")
    sender = _addresses(message, "Sender")
    from_address = from_addresses[0] if from_addresses else ""
    envelope_sender = normalise_address(envelope_from or "") or journal.sender
    if not (from_address or sender or envelope_sender):
        raise EmlParseError("no From or Sender header and no envelope sender: not a mail message")
    to, cc = _addresses(message, "To"), _addresses(message, "Cc")
    listed = {normalise_address(address) for address in (*to, *cc)}
    bcc = [*_addresses(message, "Bcc"), *journal.bcc]
    bcc += [address for address in envelope_to if normalise_address(address) not in listed]
    return MailRecord(
        message_id=_first(message, "Message-ID"),
        from_address=from_address or (sender[0] if sender else envelope_sender),
        # The Sender header, else From. A MAIL FROM return path (VERP, SRS, bounces) is not the mailbox
        # that wrote the message, and using it would look like impersonation.
        sender_mailbox=sender[0] if sender else from_address or envelope_sender,
        to=tuple(to),
        cc=tuple(cc),
        bcc=tuple(bcc),
        subject=_first(message, "Subject"),
        sensitivity=_first(message, "Sensitivity"),
        attachments=tuple(_attachments(message)),
        labels=_labels(message),
        occurred_at=_occurred_at(message),
        platform_recipient_count=len(journal.recipients) if journal.recipients else None,
    )


def reject_raw(data: bytes) -> bytes:
    """What a rejected message keeps: its header block only, never the body (MON-ENVELOPE-ONLY), and
    no Subject line when the headers mark it private (MON-PRIVATE-MARKED); capped at 64 KiB."""
    end = _HEADER_END.search(data)
    headers = data[: end.start()] if end else data
    if _marked_private(headers):
        headers = _SUBJECT_LINE.sub(b"", headers)
    return cap(headers)


def _marked_private(headers: bytes) -> bool:
    # A journal report repeats the original's subject, but the original's marks are in its body.
    if _PRIVATE_LINE.search(headers) or _JOURNAL_LINE_START.search(headers):
        return True
    try:
        return has_personal_label(_first(_PARSER.parsebytes(headers, headersonly=True), "Subject"))
    except Exception:  # when in doubt, the subject is withheld
        return True
