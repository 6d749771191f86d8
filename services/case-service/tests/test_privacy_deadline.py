"""The one-month subject access deadline (UK GDPR Art. 12(3), ICO's calendar-month reading)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from case_service.privacy.deadline import days_left, overdue, sar_due


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 9, 3), date(2026, 10, 3)),  # the ICO's example
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # leap year
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 15), date(2027, 1, 15)),  # over the year end
        (date(2026, 2, 28), date(2026, 3, 28)),  # not the end of March
    ],
)
def test_due_one_calendar_month_after_receipt(received: date, due: date) -> None:
    assert sar_due(received) == due


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_due_is_28_to_31_days_later_in_the_next_month(received: date) -> None:
    due = sar_due(received)
    assert 28 <= (due - received).days <= 31
    assert (due.year * 12 + due.month) - (received.year * 12 + received.month) == 1
    assert due.day <= received.day


def test_overdue_only_after_the_due_day_and_only_while_open() -> None:
    due = date(2026, 10, 3)
    assert not overdue(due, due, completed=False)
    assert overdue(due, due + timedelta(days=1), completed=False)
    assert not overdue(due, due + timedelta(days=1), completed=True)
    assert days_left(due, date(2026, 10, 1)) == 2
    assert days_left(due, date(2026, 10, 5)) == -2
