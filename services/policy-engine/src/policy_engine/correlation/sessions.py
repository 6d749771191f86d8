"""SESSION-UNLOCKED: the screensaver started (4802) and the workstation was not locked (4800) in
the same logon session (host, logonId) within the grace period.

A 4802 waits in `pending` until the first of:
- a session end in the same (host, logonId): lock 4800, unlock 4801, screensaver dismissed 4803,
  logoff 4634/4647. Within the grace period (inclusive) it cancels; later, the observation is
  emitted with `seconds` = the time the screen stood unlocked until that end;
- the watermark: `advance(state, now)` emits, with `seconds` = the grace period, every screensaver
  whose deadline (start + grace) is at or before `now`. `now` must be event time that the stream
  has passed (e.g. the latest event time seen minus the allowed lateness), never the wall clock,
  so a replay emits the same observations.
Either way the observation's `occurred_at` is the deadline (the moment the grace ran out) and its
id hashes (host, logonId, start): both paths give the same id, and a key once judged is kept in
`done` so it is never emitted twice. Session ends are kept for the retention, so a 4802 that
arrives after its own lock is judged at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from invigilator.events.v1 import events_pb2
from policy_engine.correlation.clock import event_time, iso, parse
from policy_engine.correlation.emit import (
    INTERACTIVE_LOGON_TYPES,
    SECURITY,
    from_provider,
    host_key,
    observation,
)
from policy_engine.correlation.settings import DEFAULT_RETENTION, CorrelationSettings

SCREENSAVER = 4802
ENDS = frozenset({4800, 4801, 4803, 4634, 4647})
MAX_ENDS = 256  # per account
Account = tuple[str, str]
DoneKey = tuple[str, str, str, str, str]  # school, account, host, logonId, start


@dataclass
class Mark:
    """A 4802 waiting for its end (`deadline` = start + grace), or a session end (`deadline` unused)."""

    host: str
    logon_id: str
    at: datetime
    event_id: str
    deadline: datetime

    def to_dict(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies every field, and this runs for every mark of
        # a key's state on each take (it was a third of the engine's CPU, docs/benchmarks/engine.md).
        return {
            "host": self.host,
            "logon_id": self.logon_id,
            "at": iso(self.at),
            "event_id": self.event_id,
            "deadline": iso(self.deadline),
        }

    @classmethod
    def from_dict(cls, row: dict[str, Any]) -> Mark:
        return cls(row["host"], row["logon_id"], parse(row["at"]), row["event_id"], parse(row["deadline"]))


def _rows(marks: dict[Account, list[Mark]]) -> list[dict[str, Any]]:
    return [
        {"school": school, "account": account, "marks": [m.to_dict() for m in found]}
        for (school, account), found in sorted(marks.items())
    ]


def _unrows(rows: list[dict[str, Any]]) -> dict[Account, list[Mark]]:
    return {(r["school"], r["account"]): [Mark.from_dict(m) for m in r["marks"]] for r in rows}


@dataclass
class SessionState:
    pending: dict[Account, list[Mark]] = field(default_factory=dict)
    ends: dict[Account, list[Mark]] = field(default_factory=dict)
    done: dict[DoneKey, datetime] = field(default_factory=dict)  # -> when it may be forgotten
    horizon: datetime | None = None
    late: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "pending": _rows(self.pending),
            "ends": _rows(self.ends),
            "done": [[*key, iso(until)] for key, until in sorted(self.done.items())],
            "horizon": None if self.horizon is None else iso(self.horizon),
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        done: dict[DoneKey, datetime] = {
            (s, a, h, logon, start): parse(until) for s, a, h, logon, start, until in data.get("done", [])
        }
        horizon = data.get("horizon")
        return cls(
            _unrows(data.get("pending", [])),
            _unrows(data.get("ends", [])),
            done,
            None if horizon is None else parse(horizon),
            int(data.get("late", 0)),
        )


def _is_end(endpoint: events_pb2.EndpointEvent) -> bool:
    if endpoint.windows_event_id == 4634:
        return endpoint.logon_type in INTERACTIVE_LOGON_TYPES or endpoint.logon_type == 0
    return endpoint.windows_event_id in ENDS


def observe(
    state: SessionState, event: events_pb2.Event, settings: CorrelationSettings
) -> list[events_pb2.Event]:
    if not event.HasField("endpoint") or not event.account:
        return []
    endpoint = event.endpoint
    moment = event_time(event)
    host = host_key(endpoint.host)
    started = endpoint.windows_event_id == SCREENSAVER
    if not (started or _is_end(endpoint)) or not from_provider(endpoint, SECURITY):
        return []
    if moment is None or not host or not endpoint.logon_id:
        return []
    if state.horizon is not None and moment + settings.retention <= state.horizon:
        state.late += 1
        return []
    account = (event.school_id, event.account)
    mark = Mark(host, endpoint.logon_id, moment, event.event_id, moment + settings.session_lock_grace)

    def same(m: Mark) -> bool:
        return m.host == host and m.logon_id == endpoint.logon_id

    if started:
        key = _key(account, mark)
        if key in state.done or any(_key(account, m) == key for m in state.pending.get(account, [])):
            return []
        later = sorted((m for m in state.ends.get(account, []) if same(m) and m.at >= moment), key=_at)
        if later:
            return _judge(state, account, mark, later[0], settings.retention)
        state.pending.setdefault(account, []).append(mark)
        return []
    ends = state.ends.setdefault(account, [])
    ends.append(mark)
    if len(ends) > MAX_ENDS:
        ends.sort(key=_at)
        del ends[0]
    waiting = state.pending.get(account, [])
    closed = [m for m in waiting if same(m) and m.at <= moment]
    waiting[:] = [m for m in waiting if m not in closed]
    if not waiting:
        state.pending.pop(account, None)
    found: list[events_pb2.Event] = []
    for screensaver in sorted(closed, key=_at):
        found.extend(_judge(state, account, screensaver, mark, settings.retention))
    return found


def _at(mark: Mark) -> datetime:
    return mark.at


def _key(account: Account, mark: Mark) -> DoneKey:
    return (*account, mark.host, mark.logon_id, iso(mark.at))


def _judge(
    state: SessionState, account: Account, screensaver: Mark, end: Mark, retention: timedelta
) -> list[events_pb2.Event]:
    """The screensaver's session ended at `end`: cancelled within grace, else an observation."""
    state.done[_key(account, screensaver)] = screensaver.at + retention
    if end.at <= screensaver.deadline:
        return []
    return [_observation(account, screensaver, end.at - screensaver.at, [end.event_id])]


