"""Domain-controller security events in Winlogbeat (ECS) or NXLog JSON → one generic record.

A deliberately small duplicate of ingest-endpoint's `ecs.py`/`nxlog.py` field finding (services do
not import each other). Only what account-management events need is read: the event id, the
channel or provider, the time, and the named event data. `user.name` is never read: on 4720-4740
Winlogbeat fills it with the subject or the target depending on version, so the event data says
who acted (SubjectUserName) and whose account it was (TargetUserName).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
_MISSING = object()


class DirectoryError(ValueError):
    """Input that cannot become a DirectoryEvent; the message says why."""


@dataclass(frozen=True)
class SecurityEvent:
    event_id: int
    source: str  # provider and channel, e.g. "Microsoft-Windows-Security-Auditing Security"
    timestamp: datetime
    data: Mapping[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        value = self.data.get(name, "").strip()
        return "" if value in {"-", "(NULL)"} else value


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return ""


def _lookup(obj: dict[str, Any], path: str) -> Any:
    """`a.b.c` from nested objects, literal dotted keys, or any mix."""
    if path in obj:
        return obj[path]
    parts = path.split(".")
    for cut in range(1, len(parts)):
        inner = obj.get(".".join(parts[:cut]), _MISSING)
        if isinstance(inner, dict):
            found = _lookup(inner, ".".join(parts[cut:]))
            if found is not _MISSING:
                return found
    return _MISSING


def _event_id(value: object) -> int:
    text = _text(value).strip()
    if isinstance(value, float) or not text.isdecimal() or len(text) > 5:
        raise DirectoryError(f"event id is not a number: {text[:40] or type(value).__name__!r}")
    return int(text)


def _time(value: object, naive_zone: tzinfo, name: str) -> datetime:
    text = _text(value).strip()
    if not text:
        raise DirectoryError(f"{name} is missing")
    try:
        moment = datetime.fromisoformat(text)
        return (moment if moment.tzinfo else moment.replace(tzinfo=naive_zone)).astimezone(UTC)
    except (ValueError, OverflowError):
        raise DirectoryError(f"{name} is not an ISO 8601 time: {text[:40]!r}") from None


def _strings(data: object) -> dict[str, str]:
    if not isinstance(data, dict):
        return {}
    return {str(key): _text(value) for key, value in data.items()}


def read_ecs(obj: dict[str, Any]) -> SecurityEvent:
    raw_id = _lookup(obj, "winlog.event_id")
    if raw_id is _MISSING or raw_id in ("", None):
        raw_id = _lookup(obj, "event.code")
    if raw_id is _MISSING or raw_id is None:
        raise DirectoryError("no winlog.event_id or event.code")
    data = _strings(_lookup(obj, "winlog.event_data"))
    prefix = "winlog.event_data."
    data.update({key[len(prefix) :]: _text(value) for key, value in obj.items() if key.startswith(prefix)})
    provider = _text(_lookup(obj, "winlog.provider_name")) or _text(_lookup(obj, "event.provider"))
    return SecurityEvent(
        event_id=_event_id(raw_id),
        source=f"{provider} {_text(_lookup(obj, 'winlog.channel'))}",
        timestamp=_time(_lookup(obj, "@timestamp"), UTC, "@timestamp"),
        data=data,
    )


def read_nxlog(obj: dict[str, Any], local_zone: tzinfo = LONDON) -> SecurityEvent:
    if obj.get("EventID") in (None, ""):
        raise DirectoryError("no EventID")
    provider = _text(obj.get("SourceName")) or _text(obj.get("ProviderGuid"))
    return SecurityEvent(
        event_id=_event_id(obj.get("EventID")),
        source=f"{provider} {_text(obj.get('Channel'))}",
        timestamp=_time(obj.get("EventTime"), local_zone, "EventTime"),
        data=_strings(obj),
    )
