"""NET-EXCESSIVE-NONWORK: working-hours minutes of non-work browsing per account and local day.

A browsing minute is a local minute (the school's timezone, BST respected) with at least one
non-work request, on a working day within working hours. Whether a request is non-work is an
input (OPA's categorisation, lib/web `is_nonwork`), never decided here. When an account's count
for a day first exceeds the threshold, ONE `OBSERVATION_TYPE_DAILY_NONWORK_MINUTES` is emitted;
the day is then remembered as emitted (its minute set is dropped) and emits no more.

State per (school, account, local date): the minutes counted so far as minute-of-day integers
(0..1439, i.e. HH*60+MM), at most `nonwork_evidence_max` evidence ids (the first request seen in
each newly counted minute, in arrival order), whether the day has emitted, and when it expires
(end of the local day plus the retention). `prune` drops expired days and raises a horizon below
which late events are refused (counted in `late`) so a pruned day can never emit twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from invigilator.events.v1 import events_pb2
from policy_engine.correlation.clock import day_expiry, event_time, iso, local_at, parse
from policy_engine.correlation.emit import observation
from policy_engine.correlation.settings import CorrelationSettings

DayKey = tuple[str, str, str]  # school, account, local date YYYY-MM-DD


@dataclass
class DayTally:
    expires_at: datetime
    minutes: set[int] = field(default_factory=set)
    evidence: list[str] = field(default_factory=list)
    emitted: bool = False
    # The count the observation carried; the minute set is cleared once emitted.
    emitted_minutes: int = 0


@dataclass
class NonworkState:
    days: dict[DayKey, DayTally] = field(default_factory=dict)
    horizon: datetime | None = None
    late: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "days": [
                {
                    "school": school,
                    "account": account,
                    "date": day,
                    "expires_at": iso(tally.expires_at),
                    "minutes": sorted(tally.minutes),
                    "evidence": list(tally.evidence),
                    "emitted": tally.emitted,
                    "emitted_minutes": tally.emitted_minutes,
                }
                for (school, account, day), tally in sorted(self.days.items())
            ],
            "horizon": None if self.horizon is None else iso(self.horizon),
            "late": self.late,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> NonworkState:
        days = {
            (str(row["school"]), str(row["account"]), str(row["date"])): DayTally(
                expires_at=parse(row["expires_at"]),
                minutes={int(m) for m in row["minutes"]},
                evidence=[str(e) for e in row["evidence"]],
                emitted=bool(row["emitted"]),
                emitted_minutes=int(row["emitted_minutes"]),
            )
            for row in data.get("days", [])
        }
        horizon = data.get("horizon")
        return cls(days, None if horizon is None else parse(horizon), int(data.get("late", 0)))


def in_working_hours(local: datetime, settings: CorrelationSettings) -> bool:
    return (
        local.isoweekday() in settings.working_days
        and settings.work_start <= local.time().replace(tzinfo=None) < settings.work_end
    )


def observe(
    state: NonworkState, event: events_pb2.Event, nonwork: bool, settings: CorrelationSettings
) -> list[events_pb2.Event]:
    """Count one proxy request; the observation when this request takes the day over the threshold."""
    if not nonwork or not event.HasField("proxy") or not event.account:
        return []
    moment = event_time(event)
    if moment is None:
        return []
    zone = settings.zone
    local = moment.astimezone(zone)
    if not in_working_hours(local, settings):
        return []
    day = local.date()
    expires_at = day_expiry(day, zone, settings.retention)
    if state.horizon is not None and expires_at <= state.horizon:
        state.late += 1
        return []
    key = (event.school_id, event.account, day.isoformat())
    tally = state.days.get(key)
    if tally is None:
        tally = state.days[key] = DayTally(expires_at=expires_at)
    minute = local.hour * 60 + local.minute
    if tally.emitted or minute in tally.minutes:
        return []
    tally.minutes.add(minute)
    if len(tally.evidence) < settings.nonwork_evidence_max:
        tally.evidence.append(event.event_id)
    if len(tally.minutes) <= settings.nonwork_minutes_per_day:
        return []
    found = observation(
        events_pb2.OBSERVATION_TYPE_DAILY_NONWORK_MINUTES,
        event.school_id,
        event.account,
        [key[2]],
        moment,
        date=key[2],
        minutes=len(tally.minutes),
        window=(local_at(day, settings.work_start, zone), local_at(day, settings.work_end, zone)),
        evidence=tally.evidence,
    )
    tally.emitted, tally.emitted_minutes = True, len(tally.minutes)
    tally.minutes, tally.evidence = set(), []
    return [found]


def prune(state: NonworkState, now: datetime) -> None:
    """Forget days that expired by `now` (an event-time watermark); later events for them are late."""
    for key in [key for key, tally in state.days.items() if tally.expires_at <= now]:
        del state.days[key]
    if state.horizon is None or now > state.horizon:
        state.horizon = now
