"""Format dispatch: one input of a named mail format becomes events and rejects; nothing is raised.

Every record becomes an Event or a RejectedInput (raw capped at 64 KiB, reason naming the record or
line). Rows a format deliberately does not turn into events (e.g. DELIVER rows of a tracking log,
whose message is already an event from its RECEIVE row) are counted in `skipped`.

A rejected RFC 5322 message keeps only its header block (never the body, MON-ENVELOPE-ONLY), and no
Subject line when the headers mark it private (MON-PRIVATE-MARKED).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest_mail import exchange_tracking, gmail_export, m365_trace, rfc5322
from ingest_mail.envelope import FormatResult, MailParseError, SourceRecord, to_event
from invigilator.events.v1 import events_pb2
from svckit.ingest import reject

EML = "eml"
READERS: dict[str, Callable[[bytes], FormatResult]] = {
    "exchange-tracking": exchange_tracking.read,
    "m365-trace": m365_trace.read,
    "gmail": gmail_export.read,
}
FORMATS = (EML, *READERS)


@dataclass
class ParsedBatch:
    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)
    skipped: int = 0


def source_name(format_name: str) -> str:
    """The name a format carries in event ids and rejects, e.g. `mail.gmail`."""
    return f"mail.{format_name}"


def _reject(
    batch: ParsedBatch, format_name: str, school_id: str, raw: bytes, reason: str, now: datetime
) -> None:
    batch.rejects.append(reject(source_name(format_name), school_id, raw, reason, now))


def parse(
    format_name: str,
    data: bytes,
    school_id: str,
    own_domains: frozenset[str],
    *,
    received_at: datetime | None = None,
) -> ParsedBatch:
    """Parse one input in `format_name` (one of FORMATS) into a batch."""
    if format_name == EML:
        return parse_message(data, school_id, own_domains, received_at=received_at)
    now = received_at or datetime.now(UTC)
    batch = ParsedBatch()
    reader = READERS.get(format_name)
    if reader is None:
        # Unknown format: keep only what an RFC 5322 reject would keep, in case it holds a body.
        reason = f"unknown mail format {format_name!r} (expected one of {', '.join(FORMATS)})"
        _reject(batch, format_name, school_id, rfc5322.reject_raw(data), reason, now)
        return batch
    try:
        result = reader(data)
    except Exception as failure:  # the readers raise nothing by contract; this keeps input if one does
        _reject(batch, format_name, school_id, data, f"parser failed: {type(failure).__name__}", now)
        return batch
    batch.skipped = result.skipped
    for error in result.errors:
        _reject(batch, format_name, school_id, error.raw, error.reason, now)
    for source in result.records:
        _add_event(batch, format_name, school_id, own_domains, source, now)
    return batch


def _add_event(
    batch: ParsedBatch,
    format_name: str,
    school_id: str,
    own_domains: frozenset[str],
    source: SourceRecord,
    now: datetime,
) -> None:
    try:
        event = to_event(
            source.record,
            source=source_name(format_name),
            school_id=school_id,
            raw=source.raw,
            own_domains=own_domains,
            received_at=now,
        )
    except MailParseError as error:
        where = source.record.message_id or "record"
        _reject(batch, format_name, school_id, source.raw, f"{where}: {error}", now)
        return
    batch.events.append(event)


def parse_message(
    data: bytes,
    school_id: str,
    own_domains: frozenset[str],
    *,
    envelope_from: str | None = None,
    envelope_to: Sequence[str] = (),
    received_at: datetime | None = None,
) -> ParsedBatch:
    """One RFC 5322 message (an `.eml` file, or a journal/BCC copy with the SMTP envelope the
    receiver saw) into a batch of one event or one reject."""
    now = received_at or datetime.now(UTC)
    batch = ParsedBatch()
    try:
        record = rfc5322.parse_message(data, envelope_from=envelope_from, envelope_to=envelope_to)
    except MailParseError as error:
        _reject(batch, EML, school_id, rfc5322.reject_raw(data), f"message: {error}", now)
        return batch
    except Exception as error:  # the parser raises only its own error by contract; keep input if not
        reason = f"message: parser failed: {type(error).__name__}"
        _reject(batch, EML, school_id, rfc5322.reject_raw(data), reason, now)
        return batch
    _add_event(batch, EML, school_id, own_domains, SourceRecord(record, data), now)
    if batch.rejects:  # a record that failed minimisation: never keep the body
        batch.rejects[-1].raw = rfc5322.reject_raw(data)
    return batch
