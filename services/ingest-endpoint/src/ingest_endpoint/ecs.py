"""Winlogbeat / Elastic Common Schema JSON → WinEvent, one object per line.

`svckit.winevent.ecs_record` reads the fields every Windows event has (id, provider, channel,
computer, @timestamp, winlog.event_data/user_data); this adds what only the endpoint rules need:

    winlog.keywords                 ["Audit Failure"]; event.outcome "failure"
    winlog.user.{name,domain}       the user the event was logged under (installs, AppLocker)
    message                         classic events (MsiInstaller) carry their text here

`user.name` is Winlogbeat's guess at "the user" and is used only as a fallback for the logged-on
user; it is never taken as the affected account.
"""

from typing import Any

from ingest_endpoint.record import WinEvent
from svckit.winevent import ecs_record, first_text, lookup, text_of


def _user(obj: dict[str, Any]) -> str:
    for prefix in ("winlog.user", "user"):
        name = first_text(obj, f"{prefix}.name")
        if name:
            domain = first_text(obj, f"{prefix}.domain")
            return f"{domain}\\{name}" if domain else name
    return ""


def _failure(obj: dict[str, Any]) -> bool:
    keywords = lookup(obj, "winlog.keywords")
    words = keywords if isinstance(keywords, list) else [keywords]
    if any(text_of(word).strip().lower() == "audit failure" for word in words):
        return True
    return first_text(obj, "event.outcome").lower() == "failure"


def read(obj: dict[str, Any]) -> WinEvent:
    """The generic Windows event in one Winlogbeat document; RecordError names what is missing."""
    record = ecs_record(obj)
    return WinEvent(
        **vars(record), failure=_failure(obj), user=_user(obj), message=first_text(obj, "message")
    )
