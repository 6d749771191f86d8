"""Turns a parsed proxy record into the event Invigilator keeps, dropping what it must not keep.

Kept: who (account), when, where (scheme, host, port), how (method, status, bytes), the filter's
own categories and verdict. Dropped at the door: query strings, fragments and credentials always;
the path of every request the filter allowed (only a blocked request keeps its path, as evidence
of what was refused). Detailed browsing is shown only inside a case (MON-INTERNET-ON-SUSPICION).
"""

from urllib.parse import urlsplit

from ingest_proxy.record import ProxyParseError, ProxyRecord
from invigilator.events.v1 import events_pb2
from svckit.ingest import account_of, event_id

DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


def _target(record: ProxyRecord) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of the request. A CONNECT target is `host:port` (Squid) or
    `https://host:port` (e2guardian); either way only the host and port are kept."""
    if record.url.startswith("error:"):  # Squid's NONE_NONE/000 lines: a connection, no request
        raise ProxyParseError(f"no request: the proxy logged an error ({record.url})")
    if record.method == "CONNECT" or "://" not in record.url:
        target = record.url.split("://", 1)[-1].split("/", 1)[0]
        host, _, port_text = target.rpartition(":")
        if not host or not port_text.isdigit():
            what = "CONNECT target" if record.method == "CONNECT" else "request target"
            raise ProxyParseError(f"{what} is neither host:port nor a URL: {record.url!r}")
        return "https", host.strip("[]").lower(), int(port_text), ""
    parts = urlsplit(record.url)
    if not parts.scheme or not parts.hostname:
        raise ProxyParseError(f"URL has no scheme or host: {record.url!r}")
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        raise ProxyParseError(f"URL has an invalid port: {record.url!r}") from None
    return parts.scheme.lower(), parts.hostname.lower(), port, parts.path or "/"


def to_event(record: ProxyRecord, school_id: str, raw: str, source: str) -> events_pb2.Event:
    scheme, host, port, path = _target(record)
    event = events_pb2.Event(
        event_id=event_id(source, school_id, raw),
        school_id=school_id,
        account=account_of(record.user),
        proxy=events_pb2.ProxyRequest(
            client_ip=record.client_ip,
            method=record.method,
            scheme=scheme,
            host=host,
            port=port,
            path=path if record.denied else "",
            status=record.status,
            bytes=record.bytes,
            elapsed_ms=record.elapsed_ms,
            categories=list(record.categories),
            result_code=record.result_code,
        ),
    )
    event.occurred_at.FromDatetime(record.timestamp)
    return event
