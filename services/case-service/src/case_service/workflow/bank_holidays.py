"""Bank holidays in England and Wales, 2026–2027: the default non-working days besides weekends.

Source: the UK government's list, https://www.gov.uk/bank-holidays (JSON at
https://www.gov.uk/bank-holidays.json, division `england-and-wales`), checked against the rules
(Easter 2026 on 5 April, 2027 on 28 March; Boxing Day 2026 and Christmas and Boxing Day 2027 fall
at weekends, so substitute days apply).

NEEDS A YEARLY UPDATE: add the next year's dates once the government publishes them (usually a
year or more ahead), and any one-off holiday (a coronation, a jubilee) as soon as it is announced.
For a year not listed here only weekends are skipped, so a deadline could land on a bank holiday;
`COVERED_YEARS` lets the service warn when a date falls outside them. A school in Scotland or
Northern Ireland, or a trust with extra closure days, passes its own set in `WorkflowConfig`.
"""

from datetime import date

COVERED_YEARS = frozenset({2026, 2027})

ENGLAND_AND_WALES_BANK_HOLIDAYS: frozenset[date] = frozenset(
    {
        # 2026
        date(2026, 1, 1),  # New Year's Day
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),  # Spring bank holiday
        date(2026, 8, 31),  # Summer bank holiday
        date(2026, 12, 25),  # Christmas Day
        date(2026, 12, 28),  # Boxing Day (substitute day)
        # 2027
        date(2027, 1, 1),  # New Year's Day
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2027, 5, 3),  # Early May bank holiday
        date(2027, 5, 31),  # Spring bank holiday
        date(2027, 8, 30),  # Summer bank holiday
        date(2027, 12, 27),  # Christmas Day (substitute day)
        date(2027, 12, 28),  # Boxing Day (substitute day)
    }
)
