"""Working days and local dates: the arithmetic behind notice periods, windows and review dates.

A working day is Monday to Friday and not a bank holiday (the holidays are passed in, see
`bank_holidays`). Periods are counted the way HR letters state them: "at least 5 working days'
notice" from an invitation sent on Monday 2 March 2026 means the hearing can be on Monday 9 March
at the earliest — the day of sending never counts, the fifth working day after it does.
"""

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAY = timedelta(days=1)


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < 5 and day not in holidays


def add_working_days(day: date, count: int, holidays: Collection[date]) -> date:
    """The `count`-th working day after `day` (`day` itself never counts); `day` when `count` is 0."""
    if count < 0:
        raise ValueError("count must not be negative")
    current = day
    remaining = count
    while remaining:
        current += _DAY
        if is_working_day(current, holidays):
            remaining -= 1
    return current


def working_days_between(start: date, end: date, holidays: Collection[date]) -> int:
    """How many working days fall after `start` up to and including `end` (0 when `end` ≤ `start`)."""
    count = 0
    current = start
    while current < end:
        current += _DAY
        if is_working_day(current, holidays):
            count += 1
    return count


def local_date(at: datetime, zone: ZoneInfo) -> date:
    """The calendar date at the school (Europe/London by default) of an aware moment."""
    return at.astimezone(zone).date()


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """The moment `day` ends at the school (midnight after it), in UTC: a deadline "by <day>"."""
    return datetime.combine(day + _DAY, time(0), tzinfo=zone).astimezone(UTC)


def human_date(day: date) -> str:
    """`Monday 9 March 2026`: dates in refusals and task titles read as a letter would write them."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def human_time(at: datetime, zone: ZoneInfo) -> str:
    """`Monday 9 March 2026 at 14:00` in the school's local time."""
    local = at.astimezone(zone)
    return f"{human_date(local.date())} at {local:%H:%M}"
