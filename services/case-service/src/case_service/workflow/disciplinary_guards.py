"""The disciplinary procedure's guards: each a small function returning a reason to refuse, or None.

The reason is shown to the case worker as it is, so it says what is wrong and what to do instead.
"""

from collections.abc import Sequence
from datetime import date, datetime

from case_service.workflow.calendar import human_date
from case_service.workflow.config import COMPANION_POSTPONEMENT_WORKING_DAYS, WorkflowConfig
from case_service.workflow.disciplinary_model import (
    DISMISSALS,
    AppealOutcome,
    DecideAppeal,
    Decision,
    DisciplinaryState,
    Outcome,
    SendInvitation,
    Suspend,
)
from case_service.workflow.written_warnings import IssuedWarning, WarningLevel, live_final_warning

# Investigation ------------------------------------------------------------------------------


def investigator_appointed(state: DisciplinaryState) -> str | None:
    if not state.investigator:
        return "Appoint the investigating officer first."
    return None


def investigator_concludes(state: DisciplinaryState, actor: str) -> str | None:
    if actor != state.investigator:
        return f"Only the investigating officer ({state.investigator}) can conclude the investigation."
    return None


def evidence_recorded(state: DisciplinaryState) -> str | None:
    if not state.evidence:
        return "Record at least one piece of evidence before concluding the investigation."
    return None


def evidence_reference_new(state: DisciplinaryState, reference: str) -> str | None:
    if any(item.reference == reference for item in state.evidence):
        return f"Evidence ‘{reference}’ is already recorded; give the new item its own reference."
    return None


def no_gross_misconduct_without_case(case_to_answer: bool, gross_misconduct_alleged: bool) -> str | None:
    if gross_misconduct_alleged and not case_to_answer:
        return "Gross misconduct cannot be alleged when the investigation finds no case to answer."
    return None


# Suspension ---------------------------------------------------------------------------------


def not_suspended_already(state: DisciplinaryState) -> str | None:
    if state.suspension is not None and state.suspended:
        return (
            f"The employee is already suspended (review due {human_date(state.suspension.review_on)}); "
            "review the suspension instead."
        )
    return None


def currently_suspended(state: DisciplinaryState) -> str | None:
    if not state.suspended:
        return "The employee is not suspended."
    return None


def suspension_on_full_pay(command: Suspend) -> str | None:
    if not command.on_full_pay:
        return "A suspension while the facts are established must be on full pay."
    return None


def suspension_stated_not_disciplinary(command: Suspend) -> str | None:
    if not command.stated_not_disciplinary:
        return (
            "Tell the employee in writing that the suspension is not a disciplinary sanction and "
            "does not mean the outcome is decided, and record that you did."
        )
    return None


def review_date_in_range(review_on: date, today: date, config: WorkflowConfig) -> str | None:
    latest = config.working_days_after(today, config.suspension_review_max_working_days)
    if not today < review_on <= latest:
        return (
            f"Set the suspension's review date after today and no later than {human_date(latest)} "
            f"({config.suspension_review_max_working_days} working days): a suspension is kept as "
            "short as possible and reviewed regularly."
        )
    return None


# Invitation and hearing ---------------------------------------------------------------------


def allegations_listed(command: SendInvitation) -> str | None:
    if not any(allegation.strip() for allegation in command.allegations):
        return "List the allegations: the employee must know what they are answering."
    return None


def consequences_stated(command: SendInvitation) -> str | None:
    if not command.possible_consequences:
        return "State the possible consequences of the hearing in the invitation."
    return None


def summary_dismissal_needs_gross_misconduct_allegation(
    state: DisciplinaryState, consequences: Sequence[Outcome]
) -> str | None:
    if Outcome.SUMMARY_DISMISSAL in consequences and not state.gross_misconduct_alleged:
        return (
            "Summary dismissal can only be a possible consequence when the investigation alleged "
            "gross misconduct."
        )
    return None


def evidence_pack_complete(state: DisciplinaryState, pack: Sequence[str]) -> str | None:
    if not pack:
        return "Send the evidence with the invitation: the evidence pack is empty."
    known = {item.reference for item in state.evidence}
    unknown = [reference for reference in pack if reference not in known]
    if unknown:
        return f"The evidence pack names evidence that is not recorded: {', '.join(unknown)}."
    return None


def right_to_be_accompanied_stated(command: SendInvitation) -> str | None:
    if not command.right_to_be_accompanied:
        return (
            "The invitation must tell the employee of their right to be accompanied by a colleague "
            "or a trade union representative."
        )
    return None


def in_the_future(at: datetime, now: datetime, what: str) -> str | None:
    if at <= now:
        return f"The {what} must be in the future."
    return None


def notice_long_enough(sent_on: date, hearing_on: date, config: WorkflowConfig) -> str | None:
    days = config.invitation_notice_working_days
    earliest = config.working_days_after(sent_on, days)
    if hearing_on < earliest:
        return (
            f"A hearing on {human_date(hearing_on)} gives too little notice: the invitation needs at "
            f"least {days} working days (weekends and bank holidays do not count), so the earliest "
            f"date is {human_date(earliest)}."
        )
    return None


