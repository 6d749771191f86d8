"""NET-RESTRICTED-AREA: denied share accesses and failed logons against other people's accounts,
per acting account, in a sliding window.

What counts, by the acting account:
- 5145 (or 5140) with `failure`: the subject (`Event.account`) was denied a share object;
- 4625: a failed logon whose subject (`EndpointEvent.subject_account`) is a person other than
  the target account. A 4625 whose subject is not a person (the machine account at a logon
  screen) names nobody who acted, so it is not counted: attributing it to whoever else was
  logged on at the host could blame the victim of the attempt.

Denials are kept sorted by time. When the denials in a closed window [e - W, e] ending at a
denial e reach the threshold, `OBSERVATION_TYPE_ACCESS_DENIALS` is emitted with `count`, the
window from its first denial to e, and `occurred_at` = e. At most one per window: another is
emitted only for a window ending more than W away from every earlier emission (the window has
slid past it). A late denial is inserted in order and the windows it can complete are checked.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from invigilator.events.v1 import events_pb2
from policy_engine.correlation.clock import event_time, iso, parse
from policy_engine.correlation.emit import SECURITY, from_provider, observation
from policy_engine.correlation.settings import DEFAULT_RETENTION, CorrelationSettings

SHARE_DENIALS = frozenset({5140, 5145})
MAX_DENIALS = 1000  # per account: the oldest are forgotten first
MAX_EVIDENCE = 50
Account = tuple[str, str]


@dataclass
class Denials:
    at: list[datetime] = field(default_factory=list)  # sorted
    ids: list[str] = field(default_factory=list)  # event ids, in the same order
    emitted: list[datetime] = field(default_factory=list)  # window ends already reported


@dataclass
class DenialState:
    accounts: dict[Account, Denials] = field(default_factory=dict)
    horizon: datetime | None = None
    late: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "accounts": [
                {
                    "school": school,
                    "account": account,
                    "denials": [[iso(at), id_] for at, id_ in zip(d.at, d.ids, strict=True)],
                    "emitted": [iso(at) for at in sorted(d.emitted)],
                }
                for (school, account), d in sorted(self.accounts.items())
            ],
            "horizon": None if self.horizon is None else iso(self.horizon),
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DenialState:
        accounts = {
            (str(row["school"]), str(row["account"])): Denials(
                [parse(at) for at, _ in row["denials"]],
                [str(id_) for _, id_ in row["denials"]],
                [parse(at) for at in row["emitted"]],
            )
            for row in data.get("accounts", [])
        }
        horizon = data.get("horizon")
        return cls(accounts, None if horizon is None else parse(horizon), int(data.get("late", 0)))


def acting_account(event: events_pb2.Event) -> str:
    """The account a denial counts against, or "" when the event is not a countable denial."""
    if not event.HasField("endpoint"):
        return ""
    endpoint = event.endpoint
    if not from_provider(endpoint, SECURITY):
        return ""
    if endpoint.windows_event_id in SHARE_DENIALS and endpoint.failure:
        return event.account
    if endpoint.windows_event_id == 4625:
        subject, target = endpoint.subject_account, endpoint.target_account
        if subject and target and subject != target:
            return subject
    return ""


def observe(
    state: DenialState, event: events_pb2.Event, settings: CorrelationSettings
) -> list[events_pb2.Event]:
    account = acting_account(event)
    moment = event_time(event)
    if not account or moment is None:
        return []
    if state.horizon is not None and moment + settings.retention <= state.horizon:
        state.late += 1
        return []
    denials = state.accounts.setdefault((event.school_id, account), Denials())
    if event.event_id and event.event_id in denials.ids:
        return []  # the same event again (a replay)
    index = bisect_right(denials.at, moment)
    denials.at.insert(index, moment)
    denials.ids.insert(index, event.event_id)
    window = settings.restricted_window
    found: list[events_pb2.Event] = []
    # Windows [e - W, e] that the new denial belongs to end at denials in [moment, moment + W].
    last = bisect_right(denials.at, moment + window)
    for end_index in range(index, last):
        end = denials.at[end_index]
        first = bisect_left(denials.at, end - window)
        count = end_index - first + 1
        if count < settings.restricted_denials:
            continue
        if any(abs(end - done) <= window for done in denials.emitted):
            continue
        insort(denials.emitted, end)
        start = denials.at[first]
        found.append(
            observation(
                events_pb2.OBSERVATION_TYPE_ACCESS_DENIALS,
                event.school_id,
                account,
                [iso(start)],
                end,
                count=count,
                window=(start, end),
                evidence=denials.ids[first : end_index + 1][:MAX_EVIDENCE],
            )
        )
    if len(denials.at) > MAX_DENIALS:
        del denials.at[0], denials.ids[0]
    return found


def prune(state: DenialState, now: datetime, retention: timedelta = DEFAULT_RETENTION) -> None:
    """Forget denials and emissions older than the retention (which must exceed the window)."""
    for account, denials in list(state.accounts.items()):
        keep = bisect_right(denials.at, now - retention)
        del denials.at[:keep], denials.ids[:keep]
        denials.emitted = [at for at in denials.emitted if at + retention > now]
        if not denials.at and not denials.emitted:
            del state.accounts[account]
    if state.horizon is None or now > state.horizon:
        state.horizon = now
