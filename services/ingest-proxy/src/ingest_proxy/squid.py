"""Squid's native access.log format (logformat squid).

    time elapsed remotehost code/status bytes method URL rfc931 peerstatus/peerhost type

`elapsed` is right-aligned, so fields are split on runs of whitespace. CONNECT requests log
`host:port` instead of a URL. `rfc931` is the authenticated user, `-` when there was none;
Squid URL-encodes user names, so a quoted or spaced name arrives as one field.
"""

from datetime import UTC, datetime
from urllib.parse import unquote

from ingest_proxy.record import ProxyParseError, ProxyRecord, parse_count

FIELDS = 10


def parse_line(line: str) -> ProxyRecord:
    parts = line.split()
    if len(parts) != FIELDS:
        raise ProxyParseError(f"expected {FIELDS} whitespace-separated fields, found {len(parts)}")
    stamp, elapsed, client, code_status, size, method, url, user, _hierarchy, _content_type = parts
    try:
        timestamp = datetime.fromtimestamp(float(stamp), tz=UTC)
    except (ValueError, OverflowError):
        raise ProxyParseError(f"time is not a Unix timestamp: {stamp!r}") from None
    code, sep, status = code_status.partition("/")
    if not sep:
        raise ProxyParseError(f"result field is not code/status: {code_status!r}")
    return ProxyRecord(
        timestamp=timestamp,
        elapsed_ms=parse_count(elapsed, "elapsed"),
        client_ip=client,
        result_code=code,
        status=parse_count(status, "status"),
        bytes=parse_count(size, "bytes"),
        method=method.upper(),
        url=url,
        user="" if user == "-" else unquote(user).strip('"'),
        denied="DENIED" in code,
    )
