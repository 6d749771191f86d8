"""JSON lines from a shipper → events and rejects; nothing raised, nothing dropped.

Every non-blank line becomes one `Event` or one `RejectedInput` holding the line (capped at
64 KiB) and a reason naming the line number. Event ids not monitored are rejected with the
reason "event id N not monitored" rather than skipped: a shipper sending them is misconfigured,
and the rejects topic makes that visible.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from ingest_endpoint import ecs, nxlog
from ingest_endpoint.record import WinEvent
from ingest_endpoint.winlog import to_event
from invigilator.events.v1 import events_pb2
from svckit.ingest import parse_json_lines

FORMATS = ("ecs", "nxlog")


@dataclass
class ParsedBatch:
    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)


def _reader(format_name: str, local_zone: tzinfo) -> Callable[[dict[str, Any]], WinEvent]:
    if format_name == "ecs":
        return ecs.read
    if format_name == "nxlog":
        return lambda obj: nxlog.read(obj, local_zone)
    raise ValueError(f"unknown endpoint format {format_name!r}; expected one of {FORMATS}")


def parse(
    format_name: str,
    data: bytes,
    school_id: str,
    received_at: datetime | None = None,
    local_zone: tzinfo = nxlog.LONDON,
) -> ParsedBatch:
    """`format_name` is "ecs" or "nxlog" (a caller's mistake otherwise: ValueError)."""
    read = _reader(format_name, local_zone)
    source = f"endpoint.{format_name}"
    events, rejects = parse_json_lines(
        data,
        source,
        school_id,
        lambda obj, text: to_event(read(obj), school_id, source, text),
        received_at or datetime.now(UTC),
    )
    return ParsedBatch(events, rejects)
