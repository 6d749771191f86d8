"""What every ingest service does the same way: stable event ids, logon names, capped rejects."""

import hashlib
import re
from datetime import datetime

from invigilator.events.v1 import events_pb2

# Accounts Windows logs that are not people: built-in principals, the window manager and font-driver
# host sessions, SIDs, and anything ending in "$" (machine and managed service accounts).
NOT_PEOPLE = frozenset({"system", "local service", "network service", "anonymous logon", "localsystem"})
NOT_PEOPLE_DOMAINS = frozenset({"nt authority", "window manager", "font driver host", "nt service"})
_GENERATED_SESSION = re.compile(r"^(dwm|umfd)-\d+$")
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


def person(user: str, domain: str = "") -> str:
    """The logon name when `user` is a person, else "" ("-", machine accounts, built-in principals)."""
    if "\\" in user and not domain:
        domain = user.split("\\", 1)[0]
    name = account_of(user)
    if (
        not name
        or name == "-"
        or name.endswith("$")
        or name.startswith("s-1-")
        or name in NOT_PEOPLE
        or _GENERATED_SESSION.match(name)
        or domain.strip().lower() in NOT_PEOPLE_DOMAINS
    ):
        return ""
    return name


def reject(source: str, school_id: str, raw: bytes, reason: str, now: datetime) -> events_pb2.RejectedInput:
    """A record that could not be parsed, kept with its reason (house rule 9), raw bytes capped."""
    if len(raw) > MAX_REJECT_BYTES:
        reason = f"{reason} (raw cut to {MAX_REJECT_BYTES} of {len(raw)} bytes)"
    out = events_pb2.RejectedInput(
        format=source, school_id=school_id, raw=raw[:MAX_REJECT_BYTES], reason=reason
    )
    out.received_at.FromDatetime(now)
    return out
