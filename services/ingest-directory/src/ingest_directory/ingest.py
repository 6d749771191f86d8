"""Directory input → events and rejects; nothing raised for bad input, nothing dropped.

- `parse("ecs" | "nxlog", data, school_id)`: JSON lines of domain-controller security events;
  each line an Event or a RejectedInput (raw capped at 64 KiB, reason naming the line). Event ids
  not monitored are rejected ("event id N not monitored"), not skipped.
- `parse_ldif(data, layout)`: an LDIF export → snapshot events; the school comes from each
  entry's OU. Records that cannot be read are rejected; entries that are not accounts or
  policies are counted in `skipped`.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from ingest_directory.adevents import to_event
from ingest_directory.ldif import read_ldif
from ingest_directory.snapshot import Layout, entries_to_events, school_of
from invigilator.events.v1 import events_pb2
from svckit.ingest import parse_json_lines, reject
from svckit.winevent import LONDON, WinRecord, ecs_record, nxlog_record

FORMATS = ("ecs", "nxlog")
LDIF_SOURCE = "directory.ldif"


@dataclass
class ParsedBatch:
    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)
    # Entries deliberately not turned into events (OUs, groups, computers), by reason.
    skipped: Counter[str] = field(default_factory=Counter)


def _reader(format_name: str, local_zone: tzinfo) -> Callable[[dict[str, Any]], WinRecord]:
    if format_name == "ecs":
        return ecs_record
    if format_name == "nxlog":
        return lambda obj: nxlog_record(obj, local_zone)
    raise ValueError(f"unknown directory format {format_name!r}; expected one of {FORMATS}")


def parse(
    format_name: str,
    data: bytes,
    school_id: str,
    received_at: datetime | None = None,
    local_zone: tzinfo = LONDON,
) -> ParsedBatch:
    """`format_name` is "ecs" or "nxlog" (a caller's mistake otherwise: ValueError)."""
    read = _reader(format_name, local_zone)
    source = f"directory.{format_name}"
    events, rejects = parse_json_lines(
        data,
        source,
        school_id,
        lambda obj, text: to_event(read(obj), school_id, source, text),
        received_at or datetime.now(UTC),
    )
    return ParsedBatch(events, rejects)


def parse_ldif(
    data: bytes, layout: Layout, observed_at: datetime | None = None, received_at: datetime | None = None
) -> ParsedBatch:
    """An LDIF export of the trust's directory; `observed_at` (the export time) stamps the snapshots."""
    now = received_at or datetime.now(UTC)
    batch = ParsedBatch()
    entries, failures = read_ldif(data)
    for failure in failures:
        reason = f"entry at line {failure.line}: {failure.reason}"
        batch.rejects.append(reject(LDIF_SOURCE, "", failure.raw, reason, now))
    snapshot = entries_to_events(entries, layout, LDIF_SOURCE, observed_at or now)
    batch.events.extend(snapshot.events)
    batch.skipped.update(snapshot.skipped)
    for entry, reason in snapshot.failures:
        school = school_of(entry.dn, layout)
        batch.rejects.append(reject(LDIF_SOURCE, school, entry.raw.encode(), f"{entry.dn}: {reason}", now))
    return batch
