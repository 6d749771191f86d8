"""The generic Windows event both shippers' JSON is read into, and the error that refuses one."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

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
EMPTY = frozenset({"", "-", "(null)", "null"})


class WinlogError(ValueError):
    """A Windows event that cannot become an EndpointEvent; the message says why."""


@dataclass(frozen=True)
class WinEvent:
    event_id: int
    provider: str
    channel: str
    computer: str
    timestamp: datetime
    data: Mapping[str, str] = field(default_factory=dict)
    # The audit-failure keyword or a failed outcome was set.
    failure: bool = False
    # The user the event was logged under (System/Security UserID), when the shipper resolved it.
    user: str = ""
    message: str = ""

    def get(self, name: str, param: int = 0) -> str:
        """A named event-data value, else the classic positional `paramN`; "" for "-"/"(NULL)"."""
        value = self.data.get(name, "")
        if not value and param:
            value = self.data.get(f"param{param}", "")
        value = value.strip()
        return "" if value.lower() in EMPTY else value


def uint(text: str, name: str, limit: int = 0xFFFFFFFF) -> int:
    if not text:
        return 0
    try:
        number = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        raise WinlogError(f"{name} is not a number: {text[:40]!r}") from None
    if not 0 <= number <= limit:
        raise WinlogError(f"{name} is out of range: {number}")
    return number


def text_of(value: object) -> str:
    """A JSON scalar as the text Windows logged; containers and null are ""."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return ""


def event_id_of(value: object) -> int:
    """Event ids arrive as 4624 or "4624"; anything else is refused."""
    text = text_of(value).strip()
    if not text.isdecimal() or len(text) > 5 or isinstance(value, bool | float):
        raise WinlogError(f"event id is not a number: {text[:40] or type(value).__name__!r}")
    number = int(text)
    if number > 0xFFFF:
        raise WinlogError(f"event id is out of range: {number}")
    return number


def timestamp_of(value: object, naive_zone: tzinfo, name: str) -> datetime:
    """ISO 8601 (with Z or an offset) or "2026-11-23 09:15:02"; a time without zone is `naive_zone`."""
    text = text_of(value).strip()
    if not text:
        raise WinlogError(f"{name} is missing")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise WinlogError(f"{name} is not an ISO 8601 time: {text[:40]!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=naive_zone)
    try:
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise WinlogError(f"{name} is out of range: {text[:40]!r}") from None


def flat_strings(data: object, into: dict[str, str] | None = None) -> dict[str, str]:
    """Event data as name → text; nested objects (ECS user_data wrappers) are lifted to leaf names."""
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