def _observation(account: Account, screensaver: Mark, lasted: timedelta, more: list[str]) -> events_pb2.Event:
    school, person = account
    return observation(
        events_pb2.OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK,
        school,
        person,
        [screensaver.host, screensaver.logon_id, iso(screensaver.at)],
        screensaver.deadline,
        seconds=int(lasted.total_seconds()),
        hosts=[screensaver.host],
        logon_id=screensaver.logon_id,
        window=(screensaver.at, screensaver.at + lasted),
        evidence=[screensaver.event_id, *more],
    )


def advance(
    state: SessionState, now: datetime, retention: timedelta = DEFAULT_RETENTION
) -> list[events_pb2.Event]:
    """Emit every screensaver whose grace ran out at or before the watermark `now`."""
    found: list[events_pb2.Event] = []
    for account in sorted(state.pending):
        waiting = state.pending[account]
        due = sorted((m for m in waiting if m.deadline <= now), key=_at)
        for screensaver in due:
            state.done[_key(account, screensaver)] = screensaver.at + retention
            found.append(_observation(account, screensaver, screensaver.deadline - screensaver.at, []))
        waiting[:] = [m for m in waiting if m.deadline > now]
        if not waiting:
            del state.pending[account]
    return found


def prune(state: SessionState, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> None:
    """Forget session ends and judged keys older than the retention; late events are refused."""
    for account, ends in list(state.ends.items()):
        ends[:] = [m for m in ends if m.at + retention > now]
        if not ends:
            del state.ends[account]
    for key in [key for key, until in state.done.items() if until <= now]:
        del state.done[key]
    if state.horizon is None or now > state.horizon:
        state.horizon = now
