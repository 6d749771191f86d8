"""Parses a text batch of log lines into events and rejects; nothing is dropped."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from ingest_proxy.minimise import to_event
from ingest_proxy.squid import SquidParseError, parse_line
from invigilator.events.v1 import events_pb2

SQUID_FORMAT = "proxy.squid"


@dataclass
class ParsedBatch:
    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)


def parse_squid_text(text: str, school_id: str, received_at: datetime | None = None) -> ParsedBatch:
    """Every non-blank line becomes an event or a reject carrying the raw line and the reason."""
    batch = ParsedBatch()
    now = received_at or datetime.now(UTC)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            batch.events.append(to_event(parse_line(line), school_id, line))
        except SquidParseError as error:
            reject = events_pb2.RejectedInput(
                format=SQUID_FORMAT, school_id=school_id, raw=line.encode(), reason=f"line {number}: {error}"
            )
            reject.received_at.FromDatetime(now)
            batch.rejects.append(reject)
    return batch
