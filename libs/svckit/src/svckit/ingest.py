"""What every ingest service does the same way: stable event ids, logon names, capped rejects."""

import hashlib
from datetime import datetime

from invigilator.events.v1 import events_pb2

# A reject keeps at most this much of its raw record: inspectable, never a second copy of a huge input.
MAX_REJECT_BYTES = 64 * 1024


def event_id(source: str, school_id: str, raw: str | bytes) -> str:
    """The same raw record from the same school always gets the same id, so replays are idempotent.
    Surrounding whitespace (a trailing newline, CRLF) does not change it."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    digest = hashlib.sha256(f"{source}\x00{school_id}\x00".encode())
    digest.update(data.strip())
    return digest.hexdigest()[:32]


def account_of(user: str) -> str:
    """Directory logon name: `DOMAIN\\jsmith` and `jsmith@school.example` both become `jsmith`."""
    name = user.rsplit("\\", 1)[-1].split("@", 1)[0]
    return name.strip().lower()


def reject(source: str, school_id: str, raw: bytes, reason: str, now: datetime) -> events_pb2.RejectedInput:
    """A record that could not be parsed, kept with its reason (house rule 9), raw bytes capped."""
    if len(raw) > MAX_REJECT_BYTES:
        reason = f"{reason} (raw cut to {MAX_REJECT_BYTES} of {len(raw)} bytes)"
    out = events_pb2.RejectedInput(
        format=source, school_id=school_id, raw=raw[:MAX_REJECT_BYTES], reason=reason
    )
    out.received_at.FromDatetime(now)
    return out
