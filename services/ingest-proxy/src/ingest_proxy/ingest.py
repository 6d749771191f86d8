"""Parses a text batch in one of the proxy formats into events and rejects; nothing is dropped."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from ingest_proxy import e2guardian, squid, vendor_csv
from ingest_proxy.minimise import to_event
from ingest_proxy.record import ProxyParseError, ProxyRecord
from invigilator.events.v1 import events_pb2

# A reject keeps at most this much of its raw record (a 10 MB garbage line stays inspectable, not whole).
MAX_REJECT_BYTES = 64 * 1024
Parsed = Iterator[tuple[int, str, ProxyRecord | ProxyParseError]]


def formats(mappings: dict[str, vendor_csv.ColumnMapping]) -> set[str]:
    return {"squid", "e2guardian", *(f"{vendor}-csv" for vendor in mappings)}


@dataclass
class ParsedBatch:
    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)


def _by_line(text: str, parse: Callable[[str], ProxyRecord]) -> Parsed:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, line, parse(line)
        except ProxyParseError as error:
            yield number, line, error


def _records(
    format_name: str, text: str, zone: tzinfo, mappings: dict[str, vendor_csv.ColumnMapping]
) -> Parsed:
    if format_name == "squid":
        return _by_line(text, squid.parse_line)
    if format_name == "e2guardian":
        return _by_line(text, lambda line: e2guardian.parse_line(line, zone))
    vendor = format_name.removesuffix("-csv")
    if format_name.endswith("-csv") and vendor in mappings:
        return vendor_csv.parse_text(text, mappings[vendor], zone)
    raise ValueError(f"unknown format {format_name!r}; known: {', '.join(sorted(formats(mappings)))}")


def parse_text(
    format_name: str,
    text: str,
    school_id: str,
    zone: tzinfo = UTC,
    mappings: dict[str, vendor_csv.ColumnMapping] | None = None,
    received_at: datetime | None = None,
) -> ParsedBatch:
    """Every non-blank record becomes an event or a reject carrying the raw line and the reason."""
    source = f"proxy.{format_name}"
    batch = ParsedBatch()
    now = received_at or datetime.now(UTC)
    for number, line, parsed in _records(format_name, text, zone, mappings or vendor_csv.PRESETS):
        try:
            if isinstance(parsed, ProxyParseError):
                raise parsed
            batch.events.append(to_event(parsed, school_id, line, source))
        except (ProxyParseError, UnicodeError) as error:  # protobuf refuses text that is not UTF-8
            reject = events_pb2.RejectedInput(
                format=source,
                school_id=school_id,
                raw=line.encode("utf-8", "replace")[:MAX_REJECT_BYTES],
                reason=f"line {number}: {error}",
            )
            reject.received_at.FromDatetime(now)
            batch.rejects.append(reject)
    return batch
