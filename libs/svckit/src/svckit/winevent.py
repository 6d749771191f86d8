"""Windows event records shipped as JSON (Winlogbeat/ECS or NXLog) → the fields every event has.

One reader for every service that takes Windows events, so they all find the same fields in both
shapes and refuse the same malformed records for the same reasons. What an event means stays in
each service, which puts its payload into the `envelope`. Errors are `RecordError`, which every
ingest loop turns into a reject.

Winlogbeat/ECS, nested (`{"winlog": {"event_id": …}}`) or literal dotted keys (`{"winlog.event_id": …}`):

    @timestamp                          ISO 8601 UTC
    winlog.event_id | event.code        int or string
    winlog.provider_name | event.provider | winlog.provider_guid
    winlog.channel
    winlog.computer_name | host.name | host.hostname
    winlog.event_data.*                 named data; Defender's keys contain spaces ("Threat Name")
    winlog.user_data.*                  AppLocker and DriverFrameworks put their data here

NXLog (im_msvistalog + to_json), flat:

    EventID, SourceName | ProviderName | ProviderGuid, Channel, Hostname
    EventTime           "2026-11-23 09:15:02" in the host's local time, or ISO 8601 with an offset
    <anything else>     event data as top-level keys (TargetUserName, "Threat Name"), or param1..N
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from invigilator.events.v1 import events_pb2
from svckit.ingest import RecordError, event_id

# The trust's schools are in England: a shipper's zone-less local time is London time by default.
LONDON = ZoneInfo("Europe/London")
SECURITY_GUID = "{54849625-5478-4994-a5ba-3e3b0328c30d}"
# Providers by GUID, for shippers that send ProviderGuid without a name.
PROVIDER_BY_GUID = {
    SECURITY_GUID: "Microsoft-Windows-Security-Auditing",
    "{9c205a39-1250-487d-abd7-e831c6290539}": "Microsoft-Windows-Kernel-PnP",
    "{2e35aaeb-857f-4beb-a418-2e6c0e54d988}": "Microsoft-Windows-DriverFrameworks-UserMode",
    "{11cd958a-c507-4ef3-b3f2-5fd9dfbd2c78}": "Microsoft-Windows-Windows Defender",
    "{cbda4dbf-8d5d-4f69-9578-be14aa540d22}": "Microsoft-Windows-AppLocker",
    "{555908d1-a6d7-4695-8e1e-26931d2012f4}": "Service Control Manager",
}
# What Windows and the shippers write for "no value" (compared lower-case).
EMPTY = frozenset({"", "-", "(null)", "null"})
MAX_EVENT_ID = 0xFFFF  # event ids are 16-bit; anything larger is not a Windows event
_MISSING = object()


@dataclass(frozen=True)
class WinRecord:
    """The fields every Windows event has, whichever shipper sent it."""

    event_id: int
    provider: str
    channel: str
    computer: str
    timestamp: datetime
    data: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str, param: int = 0) -> str:
        """A named event-data value, else the classic positional `paramN`; "" for "-"/"(NULL)"."""
        value = self.data.get(name, "")
        if not value and param:
            value = self.data.get(f"param{param}", "")
        value = value.strip()
        return "" if value.lower() in EMPTY else value


def text_of(value: object) -> str:
    """A JSON scalar as the text Windows logged; containers, null and absent values are ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return ""


def event_id_of(value: object) -> int:
    """Event ids arrive as 4624 or "4624"; anything else, or beyond 16 bits, is refused."""
    text = text_of(value).strip()
    if not text.isdecimal() or len(text) > 5 or isinstance(value, bool | float):
        raise RecordError(f"event id is not a number: {text[:40] or type(value).__name__!r}")
    number = int(text)
    if number > MAX_EVENT_ID:
        raise RecordError(f"event id is out of range: {number}")
    return number


def uint(text: str, name: str, limit: int = 0xFFFFFFFF) -> int:
    """A logged number, decimal or "0x" hex, within 0..`limit`; "" (not logged) is 0."""
    if not text:
        return 0
    try:
        number = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise RecordError(f"{name} is not a number: {text[:40]!r}") from None
    if not 0 <= number <= limit:
        raise RecordError(f"{name} is out of range: {number}")
    return number


