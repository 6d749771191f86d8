"""The proxy record every format parses into, before minimisation."""

from dataclasses import dataclass, field
from datetime import datetime


class ProxyParseError(ValueError):
    """A record not in the expected format; the message says which field is wrong."""


@dataclass(frozen=True)
class ProxyRecord:
    timestamp: datetime
    client_ip: str
    method: str
    # Full URL, or host:port for CONNECT.
    url: str
    user: str
    status: int = 0
    bytes: int = 0
    elapsed_ms: int = 0
    # Cache/filter outcome as logged, e.g. TCP_MISS, TCP_DENIED, *DENIED*.
    result_code: str = ""
    # Categories the school's filter assigned (e2guardian, Smoothwall, Lightspeed).
    categories: tuple[str, ...] = field(default_factory=tuple)
    # The filter blocked the request.
    denied: bool = False


def parse_count(value: str, field_name: str) -> int:
    """A non-negative integer field; '-' and '' count as 0 (formats log them for 'unknown')."""
    if value in {"", "-"}:
        return 0
    try:
        number = int(value)
    except ValueError:
        raise ProxyParseError(f"{field_name} is not a number: {value!r}") from None
    if number < 0:
        raise ProxyParseError(f"{field_name} is negative: {value!r}")
    return number
