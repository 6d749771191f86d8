"""Microsoft 365 message trace: `Get-MessageTraceV2 | ConvertTo-Json` output, the reporting web
service's OData JSON, or Graph-style camelCase rows.

Accepted shapes: a JSON array of rows, one row object, `{"value": [...]}`, `{"d": {"results": [...]}}`,
or JSON lines; UTF-8 or (as Windows PowerShell writes by default) UTF-16 with a BOM. Keys are matched
without regard to case, and Graph names are aliases (`receivedDateTime` = `Received`).

One row is one recipient. Rows are grouped by `MessageId` into one event with every recipient in
`to` (the trace does not say To, Cc or Bcc). A row with status `Expanded` is a distribution list
that was expanded into rows of its own: the list address stays in `to`, but `recipient_count`
counts only the other (expanded) recipients, i.e. recipients after list expansion. The trace has no
From header and no Sensitivity: `from_address` is `SenderAddress`, `sender_mailbox` stays empty, and
only the subject's "personal" label can mark a message private here.
"""

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest_mail.envelope import (
    FormatResult,
    MailParseError,
    MailRecord,
    RecordError,
    SourceRecord,
    cap,
    normalise_message_id,
)

ALIASES = {"receiveddatetime": "received", "id": "messagetraceid"}
_DOTNET_DATE = re.compile(r"^/Date\((-?\d+)(?:[+-]\d{4})?\)/$")


class MessageTraceParseError(MailParseError):
    """A trace row without the fields one message needs."""


@dataclass(frozen=True)
class TraceRow:
    message_id: str
    received: datetime
    sender: str
    recipient: str
    subject: str
    status: str
    size: int
    # Canonical JSON of the row, whatever shape it came in: the event id is built from it.
    raw: bytes


def decode_text(data: bytes) -> str:
    """UTF-16 with a BOM (Windows PowerShell's default), else UTF-8 with or without a BOM."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    return data.decode("utf-8", "replace").removeprefix("\ufeff")


def parse_received(value: object) -> datetime:
    """ISO 8601 (7 fraction digits from .NET allowed; no zone means UTC) or `/Date(ms)/`."""
    if isinstance(value, str):
        if match := _DOTNET_DATE.match(value.strip()):
            try:
                return datetime.fromtimestamp(int(match.group(1)) / 1000, tz=UTC)
            except (OverflowError, OSError, ValueError):
                pass
        else:
            try:
                stamp = datetime.fromisoformat(value.strip())
            except ValueError:
                pass
            else:
                return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    raise MessageTraceParseError(f"Received is not a date: {value!r}"[:200])


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key)
    return value.strip() if isinstance(value, str) else ""


def _size(value: object) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return 0


def canonical(row: object) -> bytes:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def parse_row(row: object, raw: bytes) -> TraceRow:
    if not isinstance(row, dict):
        raise MessageTraceParseError(f"row is a JSON {type(row).__name__}, not an object")
    fields = {ALIASES.get(str(key).lower(), str(key).lower()): value for key, value in row.items()}
    message_id = _text(fields, "messageid")
    if not message_id:
        raise MessageTraceParseError("row has no MessageId")
    recipient = _text(fields, "recipientaddress")
    if not recipient:
        raise MessageTraceParseError("row has no RecipientAddress")
    return TraceRow(
        message_id=normalise_message_id(message_id),
        received=parse_received(fields.get("received")),
        sender=_text(fields, "senderaddress"),
        recipient=recipient,
        subject=_text(fields, "subject"),
        status=_text(fields, "status"),
        size=_size(fields.get("size")),
        raw=raw,
    )


def to_record(rows: list[TraceRow]) -> MailRecord:
    """One message from all its recipient rows."""
    expanded_lists = {row.recipient.lower() for row in rows if row.status.lower() == "expanded"}
    recipients = {row.recipient.lower() for row in rows} - expanded_lists
    first = min(rows, key=lambda row: row.received)
    return MailRecord(
        message_id=first.message_id,
        from_address=first.sender,
        to=tuple(row.recipient for row in rows),
        subject=first.subject,
        occurred_at=first.received,
        platform_recipient_count=len(recipients) if expanded_lists else None,
        attachments=(),
    )


def _rows(text: str) -> tuple[list[tuple[object, bytes, str]], list[RecordError]]:
    """(row, raw, where) for each row, and errors for unreadable lines."""
    try:
        document: object = json.loads(text)
    except ValueError:
        document = None
        lines: list[tuple[object, bytes, str]] = []
        errors: list[RecordError] = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                lines.append((json.loads(line), line.encode(), f"line {number}"))
            except ValueError as error:
                errors.append(RecordError(cap(line.encode()), f"line {number}: not JSON: {error}"))
            except RecursionError:
                errors.append(RecordError(cap(line.encode()), f"line {number}: JSON nested too deeply"))
        return lines, errors
    except RecursionError:
        return [], [RecordError(cap(text.encode()), "JSON nested too deeply")]
    if isinstance(document, dict):
        container = document.get("d", document)
        if isinstance(container, dict) and isinstance(container.get("results"), list):
            document = container["results"]
        elif isinstance(document.get("value"), list):
            document = document["value"]
    items = document if isinstance(document, list) else [document]
    return [(item, canonical(item), f"row {index}") for index, item in enumerate(items, start=1)], []


def read(data: bytes) -> FormatResult:
    """Every row is part of an event or an error; nothing is raised."""
    result = FormatResult()
    items, result.errors = _rows(decode_text(data))
    messages: dict[str, list[TraceRow]] = {}
    for item, raw, where in items:
        try:
            row = parse_row(item, canonical(item))
        except MessageTraceParseError as error:
            result.errors.append(RecordError(cap(raw), f"{where}: {error}"))
            continue
        messages.setdefault(row.message_id, []).append(row)
    for rows in messages.values():
        # Sorted, so the same rows in any order (a re-pulled trace) give the same event id.
        raw = b"\n".join(sorted(row.raw for row in rows))
        result.records.append(SourceRecord(to_record(rows), raw))
    return result