def timestamp_of(value: object, naive_zone: tzinfo, name: str) -> datetime:
    """ISO 8601 (with Z or an offset) or "2026-11-23 09:15:02" → UTC; a time without zone is `naive_zone`."""
    text = text_of(value).strip()
    if not text:
        raise RecordError(f"{name} is missing")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise RecordError(f"{name} is not an ISO 8601 time: {text[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise RecordError(f"{name} is out of range: {text[:40]!r}") from None


def flat_strings(data: object, into: dict[str, str] | None = None) -> dict[str, str]:
    """Event data as name → text; nested objects (ECS user_data wrappers) are lifted to leaf names.
    The first value of a name wins, so a wrapper cannot overwrite a top-level value read before it."""
    out = into if into is not None else {}
    if isinstance(data, dict):
        for key, value in data.items():
            if type(value) is str:
                out.setdefault(key, value)
            elif isinstance(value, dict):
                flat_strings(value, out)
            elif isinstance(key, str):
                out.setdefault(key, text_of(value))
    return out


def lookup(obj: Mapping[str, Any], path: str) -> object:
    """`a.b.c` from nested objects, literal dotted keys, or any mix of the two (pipelines emit all)."""
    if path in obj:
        return obj[path]
    parts = path.split(".")
    for cut in range(1, len(parts)):
        inner = obj.get(".".join(parts[:cut]), _MISSING)
        if isinstance(inner, dict):
            found = lookup(inner, ".".join(parts[cut:]))
            if found is not _MISSING:
                return found
    return _MISSING


def first_text(obj: Mapping[str, Any], *paths: str) -> str:
    """The first of `paths` (ECS) with a non-blank value, stripped; "" when none has one."""
    for path in paths:
        value = text_of(lookup(obj, path)).strip()
        if value:
            return value
    return ""


def _dotted(obj: Mapping[str, Any], prefix: str) -> dict[str, str]:
    return {key[len(prefix) :]: text_of(value) for key, value in obj.items() if key.startswith(prefix)}


def ecs_record(obj: Mapping[str, Any]) -> WinRecord:
    """The shared fields of one Winlogbeat document; RecordError names what is missing or wrong."""
    raw_id = lookup(obj, "winlog.event_id")
    if raw_id is _MISSING or raw_id in ("", None):
        raw_id = lookup(obj, "event.code")
    if raw_id is _MISSING or raw_id is None:
        raise RecordError("no winlog.event_id or event.code")
    data = flat_strings(lookup(obj, "winlog.event_data"))
    data.update(_dotted(obj, "winlog.event_data."))
    flat_strings(lookup(obj, "winlog.user_data"), data)
    data.update(_dotted(obj, "winlog.user_data."))
    guid = first_text(obj, "winlog.provider_guid").lower()
    return WinRecord(
        event_id=event_id_of(raw_id),
        provider=first_text(obj, "winlog.provider_name", "event.provider") or PROVIDER_BY_GUID.get(guid, ""),
        channel=first_text(obj, "winlog.channel"),
        computer=first_text(obj, "winlog.computer_name", "host.name", "host.hostname"),
        timestamp=timestamp_of(lookup(obj, "@timestamp"), UTC, "@timestamp"),
        data=data,
    )


def nxlog_record(obj: Mapping[str, Any], local_zone: tzinfo = LONDON) -> WinRecord:
    """The shared fields of one NXLog record; a zone-less EventTime is `local_zone`."""
    if obj.get("EventID") in (None, ""):
        raise RecordError("no EventID")
    guid = text_of(obj.get("ProviderGuid")).strip().lower()
    provider = text_of(obj.get("SourceName")).strip() or text_of(obj.get("ProviderName")).strip()
    return WinRecord(
        event_id=event_id_of(obj.get("EventID")),
        provider=provider or PROVIDER_BY_GUID.get(guid, ""),
        channel=text_of(obj.get("Channel")).strip(),
        computer=text_of(obj.get("Hostname")).strip(),
        timestamp=timestamp_of(obj.get("EventTime"), local_zone, "EventTime"),
        data=flat_strings(obj),
    )


def envelope(record: WinRecord, school_id: str, source: str, raw: str, account: str) -> events_pb2.Event:
    """The Event for one Windows record, payload still to set: its id hashes the raw line, so a replay
    is the same event; its time is when Windows logged it."""
    event = events_pb2.Event(event_id=event_id(source, school_id, raw), school_id=school_id, account=account)
    event.occurred_at.FromDatetime(record.timestamp)
    return event
