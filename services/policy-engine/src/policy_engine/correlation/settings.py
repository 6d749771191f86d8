"""Per-school correlation settings: the clauses.md Defaults, overridable from the school's data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

DEFAULT_RETENTION = timedelta(days=2)


@dataclass(frozen=True)
class CorrelationSettings:
    """One school's parameters. Days are ISO weekdays (1 = Monday), as in data/defaults/data.json;
    working hours run from `work_start` (included) to `work_end` (excluded), local time."""

    timezone: str = "Europe/London"
    working_days: frozenset[int] = field(default_factory=lambda: frozenset({1, 2, 3, 4, 5}))
    work_start: time = time(8, 0)
    work_end: time = time(17, 0)
    nonwork_minutes_per_day: int = 60
    # Evidence ids kept per account and day: the first request of each of the first N minutes.
    nonwork_evidence_max: int = 50
    session_lock_grace: timedelta = timedelta(seconds=120)
    logon_max_session: timedelta = timedelta(hours=12)
    restricted_denials: int = 5
    restricted_window: timedelta = timedelta(minutes=10)
    # How long state is kept behind the watermark so that late (out-of-order) events still count;
    # events older than that are dropped as too late (NonworkState.late etc. count them).
    retention: timedelta = DEFAULT_RETENTION

    def __post_init__(self) -> None:
        ZoneInfo(self.timezone)  # fails early on an unknown zone
        if self.work_end <= self.work_start:
            raise ValueError("working hours must end after they start")
        if self.nonwork_minutes_per_day < 0 or self.restricted_denials < 1:
            raise ValueError("thresholds must be positive")
        if self.nonwork_evidence_max < 1:
            raise ValueError("nonwork_evidence_max must be at least 1")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @classmethod
    def from_school(cls, school: Mapping[str, Any]) -> CorrelationSettings:
        """From the school's policy data (data/defaults/data.json merged with the school's own):
        `timezone`, `working_hours` {days, start, end} and `thresholds`; absent keys keep defaults."""
        base = cls()
        hours = school.get("working_hours", {})
        thresholds = school.get("thresholds", {})
        return cls(
            timezone=str(school.get("timezone", base.timezone)),
            working_days=frozenset(int(day) for day in hours.get("days", base.working_days)),
            work_start=time.fromisoformat(str(hours["start"])) if "start" in hours else base.work_start,
            work_end=time.fromisoformat(str(hours["end"])) if "end" in hours else base.work_end,
            nonwork_minutes_per_day=int(
                thresholds.get("nonwork_minutes_per_day", base.nonwork_minutes_per_day)
            ),
            session_lock_grace=timedelta(
                seconds=int(
                    thresholds.get("session_lock_grace_seconds", base.session_lock_grace.total_seconds())
                )
            ),
            restricted_denials=int(thresholds.get("restricted_denials", base.restricted_denials)),
            restricted_window=timedelta(
                minutes=int(
                    thresholds.get("restricted_window_minutes", base.restricted_window.total_seconds() // 60)
                )
            ),
        )
