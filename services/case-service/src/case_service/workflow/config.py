"""Per-school settings of the workflows, and the context one command is applied in."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from case_service.workflow import calendar
from case_service.workflow.bank_holidays import ENGLAND_AND_WALES_BANK_HOLIDAYS
from case_service.workflow.written_warnings import IssuedWarning, WarningLevel

# Employment Relations Act 1999 s.10(5): a hearing postponed because the chosen companion cannot
# attend must be held within five working days after the day the employer proposed.
COMPANION_POSTPONEMENT_WORKING_DAYS = 5


@dataclass(frozen=True, kw_only=True)
class WorkflowConfig:
    """What a school (or the trust) may set; the defaults follow common MAT policies and ACAS."""

    timezone: str = "Europe/London"
    bank_holidays: frozenset[date] = ENGLAND_AND_WALES_BANK_HOLIDAYS
    triage_working_days: int = 2
    invitation_notice_working_days: int = 5
    appeal_window_working_days: int = 5
    appeal_hearing_working_days: int = 10
    suspension_review_max_working_days: int = 10
    first_written_warning_days: int = 183  # about six months
    final_written_warning_days: int = 365  # twelve months
    grievance_acknowledge_working_days: int = 5
    grievance_appeal_window_working_days: int = 5
    lado_consultation_working_days: int = 1  # KCSIE: the LADO within one working day
    dbs_decision_working_days: int = 20
    # St Peter's "Prohibited use" ¶1 provides for withdrawing internet and/or e-mail access as a
    # sanction; Elms Farm's policy does not, so it is off unless the school's policy says so.
    access_withdrawal_permitted: bool = False

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, int) and not isinstance(value, bool) and value < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("first_written_warning_days", "final_written_warning_days"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least one day")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {self.timezone!r}") from exc

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def warning_duration(self, level: WarningLevel) -> timedelta:
        days = {
            WarningLevel.FIRST_WRITTEN: self.first_written_warning_days,
            WarningLevel.FINAL_WRITTEN: self.final_written_warning_days,
        }[level]
        return timedelta(days=days)

    def local_date(self, at: datetime) -> date:
        return calendar.local_date(at, self.zone)

    def working_days_after(self, day: date, count: int) -> date:
        return calendar.add_working_days(day, count, self.bank_holidays)

    def end_of(self, day: date) -> datetime:
        return calendar.end_of_day(day, self.zone)

    def deadline(self, at: datetime, working_days: int) -> datetime:
        """The end of the `working_days`-th working day after the local date of `at`."""
        return self.end_of(self.working_days_after(self.local_date(at), working_days))

    def when(self, at: datetime) -> str:
        return calendar.human_time(at, self.zone)


DEFAULT_CONFIG = WorkflowConfig()


@dataclass(frozen=True, kw_only=True)
class Context:
    """Everything a transition may read besides the state and the command: no clock, no database."""

    case_id: str
    now: datetime
    actor: str
    config: WorkflowConfig
    prior_warnings: tuple[IssuedWarning, ...] = ()

    @property
    def today(self) -> date:
        return self.config.local_date(self.now)
