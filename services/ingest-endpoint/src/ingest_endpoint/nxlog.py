"""NXLog JSON (im_msvistalog + to_json), flat, one object per line → WinEvent.

`svckit.winevent.nxlog_record` reads the fields every Windows event has (EventID, provider,
Channel, Hostname, EventTime, the event data); this adds what only the endpoint rules need:

EventType           "AUDIT_FAILURE" / "AUDIT_SUCCESS" / "INFO" …
Keywords            the 64-bit keyword mask (signed or unsigned decimal, or hex), or its name
AccountName, Domain the user the event was logged under
Message             the rendered text; classic events (MsiInstaller) may carry only this
"""

from datetime import tzinfo
from typing import Any

from ingest_endpoint.record import WinEvent
from svckit.winevent import LONDON as LONDON  # re-exported: ingest.parse defaults to it
from svckit.winevent import nxlog_record, text_of

AUDIT_FAILURE_BIT = 1 << 52


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
    record = nxlog_record(obj, local_zone)
    return WinEvent(
        **vars(record), failure=_failure(obj), user=_user(obj), message=text_of(obj.get("Message"))
    )
