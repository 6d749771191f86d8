"""Time rules, all pure: quiet hours, the digest's next run, school terms, retry back-off.

Every function takes "now" as an aware datetime and answers in UTC; local times are read in the
school's zone (British Summer Time respected by zoneinfo).
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]
# The longest school holiday (summer): a breach in it counts with the term before.
HOLIDAY = timedelta(weeks=7)


def utc_now() -> datetime:
    return datetime.now(UTC)


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    """The first instant, in UTC, at which the clocks in `zone` read `moment` on `day` — or, when a
    clock change skips it (spring forward), the instant of the jump: the first one past it."""
    wall = datetime.combine(day, moment)
    first = wall.replace(tzinfo=zone)  # fold 0: the earlier of two readings in the autumn
    instant = first.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall:
        return instant
    # Skipped: fold 1 reads it with the offset after the jump, an instant before the jump.
    probe = wall.replace(tzinfo=zone, fold=1).astimezone(UTC).replace(second=0, microsecond=0)
    while probe.astimezone(zone).replace(tzinfo=None) < wall:
        probe += timedelta(minutes=1)
    return probe


def in_quiet_hours(now: datetime, start: time, end: time, zone: ZoneInfo) -> bool:
    local = now.astimezone(zone).time().replace(tzinfo=None)
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_release(now: datetime, start: time, end: time, zone: ZoneInfo) -> datetime:
    """When a non-critical alert raised at `now` may go: now, or the end of the quiet hours."""
    if not in_quiet_hours(now, start, end, zone):
        return now.astimezone(UTC)
    local_day = now.astimezone(zone).date()
    for offset in range(3):
        candidate = _at(local_day + timedelta(days=offset), end, zone)
        if candidate > now:
            return candidate
    raise AssertionError("quiet hours end within two days")  # pragma: no cover


def next_digest_at(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first digest run strictly after `now`: today's `at` (local) if still ahead, else tomorrow's."""
    local_day = now.astimezone(zone).date()
    for offset in range(3):
        candidate = _at(local_day + timedelta(days=offset), at, zone)
        if candidate > now:
            return candidate
    raise AssertionError("a daily time recurs within two days")  # pragma: no cover


def calendar_term_start(day: date) -> date:
    """English school years as calendar terms: autumn from 1 September, spring from 1 January,
    summer from 1 April."""
    if day.month >= 9:
        return date(day.year, 9, 1)
    if day.month >= 4:
        return date(day.year, 4, 1)
    return date(day.year, 1, 1)


def term_start(day: date, terms: Sequence[tuple[date, date]]) -> date:
    """The start of the term `day` counts in: the configured term holding it, or the last one that
    ended at most `HOLIDAY` before it (a holiday counts with the term before it); otherwise the
    calendar term."""
    started = [(start, end) for start, end in terms if start <= day <= end + HOLIDAY]
    if started:
        return max(start for start, _end in started)
    return calendar_term_start(day)


def backoff(attempts: int, base_s: float, cap_s: float) -> timedelta:
    """Wait before retry number `attempts` (1 = after the first failure): base · 2^(n−1), capped."""
    exponent = min(max(attempts - 1, 0), 60)
    return timedelta(seconds=min(cap_s, base_s * 2**exponent))
