"""Building observation events, and recognising the Windows events the correlations read.

An observation's `event_id` is a hash of its type, school, account and the key that defines it
(the date for daily minutes, the logon session and start for a screensaver, ...), and its
`occurred_at` is event time: replaying the same input yields byte-identical observations, so
everything downstream can dedupe on the id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TypeAlias

from invigilator.events.v1 import events_pb2

ObservationType: TypeAlias = events_pb2.ObservationType.ValueType

# lib/endpoint.rego `providers`, lower-cased; an event whose provider the ingest left empty is
# judged by its id alone, as the Rego does.
SECURITY = frozenset({"microsoft-windows-security-auditing", "security"})
DEFENDER = frozenset(
    {"microsoft-windows-windows defender", "microsoft-windows-defender", "microsoft antimalware"}
)
INTERACTIVE_LOGON_TYPES = frozenset({2, 10, 11})


def from_provider(endpoint: events_pb2.EndpointEvent, providers: frozenset[str]) -> bool:
    provider = endpoint.provider.strip().lower()
    return provider == "" or provider in providers


def is_interactive_logon(endpoint: events_pb2.EndpointEvent) -> bool:
    return (
        endpoint.windows_event_id == 4624
        and not endpoint.failure
        and endpoint.logon_type in INTERACTIVE_LOGON_TYPES
        and from_provider(endpoint, SECURITY)
    )


def host_key(host: str) -> str:
    """Hosts compare case-insensitively (lib/endpoint `hosts`)."""
    return host.strip().lower()


def observation_id(kind: ObservationType, school_id: str, account: str, key: Iterable[str]) -> str:
    name = events_pb2.ObservationType.Name(kind)
    material = "\x00".join(["observation", name, school_id, account, *key])
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def observation(
    kind: ObservationType,
    school_id: str,
    account: str,
    key: Sequence[str],
    occurred_at: datetime,
    *,
    date: str = "",
    minutes: int = 0,
    count: int = 0,
    seconds: int = 0,
    hosts: Sequence[str] = (),
    logon_id: str = "",
    window: tuple[datetime, datetime] | None = None,
    evidence: Sequence[str] = (),
) -> events_pb2.Event:
    """The Event carrying one Observation; `key` makes the id (see the module docstring)."""
    obs = events_pb2.Observation(
        type=kind,
        date=date,
        minutes=minutes,
        count=count,
        seconds=seconds,
        hosts=list(hosts),
        logon_id=logon_id,
        evidence_event_ids=list(evidence),
    )
    if window is not None:
        obs.window_start.FromDatetime(window[0])
        obs.window_end.FromDatetime(window[1])
    event = events_pb2.Event(
        event_id=observation_id(kind, school_id, account, key),
        school_id=school_id,
        account=account,
        observation=obs,
    )
    event.occurred_at.FromDatetime(occurred_at)
    return event
