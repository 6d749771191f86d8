"""Exchange 2016/2019 message tracking logs (`MSGTRK*.LOG`): W3C-style CSV.

    #Software: Microsoft Exchange Server
    #Version: 15.02.1118.007
    #Log-type: Message Tracking Log
    #Date: 2024-03-04T08:00:01.123Z
    #Fields: date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,...

Columns are read by name from the latest `#Fields:` line, so older or newer column sets work.
Recipients are `;`-separated in `recipient-address`.

Which rows become events (documented choice): one message produces many rows (SUBMIT, RECEIVE,
AGENTINFO, EXPAND, DELIVER, SEND, …). Only **RECEIVE** rows are used, whatever their source
(STOREDRIVER for a mailbox submission, SMTP for mail from outside or from the submission
service): a RECEIVE row is the message as it entered transport, with the full recipient list,
sender, subject, size and recipient count, whereas DELIVER and SEND rows each hold only the
recipients of one hop. RECEIVE rows of the same message-id in one input (several hops through one
server) merge into one event with the union of their recipients. Other rows are counted as
skipped, not rejected. Tracking logs carry neither the From header nor Cc/Bcc: every recipient is
in `to`, and `sender_mailbox` stays empty (unknown).
"""

import csv
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest_mail.envelope import FormatResult, MailParseError, MailRecord, RecordError, SourceRecord, cap

FIELDS_PREFIX = "#fields:"
REQUIRED = ("date-time", "event-id", "message-id", "recipient-address", "sender-address")
KEPT_EVENTS = frozenset({"RECEIVE"})
EMPTY = frozenset({"", "<>"})


class TrackingLogParseError(MailParseError):
    """A tracking-log line that does not fit the `#Fields:` header before it."""


@dataclass
class _Message:
    lines: list[bytes] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)


def parse_fields(line: str) -> list[str]:
    names = [name.strip().lower() for name in line[len(FIELDS_PREFIX) :].split(",")]
    missing = [name for name in REQUIRED if name not in names]
    if missing:
        raise TrackingLogParseError(f"#Fields header lacks {', '.join(missing)}")
    return names


def parse_row(line: str, fields: list[str]) -> dict[str, str]:
    try:
        values = next(csv.reader([line], strict=True))
    except (csv.Error, StopIteration) as error:
        raise TrackingLogParseError(f"not a CSV row: {error}") from None
    if len(values) != len(fields):
        raise TrackingLogParseError(f"expected {len(fields)} fields per #Fields header, found {len(values)}")
    return dict(zip(fields, values, strict=True))


def parse_time(value: str) -> datetime:
    try:
        stamp = datetime.fromisoformat(value.strip())
    except ValueError:
        raise TrackingLogParseError(f"date-time is not ISO 8601: {value!r}") from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


def _count(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def to_record(rows: list[dict[str, str]]) -> MailRecord:
    """One message from its RECEIVE rows (first row for the header values, all rows for recipients)."""
    first = rows[0]
    message_id = first["message-id"].strip()
    if not message_id:
        raise TrackingLogParseError("message-id is empty")
    recipients = [
        address.strip()
        for row in rows
        for address in row["recipient-address"].split(";")
        if address.strip() not in EMPTY
    ]
    sender = first["sender-address"].strip()
    counts = [count for row in rows if (count := _count(row.get("recipient-count", ""))) is not None]
    return MailRecord(
        message_id=message_id,
        from_address="" if sender in EMPTY else sender,
        to=tuple(recipients),
        subject=first.get("message-subject", ""),
        occurred_at=min(parse_time(row["date-time"]) for row in rows),
        platform_recipient_count=max(counts) if len(rows) == 1 and counts else None,
    )


def read(data: bytes) -> FormatResult:
    """Every line is a header, a kept RECEIVE row, a skipped row or an error; nothing is raised."""
    result = FormatResult()
    text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    fields: list[str] | None = None
    messages: dict[str, _Message] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        raw = line.encode()
        if not line.strip():
            continue
        try:
            if line.startswith("#"):
                if line.lower().startswith(FIELDS_PREFIX):
                    fields = None  # a broken #Fields header invalidates the rows after it
                    fields = parse_fields(line)
                continue
            if fields is None:
                raise TrackingLogParseError("data before a valid #Fields header")
            row = parse_row(line, fields)
            if row["event-id"].strip().upper() not in KEPT_EVENTS:
                result.skipped += 1
                continue
            parse_time(row["date-time"])
            if not row["message-id"].strip():
                raise TrackingLogParseError("message-id is empty")
        except TrackingLogParseError as error:
            result.errors.append(RecordError(cap(raw), f"line {number}: {error}"))
            continue
        message = messages.setdefault(row["message-id"].strip(), _Message())
        message.lines.append(raw)
        message.rows.append(row)
    for message in messages.values():
        raw = b"\n".join(message.lines)
        try:
            result.records.append(SourceRecord(to_record(message.rows), raw))
        except TrackingLogParseError as error:
            result.errors.append(RecordError(cap(raw), str(error)))
    return result