def companion_postponement_within_limit(
    proposed_on: date, new_on: date, config: WorkflowConfig
) -> str | None:
    latest = config.working_days_after(proposed_on, COMPANION_POSTPONEMENT_WORKING_DAYS)
    if new_on > latest:
        return (
            "When the companion cannot attend, the new date must fall within "
            f"{COMPANION_POSTPONEMENT_WORKING_DAYS} working days after the date proposed "
            f"({human_date(proposed_on)}): the latest is {human_date(latest)}."
        )
    return None


def hearing_date_reached(hearing_on: date, today: date) -> str | None:
    if today < hearing_on:
        return f"The hearing is set for {human_date(hearing_on)}; record it on or after that day."
    return None


def chair_is_not_investigator(
    state: DisciplinaryState, chair: str, override_reason: str | None
) -> str | None:
    if chair == state.investigator and not (override_reason and override_reason.strip()):
        return (
            "The hearing must be chaired by someone other than the investigating officer; if no one "
            "else can, record the reason for the exception."
        )
    return None


# Decision -----------------------------------------------------------------------------------


def decider_chaired_hearing(state: DisciplinaryState, decided_by: str) -> str | None:
    chair = state.hearing.chair if state.hearing is not None else None
    if decided_by != chair:
        return f"The decision must be made by the person who chaired the hearing ({chair})."
    return None


def outcome_within_stated_consequences(state: DisciplinaryState, outcome: Outcome) -> str | None:
    stated = state.invitation.possible_consequences if state.invitation is not None else ()
    most_severe = max(stated, key=lambda o: o.severity, default=Outcome.NO_ACTION)
    if outcome.severity > most_severe.severity:
        return (
            f"The invitation warned of at most {most_severe.label}; {outcome.label} would need a new "
            "invitation that states it as a possible consequence."
        )
    return None


def gross_misconduct_finding_alleged(state: DisciplinaryState, found: bool) -> str | None:
    if found and not state.gross_misconduct_alleged:
        return "Gross misconduct can only be found when the investigation alleged it."
    return None


def summary_dismissal_needs_gross_misconduct(outcome: Outcome, found: bool) -> str | None:
    if outcome is Outcome.SUMMARY_DISMISSAL and not found:
        return "Summary dismissal (without notice) needs a finding of gross misconduct."
    return None


def dismissal_needs_final_warning_or_gross_misconduct(
    outcome: Outcome, found: bool, prior_warnings: Sequence[IssuedWarning], now: datetime
) -> str | None:
    if outcome is not Outcome.DISMISSAL_WITH_NOTICE or found:
        return None
    if live_final_warning(prior_warnings, now) is not None:
        return None
    reason = (
        "Dismissal needs a live final written warning or a finding of gross misconduct; there is neither."
    )
    finals = [w for w in prior_warnings if w.level is WarningLevel.FINAL_WRITTEN and w.revoked_at is None]
    if finals:
        last = max(finals, key=lambda w: w.expires_at)
        reason += f" The final written warning of {human_date(last.issued_at.date())} expired on "
        reason += f"{human_date(last.expires_at.date())}."
    return reason


# Appeal -------------------------------------------------------------------------------------


def appeal_within_window(decision: Decision, today: date) -> str | None:
    if today > decision.appeal_by:
        return f"The appeal window closed on {human_date(decision.appeal_by)}."
    return None


def appeal_window_over(decision: Decision, today: date) -> str | None:
    if today <= decision.appeal_by:
        return (
            f"The employee can appeal until {human_date(decision.appeal_by)}; close the case after "
            "that day if no appeal comes."
        )
    return None


def appeal_heard_by_someone_uninvolved(state: DisciplinaryState, heard_by: str) -> str | None:
    roles = []
    if heard_by == state.investigator:
        roles.append("the investigating officer")
    if state.hearing is not None and heard_by == state.hearing.chair:
        roles.append("the hearing's chair")
    if state.decision is not None and heard_by == state.decision.decided_by:
        roles.append("the person who decided")
    if roles:
        return (
            f"The appeal must be heard by someone not involved before: {heard_by} was {' and '.join(roles)}."
        )
    return None


def varied_outcome_less_severe(state: DisciplinaryState, command: DecideAppeal) -> str | None:
    if command.outcome is not AppealOutcome.VARIED:
        if command.varied_to is not None:
            return "Give a new outcome only when the appeal varies the decision."
        return None
    original = state.decision.outcome if state.decision is not None else Outcome.NO_ACTION
    if command.varied_to is None or command.varied_to.severity >= original.severity:
        return f"A varied decision must replace {original.label} with a less severe outcome."
    return None


def is_dismissal(outcome: Outcome | None) -> bool:
    return outcome in DISMISSALS
