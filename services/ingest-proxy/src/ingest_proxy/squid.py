"""Squid's native access.log format (logformat squid).

    time elapsed remotehost code/status bytes method URL rfc931 peerstatus/peerhost type

`elapsed` is right-aligned, so fields are split on runs of whitespace. CONNECT requests log
`host:port` instead of a URL. `rfc931` is the authenticated user, `-` when there was none.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

FIELDS = 10


class SquidParseError(ValueError):
    """A line that is not in Squid's native format; the message says which field is wrong."""


@dataclass(frozen=True)
class SquidRecord:
    timestamp: datetime
    elapsed_ms: int
    client_ip: str
    result_code: str
    status: int
    bytes: int
    method: str
    url: str
    user: str
    hierarchy: str
    content_type: str


def _int(value: str, field: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SquidParseError(f"{field} is not a number: {value!r}") from None
    if number < 0:
        raise SquidParseError(f"{field} is negative: {value!r}")
    return number


def parse_line(line: str) -> SquidRecord:
    parts = line.split()
    if len(parts) != FIELDS:
        raise SquidParseError(f"expected {FIELDS} whitespace-separated fields, found {len(parts)}")
    stamp, elapsed, client, code_status, size, method, url, user, hierarchy, content_type = parts
    try:
        timestamp = datetime.fromtimestamp(float(stamp), tz=UTC)
    except (ValueError, OverflowError):
        raise SquidParseError(f"time is not a Unix timestamp: {stamp!r}") from None
    code, sep, status = code_status.partition("/")
    if not sep:
        raise SquidParseError(f"result field is not code/status: {code_status!r}")
    return SquidRecord(
        timestamp=timestamp,
        elapsed_ms=_int(elapsed, "elapsed"),
        client_ip=client,
        result_code=code,
        status=_int(status, "status"),
        bytes=_int(size, "bytes"),
        method=method.upper(),
        url=url,
        user="" if user == "-" else user,
        hierarchy=hierarchy,
        content_type="" if content_type == "-" else content_type,
    )
