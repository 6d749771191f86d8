"""Winlogbeat / Elastic Common Schema JSON, one object per line.

Fields are read nested (`{"winlog": {"event_id": …}}`) or as literal dotted keys
(`{"winlog.event_id": …}`), as different pipelines emit both:

    @timestamp                      ISO 8601 UTC
    winlog.event_id | event.code    int or string
    winlog.provider_name | event.provider | winlog.provider_guid
    winlog.channel
    winlog.computer_name | host.name
    winlog.event_data.*             named data; Defender's keys contain spaces ("Threat Name")
    winlog.user_data.*              AppLocker and DriverFrameworks put their data here
    winlog.keywords                 ["Audit Failure"]; event.outcome "failure"
    winlog.user.{name,domain}       the user the event was logged under (installs, AppLocker)
    message                         classic events (MsiInstaller) carry their text here

`user.name` is Winlogbeat's guess at "the user" and is used only as a fallback for the logged-on
user; it is never taken as the affected account.
"""

from datetime import UTC
from typing import Any

from ingest_endpoint.record import (
    PROVIDER_BY_GUID,
    WinEvent,
    WinlogError,
    event_id_of,
    flat_strings,
    text_of,
    timestamp_of,
)

_MISSING = object()


def lookup(obj: dict[str, Any], path: str) -> Any:
    """`a.b.c` from nested objects, literal dotted keys, or any mix of the two."""
    if path in obj:
        return obj[path]
    parts = path.split(".")
    for cut in range(1, len(parts)):
        head = ".".join(parts[:cut])
        inner = obj.get(head, _MISSING)
        if isinstance(inner, dict):
            found = lookup(inner, ".".join(parts[cut:]))
            if found is not _MISSING:
                return found
    return _MISSING


def _first(obj: dict[str, Any], *paths: str) -> str:
    for path in paths:
        value = text_of(lookup(obj, path)).strip()
        if value:
            return value
    return ""


def _dotted_data(obj: dict[str, Any], prefix: str) -> dict[str, str]:
    return {key[len(prefix) :]: text_of(value) for key, value in obj.items() if key.startswith(prefix)}


def _user(obj: dict[str, Any]) -> str:
    for prefix in ("winlog.user", "user"):
        name = _first(obj, f"{prefix}.name")
        if name:
            domain = _first(obj, f"{prefix}.domain")
            return f"{domain}\\{name}" if domain else name
    return ""


def _failure(obj: dict[str, Any]) -> bool:
    keywords = lookup(obj, "winlog.keywords")
    words = keywords if isinstance(keywords, list) else [keywords]
    if any(text_of(word).strip().lower() == "audit failure" for word in words):
        return True
    return _first(obj, "event.outcome").lower() == "failure"


def read(obj: dict[str, Any]) -> WinEvent:
    """The generic Windows event in one Winlogbeat document; WinlogError names what is missing."""
    raw_id = lookup(obj, "winlog.event_id")
    if raw_id is _MISSING or raw_id in ("", None):
        raw_id = lookup(obj, "event.code")
    if raw_id is _MISSING or raw_id is None:
        raise WinlogError("no winlog.event_id or event.code")
    data = flat_strings(lookup(obj, "winlog.event_data"))
    data.update(_dotted_data(obj, "winlog.event_data."))
    flat_strings(lookup(obj, "winlog.user_data"), data)
    data.update(_dotted_data(obj, "winlog.user_data."))
    guid = _first(obj, "winlog.provider_guid").lower()
    return WinEvent(
        event_id=event_id_of(raw_id),
        provider=_first(obj, "winlog.provider_name", "event.provider") or PROVIDER_BY_GUID.get(guid, ""),
        channel=_first(obj, "winlog.channel"),
        computer=_first(obj, "winlog.computer_name", "host.name", "host.hostname"),
        timestamp=timestamp_of(lookup(obj, "@timestamp"), UTC, "@timestamp"),
        data=data,
        failure=_failure(obj),
        user=_user(obj),
        message=_first(obj, "message"),
    )
