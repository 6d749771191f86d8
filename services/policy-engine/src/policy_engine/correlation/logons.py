"""PWD-SHARED, second limb: one account logged on interactively on two hosts at once.

Open sessions are tracked per (school, account) as intervals keyed by (host, logonId): a 4624 of
type 2/10/11 starts one, a 4634 (interactive types) or 4647 with the same host and logonId ends
it, a later interactive logon on the same host supersedes it, and it is taken as over
`logon_max_session` after its start when no logoff ever came. A logoff that arrives before its
logon is kept (start unknown) so the late logon opens an already-closed session.

When an interactive logon starts while a session of the same account on another host is open,
`OBSERVATION_TYPE_CONCURRENT_LOGONS` is emitted with both hosts, once per (account, pair of
hosts, local day of the moment the second session started). A logon arriving after a later one
on another host is checked only when its own logoff is already known: an unknown end is not
taken as "still open", so late arrival can miss a suspicion but never invents one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise
from typing import Any

from invigilator.events.v1 import events_pb2
from policy_engine.correlation.clock import day_expiry, event_time, iso, parse
from policy_engine.correlation.emit import (
    INTERACTIVE_LOGON_TYPES,
    SECURITY,
    from_provider,
    host_key,
    is_interactive_logon,
    observation,
)
from policy_engine.correlation.settings import DEFAULT_RETENTION, CorrelationSettings

MAX_SESSIONS = 64  # per account: the oldest are forgotten first
Account = tuple[str, str]  # school, account
PairKey = tuple[str, str, str, str, str]  # school, account, local date, host, host


@dataclass
class Session:
    host: str
    logon_id: str
    limit: datetime  # start + max session age (or the logoff, when the start is unknown)
    start: datetime | None = None
    end: datetime | None = None
    event_id: str = ""

    def until(self) -> datetime:
        return self.limit if self.end is None else min(self.end, self.limit)

    def open_at(self, moment: datetime) -> bool:
        return self.start is not None and self.start <= moment < self.until()

    def to_dict(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "logon_id": self.logon_id,
            "limit": iso(self.limit),
            "start": None if self.start is None else iso(self.start),
            "end": None if self.end is None else iso(self.end),
            "event_id": self.event_id,
        }

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Session:
        start, end = row.get("start"), row.get("end")
        return cls(
            str(row["host"]),
            str(row["logon_id"]),
            parse(row["limit"]),
            None if start is None else parse(start),
            None if end is None else parse(end),
            str(row.get("event_id", "")),
        )


@dataclass
class LogonState:
    sessions: dict[Account, list[Session]] = field(default_factory=dict)
    emitted: dict[PairKey, datetime] = field(default_factory=dict)  # -> when it may be forgotten
    horizon: datetime | None = None
    late: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "sessions": [
                {"school": school, "account": account, "sessions": [s.to_dict() for s in sessions]}
                for (school, account), sessions in sorted(self.sessions.items())
            ],
            "emitted": [[*key, iso(until)] for key, until in sorted(self.emitted.items())],
            "horizon": None if self.horizon is None else iso(self.horizon),
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogonState:
        sessions = {
            (str(row["school"]), str(row["account"])): [Session.from_dict(s) for s in row["sessions"]]
            for row in data.get("sessions", [])
        }
        emitted: dict[PairKey, datetime] = {
            (str(s), str(a), str(d), str(h1), str(h2)): parse(until)
            for s, a, d, h1, h2, until in data.get("emitted", [])
        }
        horizon = data.get("horizon")
        return cls(sessions, emitted, None if horizon is None else parse(horizon), int(data.get("late", 0)))


def _is_logoff(endpoint: events_pb2.EndpointEvent) -> bool:
    if not from_provider(endpoint, SECURITY):
        return False
    if endpoint.windows_event_id == 4647:
        return True
    return endpoint.windows_event_id == 4634 and endpoint.logon_type in INTERACTIVE_LOGON_TYPES


def _find(sessions: list[Session], host: str, logon_id: str) -> Session | None:
    return next((s for s in sessions if s.host == host and s.logon_id == logon_id), None)


def _supersede(sessions: list[Session], host: str) -> None:
    """On one host, a session still open ends when the account's next interactive logon starts."""
    started = [(s.start, s) for s in sessions if s.host == host and s.start is not None]
    ordered = [s for _, s in sorted(started, key=lambda pair: pair[0])]
    for earlier, later in pairwise(ordered):
        if earlier.end is None and earlier.start is not None and later.start is not None:
            earlier.end = later.start if earlier.start < later.start else None


def observe(
    state: LogonState, event: events_pb2.Event, settings: CorrelationSettings
) -> list[events_pb2.Event]:
    if not event.HasField("endpoint") or not event.account:
        return []
    endpoint = event.endpoint
    logon, logoff = is_interactive_logon(endpoint), _is_logoff(endpoint)
    moment = event_time(event)
    host = host_key(endpoint.host)
    if not (logon or logoff) or moment is None or not host or not endpoint.logon_id:
        return []
    if state.horizon is not None and moment + settings.retention <= state.horizon:
        state.late += 1
        return []
    sessions = state.sessions.setdefault((event.school_id, event.account), [])
    known = _find(sessions, host, endpoint.logon_id)
    if logoff:
        if known is None:
            sessions.append(Session(host, endpoint.logon_id, limit=moment, end=moment))
        elif known.end is None or moment < known.end:
            known.end = moment
        _bound(sessions)
        return []
    if known is not None and known.start is not None:
        return []  # the same logon again (a replay)
    if known is None:
        known = Session(host, endpoint.logon_id, limit=moment + settings.logon_max_session)
        sessions.append(known)
    known.start, known.event_id = moment, event.event_id
    known.limit = moment + settings.logon_max_session
    _supersede(sessions, host)
    found = [obs for other in sessions if (obs := _concurrent(state, event, known, other, settings))]
    _bound(sessions)
    return found


def _concurrent(
    state: LogonState,
    event: events_pb2.Event,
    new: Session,
    other: Session,
    settings: CorrelationSettings,
) -> events_pb2.Event | None:
    if other.host == new.host or other.start is None or new.start is None:
        return None
    if other.open_at(new.start):
        earlier, later = other, new
    elif new.end is not None and new.open_at(other.start):
        earlier, later = new, other
    else:
        return None
    began = later.start
    assert began is not None
    zone = settings.zone
    day = began.astimezone(zone).date()
    first, second = sorted((new.host, other.host))
    key: PairKey = (event.school_id, event.account, day.isoformat(), first, second)
    if key in state.emitted:
        return None
    state.emitted[key] = day_expiry(day, zone, settings.retention)
    return observation(
        events_pb2.OBSERVATION_TYPE_CONCURRENT_LOGONS,
        event.school_id,
        event.account,
        key[2:],
        began,
        date=key[2],
        hosts=[first, second],
        logon_id=later.logon_id,
        window=(began, min(earlier.until(), later.until())),
        evidence=[earlier.event_id, later.event_id],
    )


def _bound(sessions: list[Session]) -> None:
    if len(sessions) > MAX_SESSIONS:
        sessions.sort(key=Session.until)
        del sessions[: len(sessions) - MAX_SESSIONS]


def prune(state: LogonState, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> None:
    """Forget sessions over for longer than the retention, and expired dedupe keys."""
    for account, sessions in list(state.sessions.items()):
        sessions[:] = [s for s in sessions if s.until() + retention > now]
        if not sessions:
            del state.sessions[account]
    for key in [key for key, until in state.emitted.items() if until <= now]:
        del state.emitted[key]
    if state.horizon is None or now > state.horizon:
        state.horizon = now
