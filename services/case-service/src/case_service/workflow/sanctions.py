"""WF-ACCESS-WITHDRAWN: internet and/or e-mail access withdrawn as a sanction, with start and review.

St Peter's "Prohibited use" ¶1: "In addition, or as an alternative, we may withdraw an individual's
internet and/or email access." Elms Farm's policy has no such sanction, so the school's
`access_withdrawal_permitted` setting decides. A withdrawal is decided by a named person while a
disciplinary is open, starts on a date, is reviewed by a date (task), and ends when access is
restored; reviews may continue it after the disciplinary has closed (the case stays open until
access is restored).

| state | commands |
|---|---|
| no active withdrawal, disciplinary open | withdraw_access |
| active withdrawal | review_access_withdrawal, restore_access |
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from case_service.workflow.calendar import human_date
from case_service.workflow.config import Context, WorkflowConfig
from case_service.workflow.core import (
    Change,
    Command,
    JsonValue,
    Step,
    Task,
    Track,
    ensure,
    person_named,
    text_given,
)
from case_service.workflow.serial import Serialisable

REVIEW_TASK = "access.review"


class AccessService(StrEnum):
    INTERNET = "internet"
    EMAIL = "email"


@dataclass(frozen=True, kw_only=True)
class WithdrawAccess(Command):
    name = "withdraw_access"
    title = "Withdraw internet or e-mail access (sanction)"
    services: tuple[AccessService, ...]
    decided_by: str
    reason: str
    starts_on: date
    review_on: date


@dataclass(frozen=True, kw_only=True)
class ReviewAccessWithdrawal(Command):
    name = "review_access_withdrawal"
    title = "Review the access withdrawal"
    note: str
    next_review_on: date


@dataclass(frozen=True, kw_only=True)
class RestoreAccess(Command):
    name = "restore_access"
    title = "Restore access"
    note: str


AccessCommand = WithdrawAccess | ReviewAccessWithdrawal | RestoreAccess
COMMANDS: tuple[type[Command], ...] = (WithdrawAccess, ReviewAccessWithdrawal, RestoreAccess)


@dataclass(frozen=True, kw_only=True)
class AccessWithdrawal(Serialisable):
    services: tuple[AccessService, ...]
    decided_by: str
    reason: str
    starts_on: date
    review_on: date
    recorded_at: datetime
    restored_at: datetime | None = None
    restored_by: str | None = None

    @property
    def active(self) -> bool:
        return self.restored_at is None


def active_withdrawal(withdrawals: tuple[AccessWithdrawal, ...]) -> AccessWithdrawal | None:
    return next((w for w in withdrawals if w.active), None)


# Guards -------------------------------------------------------------------------------------


def school_policy_provides_it(config: WorkflowConfig) -> str | None:
    if not config.access_withdrawal_permitted:
        return (
            "This school's policy does not provide for withdrawing internet or e-mail access as a sanction."
        )
    return None


def services_named(command: WithdrawAccess) -> str | None:
    if not command.services:
        return "Say which access is withdrawn: internet, e-mail or both."
    return None


def not_withdrawn_already(withdrawals: tuple[AccessWithdrawal, ...]) -> str | None:
    current = active_withdrawal(withdrawals)
    if current is not None:
        return (
            f"Access is already withdrawn (review due {human_date(current.review_on)}); review that "
            "withdrawal instead."
        )
    return None


def currently_withdrawn(withdrawals: tuple[AccessWithdrawal, ...]) -> str | None:
    if active_withdrawal(withdrawals) is None:
        return "No access withdrawal is in force."
    return None


def start_not_in_past(starts_on: date, today: date) -> str | None:
    if starts_on < today:
        return "A withdrawal cannot start in the past: give today's date or a later one."
    return None


def review_after(review_on: date, after: date, what: str) -> str | None:
    if review_on <= after:
        return f"The review date must be after {what} ({human_date(after)})."
    return None


# Transitions --------------------------------------------------------------------------------


def allowed(withdrawals: tuple[AccessWithdrawal, ...], disciplinary_open: bool) -> tuple[type[Command], ...]:
    if active_withdrawal(withdrawals) is not None:
        return (ReviewAccessWithdrawal, RestoreAccess)
    return (WithdrawAccess,) if disciplinary_open else ()


def _review_task(ctx: Context, review_on: date) -> Task:
    return Task(
        key=REVIEW_TASK,
        track=Track.ACCESS,
        title="Review the withdrawal of access",
        due=ctx.config.end_of(review_on),
        opened_at=ctx.now,
    )


def apply(
    withdrawals: tuple[AccessWithdrawal, ...], command: AccessCommand, ctx: Context
) -> Step[tuple[AccessWithdrawal, ...]]:
    match command:
        case WithdrawAccess(services=services, decided_by=decided_by, reason=reason):
            ensure(school_policy_provides_it, ctx.config)
            ensure(not_withdrawn_already, withdrawals)
            ensure(services_named, command)
            ensure(person_named, decided_by, "person who decided the sanction")
            ensure(text_given, reason, "the reason for withdrawing access")
            ensure(start_not_in_past, command.starts_on, ctx.today)
            ensure(review_after, command.review_on, command.starts_on, "the start date")
            services = tuple(dict.fromkeys(services))
            withdrawal = AccessWithdrawal(
                services=services,
                decided_by=decided_by,
                reason=reason,
                starts_on=command.starts_on,
                review_on=command.review_on,
                recorded_at=ctx.now,
            )
            details: dict[str, JsonValue] = {
                "services": tuple(s.value for s in services),
                "decided_by": decided_by,
                "reason": reason,
                "starts_on": command.starts_on.isoformat(),
                "review_on": command.review_on.isoformat(),
            }
            task = _review_task(ctx, command.review_on)
            return Step((*withdrawals, withdrawal), (Change("access_withdrawn", details),), (task,))
        case ReviewAccessWithdrawal(note=note, next_review_on=next_review_on):
            ensure(currently_withdrawn, withdrawals)
            ensure(text_given, note, "a note of the review")
            current = active_withdrawal(withdrawals)
            if current is not None and current.starts_on > ctx.today:
                ensure(review_after, next_review_on, current.starts_on, "the start date")
            ensure(review_after, next_review_on, ctx.today, "today")
            updated = tuple(replace(w, review_on=next_review_on) if w.active else w for w in withdrawals)
            details = {"note": note, "next_review_on": next_review_on.isoformat()}
            return Step(
                updated,
                (Change("access_withdrawal_reviewed", details),),
                (_review_task(ctx, next_review_on),),
            )
        case RestoreAccess(note=note):
            ensure(currently_withdrawn, withdrawals)
            ensure(text_given, note, "a note of why access is restored")
            restored = tuple(
                replace(w, restored_at=ctx.now, restored_by=ctx.actor) if w.active else w for w in withdrawals
            )
            return Step(restored, (Change("access_restored", {"note": note}),), close_tasks=(REVIEW_TASK,))
