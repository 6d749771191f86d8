"""The demo clock: demo time = start + (wall - wall_start) × speed — the clock the demo's Squid runs
on (libfaketime), so a request sent when the demo clock says 10:05 is logged at 10:05."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

SCHOOL_DAY_START = time(7, 30)


def day_start(day: datetime, first_record: datetime | None) -> datetime:
    """Where the demo clock starts: the school day's 07:30 UTC, or the first record's minute when the
    plan holds something earlier (nothing is replayed before the clock reaches it)."""
    start = datetime.combine(day.date(), SCHOOL_DAY_START, tzinfo=UTC)
    if first_record is not None and first_record < start:
        return first_record.astimezone(UTC).replace(second=0, microsecond=0)
    return start


@dataclass(frozen=True)
class DemoClock:
    demo_start: datetime  # aware
    wall_start: float  # time.time() when the demo clock read demo_start
    speed: float

    def now(self, wall: float) -> datetime:
        return self.demo_start + timedelta(seconds=(wall - self.wall_start) * self.speed)

    def wall_at(self, at: datetime) -> float:
        """The wall time (time.time()) at which the demo clock reads `at`."""
        return self.wall_start + (at - self.demo_start).total_seconds() / self.speed

    @classmethod
    def calibrated(cls, demo_at: datetime, wall_at: float, speed: float) -> DemoClock:
        """The clock that read `demo_at` at wall time `wall_at` (e.g. a Squid log line's time)."""
        return cls(demo_start=demo_at, wall_start=wall_at, speed=speed)


def squid_time(line: str) -> datetime | None:
    """The time of a native-format Squid access.log line (epoch seconds, first field)."""
    first = line.split(None, 1)[0] if line.strip() else ""
    try:
        return datetime.fromtimestamp(float(first), UTC)
    except ValueError:
        return None
