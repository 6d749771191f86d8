from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerter.domain.timing import (
    backoff,
    calendar_term_start,
    in_quiet_hours,
    next_digest_at,
    quiet_release,
    term_start,
)

LONDON = ZoneInfo("Europe/London")
ZONES = st.sampled_from([LONDON, ZoneInfo("UTC"), ZoneInfo("America/New_York"), ZoneInfo("Australia/Sydney")])
INSTANTS = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31), timezones=st.just(UTC)
)
# Whole minutes: what a configuration file holds.
TIMES = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@given(now=INSTANTS, start=TIMES, end=TIMES, zone=ZONES)
def test_quiet_release_is_now_outside_quiet_hours_else_their_end(
    now: datetime, start: time, end: time, zone: ZoneInfo
) -> None:
    if start == end:
        return
    release = quiet_release(now, start, end, zone)
    assert release >= now
    assert release - now <= timedelta(hours=25)  # a clock change can lengthen a night by an hour
    if not in_quiet_hours(now, start, end, zone):
        assert release == now
    else:
        assert release > now
        assert not in_quiet_hours(release, start, end, zone)
        # Nothing earlier was already outside the quiet hours (checked a minute before).
        assert in_quiet_hours(release - timedelta(minutes=1), start, end, zone)


@given(now=INSTANTS, at=TIMES, zone=ZONES)
def test_next_digest_is_the_next_local_occurrence_within_a_day(
    now: datetime, at: time, zone: ZoneInfo
) -> None:
    due = next_digest_at(now, at, zone)
    assert now < due <= now + timedelta(hours=25)
    local = due.astimezone(zone)
    if local.time().replace(tzinfo=None) != at:  # only where the clocks jumped over `at`: the jump
        assert (due - timedelta(minutes=1)).astimezone(zone).utcoffset() != local.utcoffset()


def test_quiet_hours_spanning_midnight_in_london_summer_time() -> None:
    # 22:30 BST on 1 July is 21:30 UTC: quiet until 07:00 BST = 06:00 UTC the next morning.
    now = datetime(2026, 7, 1, 21, 30, tzinfo=UTC)
    assert in_quiet_hours(now, time(19), time(7), LONDON)
    assert quiet_release(now, time(19), time(7), LONDON) == datetime(2026, 7, 2, 6, tzinfo=UTC)
    # 17:59 BST is not quiet.
    assert quiet_release(datetime(2026, 7, 1, 16, 59, tzinfo=UTC), time(19), time(7), LONDON) == datetime(
        2026, 7, 1, 16, 59, tzinfo=UTC
    )


def test_quiet_hours_across_the_autumn_clock_change() -> None:
    # Saturday 24 Oct 2026 23:00 BST; clocks go back on Sunday 25 Oct: 07:00 GMT = 07:00 UTC.
    now = datetime(2026, 10, 24, 22, 0, tzinfo=UTC)
    assert quiet_release(now, time(19), time(7), LONDON) == datetime(2026, 10, 25, 7, tzinfo=UTC)


def test_digest_at_16_local_in_winter_and_summer() -> None:
    assert next_digest_at(datetime(2026, 1, 5, 9, tzinfo=UTC), time(16), LONDON) == datetime(
        2026, 1, 5, 16, tzinfo=UTC
    )
    assert next_digest_at(datetime(2026, 7, 6, 9, tzinfo=UTC), time(16), LONDON) == datetime(
        2026, 7, 6, 15, tzinfo=UTC
    )
    # At exactly the digest time, the next one is tomorrow's.
    assert next_digest_at(datetime(2026, 1, 5, 16, tzinfo=UTC), time(16), LONDON) == datetime(
        2026, 1, 6, 16, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 9, 1), date(2026, 9, 1)),
        (date(2026, 12, 31), date(2026, 9, 1)),
        (date(2027, 1, 1), date(2027, 1, 1)),
        (date(2027, 3, 31), date(2027, 1, 1)),
        (date(2027, 4, 1), date(2027, 4, 1)),
        (date(2027, 8, 31), date(2027, 4, 1)),
    ],
)
def test_calendar_terms(day: date, start: date) -> None:
    assert calendar_term_start(day) == start


def test_configured_terms_and_their_holidays() -> None:
    terms = [(date(2026, 9, 3), date(2026, 12, 18)), (date(2027, 1, 5), date(2027, 3, 26))]
    assert term_start(date(2026, 10, 1), terms) == date(2026, 9, 3)
    assert term_start(date(2026, 12, 28), terms) == date(2026, 9, 3)  # Christmas holiday
    assert term_start(date(2027, 1, 5), terms) == date(2027, 1, 5)
    assert term_start(date(2027, 9, 10), terms) == date(2027, 9, 1)  # not configured: calendar


@given(day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)))
def test_a_term_starts_on_or_before_the_day_and_within_a_term_length(day: date) -> None:
    start = term_start(day, [])
    assert start <= day
    assert day - start < timedelta(days=153)


@given(attempts=st.integers(1, 200), base=st.floats(0.1, 60), cap=st.floats(1, 7200))
def test_backoff_doubles_until_the_cap(attempts: int, base: float, cap: float) -> None:
    wait = backoff(attempts, base, cap).total_seconds()
    assert 0 < wait <= max(cap, base) + 1e-6
    following = backoff(attempts + 1, base, cap).total_seconds()
    assert following >= wait - 1e-6
    if base * 2**attempts <= cap:
        assert following == pytest.approx(2 * wait)


def test_backoff_sequence() -> None:
    assert [backoff(n, 5, 60).total_seconds() for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def test_a_quiet_end_skipped_by_the_spring_clock_change_releases_at_the_jump() -> None:
    # New York, Sunday 8 March 2026: 02:00 EST jumps to 03:00 EDT (07:00 UTC); 02:30 never happens.
    new_york = ZoneInfo("America/New_York")
    now = datetime(2026, 3, 8, 6, 0, tzinfo=UTC)  # 01:00 EST, quiet (22:00–02:30)
    release = quiet_release(now, time(22), time(2, 30), new_york)
    assert release == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    assert not in_quiet_hours(release, time(22), time(2, 30), new_york)
    assert in_quiet_hours(release - timedelta(minutes=1), time(22), time(2, 30), new_york)
    # A digest time inside the gap goes at the jump too; the autumn's repeated hour: the first one.
    assert next_digest_at(now, time(2, 30), new_york) == datetime(2026, 3, 8, 7, 0, tzinfo=UTC)
    autumn = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 00:00 EDT; 01:30 happens twice
    assert next_digest_at(autumn, time(1, 30), new_york) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
