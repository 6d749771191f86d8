"""The demo clock: the same clock the demo Squid runs on (libfaketime @start ×speed)."""

from datetime import UTC, datetime, timedelta

from invigilator_demo.clock import DemoClock, day_start, squid_time

DAY = datetime(2026, 11, 20, tzinfo=UTC)


def test_demo_time_runs_speed_times_faster_than_the_wall() -> None:
    clock = DemoClock(datetime(2026, 11, 20, 7, 30, tzinfo=UTC), wall_start=1000.0, speed=600)
    assert clock.now(1000.0) == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert clock.now(1001.5) == datetime(2026, 11, 20, 7, 45, tzinfo=UTC)
    assert clock.wall_at(datetime(2026, 11, 20, 8, 30, tzinfo=UTC)) == 1006.0


def test_wall_at_inverts_now() -> None:
    clock = DemoClock(datetime(2026, 11, 20, 6, 37, 47, tzinfo=UTC), wall_start=5.25, speed=333)
    moment = datetime(2026, 11, 20, 16, 1, 2, 345000, tzinfo=UTC)
    assert abs(clock.now(clock.wall_at(moment)) - moment) < timedelta(microseconds=5)


def test_calibrated_from_a_squid_line() -> None:
    line = "1795162824.301    871 127.0.0.1 TCP_MISS/200 406 GET http://clock.invigilator.local/ demo-clock -"
    at = squid_time(line)
    assert at == datetime.fromtimestamp(1795162824.301, UTC)
    clock = DemoClock.calibrated(at, wall_at=50.0, speed=600)
    assert clock.now(51.0) == at + timedelta(minutes=10)


def test_squid_time_of_a_line_without_a_time() -> None:
    assert squid_time("") is None
    assert squid_time("garbage here") is None


def test_the_day_starts_at_half_past_seven_unless_a_record_comes_earlier() -> None:
    assert day_start(DAY, datetime(2026, 11, 20, 7, 31, 15, tzinfo=UTC)) == DAY.replace(hour=7, minute=30)
    assert day_start(DAY, None) == DAY.replace(hour=7, minute=30)
    early = datetime(2026, 11, 20, 6, 58, 40, 123, tzinfo=UTC)
    assert day_start(DAY, early) == DAY.replace(hour=6, minute=58)
