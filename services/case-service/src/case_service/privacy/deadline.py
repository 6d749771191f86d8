"""The subject access deadline (UK GDPR Art. 12(3)): one calendar month from the day of receipt.

ICO guidance: the corresponding calendar date in the next month (received 3 September, due
3 October); when that month has no such date, its last day (received 31 January, due 28 or 29
February). Pure functions, no framework.
"""

import calendar
from datetime import date


def add_calendar_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def sar_due(received_on: date) -> date:
    return add_calendar_month(received_on)


def overdue(due_on: date, today: date, *, completed: bool) -> bool:
    """Overdue once the due day has passed without the request being completed."""
    return not completed and today > due_on


def days_left(due_on: date, today: date) -> int:
    """Negative once overdue."""
    return (due_on - today).days
