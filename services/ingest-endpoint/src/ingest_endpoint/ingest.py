"""JSON lines from a shipper → events and rejects; nothing raised, nothing dropped.

Every non-blank line becomes one `Event` or one `RejectedInput` holding the line (capped at
64 KiB) and a reason naming the line number. Event ids not monitored are rejected with the
reason "event id N not monitored" rather than skipped: a shipper sending them is misconfigured,
and the rejects topic makes that visible.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from ingest_endpoint import ecs, nxlog
from ingest_endpoint.record import WinEvent, WinlogError
from ingest_endpoint.winlog import to_event
from invigilator.events.v1 import events_pb2
from svckit.ingest import reject

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


def _decode(line: bytes) -> dict[str, Any]:
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WinlogError(f"not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise WinlogError(f"not JSON: {str(error)[:120]}") from None
    if not isinstance(obj, dict):
        raise WinlogError(f"not a JSON object but {type(obj).__name__}")
    return obj


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
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        if not line.strip():
            continue
        try:
            obj = _decode(line)
            batch.events.append(to_event(read(obj), school_id, source, line.decode("utf-8-sig")))
        except WinlogError as error:
            batch.rejects.append(reject(source, school_id, line, f"line {number}: {error}", now))
        except Exception as error:  # a parser bug must not lose the rest of the batch
            reason = f"line {number}: parser bug: {type(error).__name__}: {str(error)[:120]}"
            batch.rejects.append(reject(source, school_id, line, reason, now))
    return batch
