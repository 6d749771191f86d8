"""Parses a text batch in one of the proxy formats into events and rejects; nothing is dropped."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from ingest_proxy import e2guardian, squid, vendor_csv
from ingest_proxy.minimise import to_event
from ingest_proxy.record import ProxyParseError, ProxyRecord
from invigilator.events.v1 import events_pb2
from svckit.ingest import reject

# Formats with one record per line and no header: the ones a syslog sender can carry.
LINE_FORMATS = ("squid", "e2guardian")
# (where the record came from, e.g. "line 3"; the raw record; the record or why it was refused)
Parsed = Iterator[tuple[str, str, ProxyRecord | ProxyParseError]]


def formats(mappings: dict[str, vendor_csv.ColumnMapping]) -> set[str]:
    return {*LINE_FORMATS, *(f"{vendor}-csv" for vendor in mappings)}


@dataclass
class ParsedBatch:
    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)


def _line_parser(format_name: str, zone: tzinfo) -> Callable[[str], ProxyRecord]:
    if format_name == "squid":
        return squid.parse_line
    if format_name == "e2guardian":
        return lambda line: e2guardian.parse_line(line, zone)
    raise ValueError(f"{format_name!r} is not a line format; line formats: {', '.join(LINE_FORMATS)}")


def _each(lines: Iterable[tuple[str, str]], parse: Callable[[str], ProxyRecord]) -> Parsed:
    for where, line in lines:
        try:
            yield where, line, parse(line)
        except ProxyParseError as error:
            yield where, line, error


def _numbered(text: str) -> Iterator[tuple[str, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield f"line {number}", line


def _records(
    format_name: str, text: str, zone: tzinfo, mappings: dict[str, vendor_csv.ColumnMapping]
) -> Parsed:
    if format_name in LINE_FORMATS:
        return _each(_numbered(text), _line_parser(format_name, zone))
    vendor = format_name.removesuffix("-csv")
    if format_name.endswith("-csv") and vendor in mappings:
        return (
            (f"line {number}", line, parsed)
            for number, line, parsed in vendor_csv.parse_text(text, mappings[vendor], zone)
        )
    raise ValueError(f"unknown format {format_name!r}; known: {', '.join(sorted(formats(mappings)))}")


def _collect(parsed: Parsed, source: str, school_id: str, received_at: datetime | None) -> ParsedBatch:
    batch = ParsedBatch()
    now = received_at or datetime.now(UTC)
    for where, line, record in parsed:
        try:
            if isinstance(record, ProxyParseError):
                raise record
            batch.events.append(to_event(record, school_id, line, source))
        except (ProxyParseError, UnicodeError) as error:  # protobuf refuses text that is not UTF-8
            raw = line.encode("utf-8", "replace")
            batch.rejects.append(reject(source, school_id, raw, f"{where}: {error}", now))
    return batch


def parse_text(
    format_name: str,
    text: str,
    school_id: str,
    zone: tzinfo = UTC,
    mappings: dict[str, vendor_csv.ColumnMapping] | None = None,
    received_at: datetime | None = None,
) -> ParsedBatch:
    """Every non-blank record becomes an event or a reject carrying the raw line and the reason."""
    parsed = _records(format_name, text, zone, mappings or vendor_csv.PRESETS)
    return _collect(parsed, f"proxy.{format_name}", school_id, received_at)


def parse_lines(
    format_name: str,
    lines: Iterable[tuple[str, str]],
    school_id: str,
    zone: tzinfo = UTC,
    received_at: datetime | None = None,
) -> ParsedBatch:
    """(where, line) pairs of a line format, each line one record (blank ones too: they are refused).

    `where` names the origin in a reject's reason (e.g. "syslog from proxy1"). The event ids are the
    ones `parse_text` gives the same lines, so a line sent over syslog and replayed over HTTP is one
    event.
    """
    parsed = _each(lines, _line_parser(format_name, zone))
    return _collect(parsed, f"proxy.{format_name}", school_id, received_at)
