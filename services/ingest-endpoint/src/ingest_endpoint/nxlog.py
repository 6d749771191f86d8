"""NXLog JSON (im_msvistalog + to_json), flat, one object per line.

EventID, SourceName | ProviderGuid, Channel, Hostname
EventTime           "2026-11-23 09:15:02" in the host's local time, or ISO 8601 with an offset
EventType           "AUDIT_FAILURE" / "AUDIT_SUCCESS" / "INFO" …
Keywords            the 64-bit keyword mask (signed or unsigned decimal, or hex), or its name
AccountName, Domain the user the event was logged under
Message             the rendered text; classic events (MsiInstaller) may carry only this
<anything else>     event data as top-level keys (TargetUserName, "Threat Name"), or param1..N
"""

from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from ingest_endpoint.record import (
    PROVIDER_BY_GUID,
    WinEvent,
    WinlogError,
    event_id_of,
    flat_strings,
    text_of,
    timestamp_of,
)

AUDIT_FAILURE_BIT = 1 << 52
LONDON = ZoneInfo("Europe/London")


def _failure(obj: dict[str, Any]) -> bool:
    if text_of(obj.get("EventType")).strip().upper() == "AUDIT_FAILURE":
        return True
    keywords = text_of(obj.get("Keywords")).strip()
    if "audit failure" in keywords.lower():
        return True
    try:
        mask = int(keywords, 16) if keywords.lower().startswith("0x") else int(keywords)
    except ValueError:
        return False
    return bool(mask & 0xFFFFFFFFFFFFFFFF & AUDIT_FAILURE_BIT)


def _user(obj: dict[str, Any]) -> str:
    name = text_of(obj.get("AccountName")).strip()
    if not name or text_of(obj.get("AccountType")).strip().lower() not in {"", "user"}:
        return ""
    domain = text_of(obj.get("Domain")).strip()
    return f"{domain}\\{name}" if domain else name


def read(obj: dict[str, Any], local_zone: tzinfo = LONDON) -> WinEvent:
    """The generic Windows event in one NXLog record; a zone-less EventTime is `local_zone`."""
    if obj.get("EventID") in (None, ""):
        raise WinlogError("no EventID")
    guid = text_of(obj.get("ProviderGuid")).strip().lower()
    provider = text_of(obj.get("SourceName")).strip() or text_of(obj.get("ProviderName")).strip()
    return WinEvent(
        event_id=event_id_of(obj.get("EventID")),
        provider=provider or PROVIDER_BY_GUID.get(guid, ""),
        channel=text_of(obj.get("Channel")).strip(),
        computer=text_of(obj.get("Hostname")).strip(),
        timestamp=timestamp_of(obj.get("EventTime"), local_zone, "EventTime"),
        data=flat_strings(obj),
        failure=_failure(obj),
        user=_user(obj),
        message=text_of(obj.get("Message")),
    )
