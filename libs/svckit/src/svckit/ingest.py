"""What every ingest service does the same way: stable event ids, logon names, capped rejects."""

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

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


class RecordError(ValueError):
    """A record that is not what its format promises; the message says why."""


def json_lines(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for every non-blank line of a JSON-lines batch, CRLF tolerated."""
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        if line.strip():
            yield number, line


def json_object(line: bytes) -> dict[str, Any]:
    """One JSON object from a line (a UTF-8 BOM allowed), or RecordError saying what it is instead."""
    try:
        obj = json.loads(line.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        raise RecordError(f"not UTF-8 ({error.reason} at byte {error.start})") from None
    except (ValueError, RecursionError) as error:
        raise RecordError(f"not JSON: {str(error)[:120]}") from None
    if not isinstance(obj, dict):
        raise RecordError(f"not a JSON object but {type(obj).__name__}")
    return obj


def parse_json_lines(
    data: bytes,
    source: str,
    school_id: str,
    to_event: Callable[[dict[str, Any], str], events_pb2.Event],
    now: datetime,
) -> tuple[list[events_pb2.Event], list[events_pb2.RejectedInput]]:
    """Every non-blank line → `to_event(object, line text)` or a reject naming the line.

    `to_event` raises RecordError for a record that is not what its format promises; any other
    exception is a parser bug, kept as a reject too, so one line never loses the rest of the batch.
    """
    events: list[events_pb2.Event] = []
    rejects: list[events_pb2.RejectedInput] = []
    for number, line in json_lines(data):
        try:
            events.append(to_event(json_object(line), line.decode("utf-8-sig")))
        except RecordError as error:
            rejects.append(reject(source, school_id, line, f"line {number}: {error}", now))
        except Exception as error:
            reason = f"line {number}: parser bug: {type(error).__name__}: {str(error)[:120]}"
            rejects.append(reject(source, school_id, line, reason, now))
    return events, rejects
