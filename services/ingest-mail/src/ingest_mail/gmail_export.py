"""Gmail logs in BigQuery, exported as JSON lines (one nested row per line).

    {"event_info": {"timestamp_usec": "1714554753123456", "success": true, ...},
     "message_info": {"rfc2822_message_id": "<…>", "subject": "…",
                      "source": {"address": "…", "from_header_address": "…"},
                      "destination": [{"address": "…", "service": "…"}],
                      "attachment": [{"file_name": "…", "file_extension_type": "pdf"}],
                      "is_spam": false, "flattened_destinations": "…", "payload_size": "…",
                      "connection_info": {...}}}

BigQuery writes INT64 values as JSON strings; both forms are read. Gmail logs one row per stage of
delivery, so rows are grouped by `rfc2822_message_id` into one event with the union of their
destinations. `destination[]` is used, `flattened_destinations` only when it is absent. Gmail logs
carry no Sensitivity and no To/Cc/Bcc split (every recipient is in `to`) and no attachment sizes.
`from_address` is the From header address when logged, else the envelope source; `sender_mailbox`
is the envelope source (the mailbox Gmail accepted the message from). A spam verdict becomes the
label `spam`. Connection details (client IP, TLS) are not part of the mail event and are dropped.
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest_mail.envelope import (
    FormatResult,
    MailParseError,
    MailRecord,
    RawAttachment,
    RecordError,
    SourceRecord,
    cap,
    normalise_message_id,
)


class GmailExportParseError(MailParseError):
    """A Gmail log row without the fields one message needs."""


@dataclass(frozen=True)
class GmailRow:
    message_id: str
    occurred_at: datetime
    record: MailRecord
    raw: bytes


def _object(value: object, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise GmailExportParseError(f"{where} is a JSON {type(value).__name__}, not an object")
    return value


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _integer(value: object, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise GmailExportParseError(f"{where} is not an integer: {value!r}"[:200])


def _list(value: object, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise GmailExportParseError(f"{where} is not a list")
    return [_object(item, where) for item in value]


def _flattened(value: str) -> list[str]:
    """Addresses from `flattened_destinations` (comma-separated items of colon-separated parts)."""
    return [
        next((piece for piece in item.split(":") if "@" in piece), "")
        for item in value.split(",")
        if "@" in item
    ]


def parse_row(row: object, raw: bytes) -> GmailRow:
    top = _object(row, "row")
    event_info = _object(top.get("event_info"), "event_info")
    info = _object(top.get("message_info"), "message_info")
    message_id = _text(info.get("rfc2822_message_id"))
    if not message_id:
        raise GmailExportParseError("message_info.rfc2822_message_id is missing")
    usec = _integer(event_info.get("timestamp_usec"), "event_info.timestamp_usec")
    try:
        occurred_at = datetime.fromtimestamp(usec / 1_000_000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise GmailExportParseError(f"event_info.timestamp_usec is out of range: {usec}") from None
    source = _object(info.get("source"), "message_info.source")
    destinations = _list(info.get("destination"), "message_info.destination")
    to = [_text(item.get("address")) for item in destinations]
    if not destinations:
        to = _flattened(_text(info.get("flattened_destinations")))
    attachments = tuple(
        RawAttachment(file_name=_text(item.get("file_name")))
        for item in _list(info.get("attachment"), "message_info.attachment")
    )
    envelope_sender = _text(source.get("address"))
    record = MailRecord(
        message_id=message_id,
        from_address=_text(source.get("from_header_address")) or envelope_sender,
        sender_mailbox=envelope_sender,
        to=tuple(to),
        subject=_text(info.get("subject")),
        attachments=attachments,
        labels=("spam",) if info.get("is_spam") is True else (),
        occurred_at=occurred_at,
    )
    return GmailRow(normalise_message_id(message_id), occurred_at, record, raw)


def merge(rows: list[GmailRow]) -> MailRecord:
    """One message from all its rows: the earliest row's values, every row's recipients."""
    first = min(rows, key=lambda row: row.occurred_at).record
    richest = max(rows, key=lambda row: len(row.record.attachments)).record
    return MailRecord(
        message_id=first.message_id,
        from_address=first.from_address,
        sender_mailbox=first.sender_mailbox,
        to=tuple(address for row in rows for address in row.record.to),
        subject=first.subject,
        attachments=richest.attachments,
        labels=tuple(label for row in rows for label in row.record.labels),
        occurred_at=first.occurred_at,
    )


def read(data: bytes) -> FormatResult:
    """Every non-blank line is part of an event or an error; nothing is raised."""
    result = FormatResult()
    messages: dict[str, list[GmailRow]] = {}
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        raw = line.encode()
        try:
            try:
                document: object = json.loads(line)
            except ValueError as error:
                raise GmailExportParseError(f"not JSON: {error}") from None
            except RecursionError:
                raise GmailExportParseError("JSON nested too deeply") from None
            row = parse_row(document, raw)
        except GmailExportParseError as error:
            result.errors.append(RecordError(cap(raw), f"line {number}: {error}"))
            continue
        messages.setdefault(row.message_id, []).append(row)
    for rows in messages.values():
        result.records.append(SourceRecord(merge(rows), b"\n".join(sorted(row.raw for row in rows))))
    return result
