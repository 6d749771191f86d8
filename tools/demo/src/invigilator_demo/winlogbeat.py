"""Winlogbeat 8 (ECS) documents as Winlogbeat ships them (`output.file`, `output.kafka`): shared by
the demo day and samples/day's generator."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

SECURITY = "Microsoft-Windows-Security-Auditing"
DEFENDER = "Microsoft-Windows-Windows Defender"
CHANNELS = {
    SECURITY: "Security",
    "MsiInstaller": "Application",
    DEFENDER: "Microsoft-Windows-Windows Defender/Operational",
    "Microsoft-Windows-Kernel-PnP": "Microsoft-Windows-Kernel-PnP/Configuration",
    "Microsoft-Windows-AppLocker": "Microsoft-Windows-AppLocker/EXE and DLL",
}
# Winlogbeat's keyword names.
AUDIT_SUCCESS, AUDIT_FAILURE = "Audit Success", "Audit Failure"


def ecs_document(
    moment: datetime,
    event_id: int,
    computer: str,
    domain: str,
    data: Mapping[str, str],
    record_id: int,
    *,
    provider: str = SECURITY,
    keyword: str = AUDIT_SUCCESS,
    user: Mapping[str, str] | None = None,
    message: str = "",
    user_data: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One Winlogbeat 8 document (`@timestamp` = `moment`, in UTC)."""
    winlog: dict[str, Any] = {
        "channel": CHANNELS.get(provider, "System"),
        "computer_name": f"{computer}.{domain}",
        "event_id": str(event_id),
        "provider_name": provider,
        "record_id": record_id,
        "keywords": [keyword] if provider == SECURITY else ["Classic"] if provider == "MsiInstaller" else [],
        "api": "wineventlog",
    }
    if data:
        winlog["event_data"] = dict(data)
    if user_data:
        winlog["user_data"] = dict(user_data)
    if user:
        winlog["user"] = dict(user)
    doc: dict[str, Any] = {
        "@timestamp": moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z",
        "event": {
            "code": str(event_id),
            "provider": provider,
            "outcome": "failure" if keyword == AUDIT_FAILURE else "success",
            "kind": "event",
        },
        "host": {"name": computer.lower()},
        "winlog": winlog,
        "agent": {"type": "winlogbeat", "version": "8.15.0"},
        "ecs": {"version": "8.0.0"},
    }
    if message:
        doc["message"] = message
    return doc
