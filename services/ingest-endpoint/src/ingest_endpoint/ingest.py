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
from ingest_endpoint.record import WinEvent, WinlogError
from ingest_endpoint.winlog import to_event
from invigilator.events.v1 import events_pb2
from svckit.ingest import RecordError, json_lines, json_object, reject

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
    batch = ParsedBatch()
    now = received_at or datetime.now(UTC)
    for number, line in json_lines(data):
        try:
            batch.events.append(
                to_event(read(json_object(line)), school_id, source, line.decode("utf-8-sig"))
            )
        except (WinlogError, RecordError) as error:
            batch.rejects.append(reject(source, school_id, line, f"line {number}: {error}", now))
        except Exception as error:  # a parser bug must not lose the rest of the batch
            reason = f"line {number}: parser bug: {type(error).__name__}: {str(error)[:120]}"
            batch.rejects.append(reject(source, school_id, line, reason, now))
    return batch
