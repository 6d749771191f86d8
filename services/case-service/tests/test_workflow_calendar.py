"""Working days, bank holidays, local dates and warning expiry."""

from datetime import UTC, date, datetime, timedelta

import pytest

from case_service.workflow import (
    DEFAULT_CONFIG,
    ENGLAND_AND_WALES_BANK_HOLIDAYS,
    IssuedWarning,
    WarningLevel,
    WorkflowConfig,
    add_working_days,
    is_working_day,
    live_final_warning,
    working_days_between,
)
from case_service.workflow.bank_holidays import COVERED_YEARS
from case_service.workflow.calendar import end_of_day, human_date

HOLIDAYS = ENGLAND_AND_WALES_BANK_HOLIDAYS


def test_bank_holiday_list_has_eight_days_a_year_on_weekdays() -> None:
    for year in COVERED_YEARS:
        days = sorted(d for d in HOLIDAYS if d.year == year)
        assert len(days) == 8
        assert all(d.weekday() < 5 for d in days)
    assert date(2026, 12, 28) in HOLIDAYS  # Boxing Day 2026 falls on a Saturday
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= HOLIDAYS  # both fall at the weekend in 2027


def test_working_days_skip_weekends_and_bank_holidays() -> None:
    assert is_working_day(date(2026, 3, 2), HOLIDAYS)
    assert not is_working_day(date(2026, 3, 7), HOLIDAYS)  # Saturday
    assert not is_working_day(date(2026, 4, 3), HOLIDAYS)  # Good Friday
    assert add_working_days(date(2026, 3, 2), 5, HOLIDAYS) == date(2026, 3, 9)  # Monday → Monday
    assert add_working_days(date(2026, 3, 6), 1, HOLIDAYS) == date(2026, 3, 9)  # Friday → Monday
    assert add_working_days(date(2026, 4, 2), 1, HOLIDAYS) == date(2026, 4, 7)  # over Easter
    assert add_working_days(date(2026, 12, 24), 1, HOLIDAYS) == date(2026, 12, 29)
    assert add_working_days(date(2026, 3, 7), 0, HOLIDAYS) == date(2026, 3, 7)
    assert add_working_days(date(2026, 4, 2), 1, frozenset()) == date(2026, 4, 3)  # holidays are passed in
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 3, 2), -1, HOLIDAYS)


def test_working_days_between_counts_after_start_up_to_end() -> None:
    assert working_days_between(date(2026, 3, 2), date(2026, 3, 9), HOLIDAYS) == 5
    assert working_days_between(date(2026, 3, 31), date(2026, 4, 9), HOLIDAYS) == 5
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2), HOLIDAYS) == 0


def test_local_dates_follow_british_summer_time() -> None:
    late_evening = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London (BST)
    assert DEFAULT_CONFIG.local_date(late_evening) == date(2026, 6, 2)
    assert end_of_day(date(2026, 6, 2), DEFAULT_CONFIG.zone) == datetime(2026, 6, 2, 23, tzinfo=UTC)
    assert end_of_day(date(2026, 1, 5), DEFAULT_CONFIG.zone) == datetime(2026, 1, 6, tzinfo=UTC)
    assert DEFAULT_CONFIG.when(late_evening) == "Tuesday 2 June 2026 at 00:30"
    assert human_date(date(2026, 3, 9)) == "Monday 9 March 2026"


def test_config_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="negative"):
        WorkflowConfig(appeal_window_working_days=-1)
    with pytest.raises(ValueError, match="at least one day"):
        WorkflowConfig(final_written_warning_days=0)
    with pytest.raises(ValueError, match="time zone"):
        WorkflowConfig(timezone="Europe/Atlantis")


def test_warning_durations_are_configurable_per_level() -> None:
    config = WorkflowConfig(first_written_warning_days=90, final_written_warning_days=540)
    assert config.warning_duration(WarningLevel.FIRST_WRITTEN) == timedelta(days=90)
    assert config.warning_duration(WarningLevel.FINAL_WRITTEN) == timedelta(days=540)
    assert DEFAULT_CONFIG.warning_duration(WarningLevel.FINAL_WRITTEN) == timedelta(days=365)


def test_a_warning_is_live_from_issue_until_expiry_unless_revoked() -> None:
    issued = datetime(2026, 3, 9, 16, tzinfo=UTC)
    warning = IssuedWarning(
        case_id="c",
        level=WarningLevel.FINAL_WRITTEN,
        issued_at=issued,
        expires_at=issued + timedelta(days=365),
        issued_by="chair-1",
    )
    assert not warning.is_live(issued - timedelta(seconds=1))
    assert warning.is_live(issued)
    assert warning.is_live(issued + timedelta(days=364, hours=23))
    assert not warning.is_live(issued + timedelta(days=365))  # expired
    revoked = warning.revoke(issued + timedelta(days=30), "appeal-1")
    assert revoked.is_live(issued + timedelta(days=29))
    assert not revoked.is_live(issued + timedelta(days=30))
    first = IssuedWarning(
        case_id="d",
        level=WarningLevel.FIRST_WRITTEN,
        issued_at=issued,
        expires_at=issued + timedelta(days=900),
        issued_by="chair-1",
    )
    later = IssuedWarning(
        case_id="e",
        level=WarningLevel.FINAL_WRITTEN,
        issued_at=issued,
        expires_at=issued + timedelta(days=400),
        issued_by="chair-2",
    )
    now = issued + timedelta(days=10)
    assert live_final_warning([first], now) is None
    assert live_final_warning([warning, first, later], now) == later
    assert live_final_warning([warning, later], issued + timedelta(days=399)) == later
    assert live_final_warning([warning, later], issued + timedelta(days=400)) is None
