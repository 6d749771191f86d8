"""Turns a parsed proxy record into the event Invigilator keeps, dropping what it must not keep.

Kept: who (account), when, where (scheme, host, port, path), how (method, status, bytes).
Dropped at the door: the query string and fragment (search terms, tokens) and any credentials
embedded in the URL. Detailed browsing is still only shown inside a case (MON-INTERNET-ON-SUSPICION).
"""

import hashlib
from urllib.parse import urlsplit

from ingest_proxy.squid import SquidParseError, SquidRecord
from invigilator.events.v1 import events_pb2

DEFAULT_PORTS = {"http": 80, "https": 443, "ftp": 21}


def event_id(source: str, school_id: str, raw: str) -> str:
    """The same raw line from the same school always gets the same id, so replays are idempotent."""
    return hashlib.sha256(f"{source}\x00{school_id}\x00{raw.strip()}".encode()).hexdigest()[:32]


def account_of(user: str) -> str:
    """Directory logon name: `DOMAIN\\jsmith` and `jsmith@school.example` both become `jsmith`."""
    name = user.rsplit("\\", 1)[-1].split("@", 1)[0]
    return name.strip().lower()


def _target(record: SquidRecord) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of the request."""
    if record.method == "CONNECT":
        host, _, port_text = record.url.rpartition(":")
        if not host or not port_text.isdigit():
            raise SquidParseError(f"CONNECT target is not host:port: {record.url!r}")
        return "https", host.lower(), int(port_text), ""
    parts = urlsplit(record.url)
    if not parts.scheme or not parts.hostname:
        raise SquidParseError(f"URL has no scheme or host: {record.url!r}")
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    except ValueError:
        raise SquidParseError(f"URL has an invalid port: {record.url!r}") from None
    return parts.scheme.lower(), parts.hostname.lower(), port, parts.path or "/"


def to_event(record: SquidRecord, school_id: str, raw: str) -> events_pb2.Event:
    scheme, host, port, path = _target(record)
    event = events_pb2.Event(
        event_id=event_id("proxy.squid", school_id, raw),
        school_id=school_id,
        account=account_of(record.user),
        proxy=events_pb2.ProxyRequest(
            client_ip=record.client_ip,
            method=record.method,
            scheme=scheme,
            host=host,
            port=port,
            path=path,
            status=record.status,
            bytes=record.bytes,
            elapsed_ms=record.elapsed_ms,
            result_code=record.result_code,
        ),
    )
    event.occurred_at.FromDatetime(record.timestamp)
    return event
