"""The disciplinary procedure's vocabulary: stages, outcomes, commands and the state it keeps.

Follows the ACAS Code of Practice on disciplinary and grievance procedures: investigate, tell the
employee in writing, hold a hearing where they may be accompanied, decide and say why, offer an
appeal heard by someone not involved before. The transitions are in `disciplinary`.
"""

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from case_service.workflow.core import Command
from case_service.workflow.serial import Serialisable
from case_service.workflow.written_warnings import IssuedWarning, WarningLevel


class DisciplinaryStage(StrEnum):
    INVESTIGATION = "investigation"
    CASE_TO_ANSWER = "case_to_answer"
    INVITED = "invited"
    HEARD = "heard"
    DECIDED = "decided"  # the appeal window runs
    APPEAL_LODGED = "appeal_lodged"
    CLOSED = "closed"


class Outcome(StrEnum):
    """Disciplinary outcomes, least to most severe (the order matters: see `severity`)."""

    NO_ACTION = "no_action"
    INFORMAL_ADVICE = "informal_advice"
    FIRST_WRITTEN_WARNING = "first_written_warning"
    FINAL_WRITTEN_WARNING = "final_written_warning"
    DISMISSAL_WITH_NOTICE = "dismissal_with_notice"
    SUMMARY_DISMISSAL = "summary_dismissal"

    @property
    def severity(self) -> int:
        return list(Outcome).index(self)

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


DISMISSALS = frozenset({Outcome.DISMISSAL_WITH_NOTICE, Outcome.SUMMARY_DISMISSAL})
WARNING_FOR: dict[Outcome, WarningLevel] = {
    Outcome.FIRST_WRITTEN_WARNING: WarningLevel.FIRST_WRITTEN,
    Outcome.FINAL_WRITTEN_WARNING: WarningLevel.FINAL_WRITTEN,
}


class PostponementReason(StrEnum):
    COMPANION_UNAVAILABLE = "companion_unavailable"  # the statutory right (ERA 1999 s.10)
    OTHER = "other"  # e.g. the employee is ill; an explanation is required


class AppealOutcome(StrEnum):
    UPHELD = "upheld"  # the original decision stands
    VARIED = "varied"  # replaced by a less severe outcome
    OVERTURNED = "overturned"  # no sanction


# Commands -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class AppointInvestigator(Command):
    name = "appoint_investigator"
    title = "Appoint the investigating officer"
    investigator: str


@dataclass(frozen=True, kw_only=True)
class AddEvidence(Command):
    name = "add_evidence"
    title = "Add evidence"
    reference: str
    description: str


@dataclass(frozen=True, kw_only=True)
class Suspend(Command):
    """Suspension while the facts are established: on full pay, and not a disciplinary sanction."""

    name = "suspend"
    title = "Suspend on full pay"
    reason: str
    review_on: date
    on_full_pay: bool
    stated_not_disciplinary: bool


@dataclass(frozen=True, kw_only=True)
class ReviewSuspension(Command):
    name = "review_suspension"
    title = "Review the suspension"
    note: str
    next_review_on: date


@dataclass(frozen=True, kw_only=True)
class LiftSuspension(Command):
    name = "lift_suspension"
    title = "Lift the suspension"
    note: str


@dataclass(frozen=True, kw_only=True)
class ConcludeInvestigation(Command):
    name = "conclude_investigation"
    title = "Conclude the investigation"
    case_to_answer: bool
    findings: str
    gross_misconduct_alleged: bool = False


@dataclass(frozen=True, kw_only=True)
class SendInvitation(Command):
    name = "send_invitation"
    title = "Send the written invitation to a hearing"
    allegations: tuple[str, ...]
    possible_consequences: tuple[Outcome, ...]
    evidence_pack: tuple[str, ...]  # references of recorded evidence sent with the letter
    hearing_at: datetime
    venue: str
    right_to_be_accompanied: bool


@dataclass(frozen=True, kw_only=True)
class PostponeHearing(Command):
    name = "postpone_hearing"
    title = "Postpone the hearing"
    new_hearing_at: datetime
    reason: PostponementReason
    explanation: str = ""


@dataclass(frozen=True, kw_only=True)
class HoldHearing(Command):
    name = "hold_hearing"
    title = "Record the hearing"
    chair: str
    notes: str
    employee_attended: bool = True
    companion: str | None = None
    chair_override_reason: str | None = None  # why the investigator must chair, if they do


@dataclass(frozen=True, kw_only=True)
class RecordDecision(Command):
    name = "record_decision"
    title = "Record the decision"
    decided_by: str
    outcome: Outcome
    rationale: str
    gross_misconduct_found: bool = False


@dataclass(frozen=True, kw_only=True)
class LodgeAppeal(Command):
    name = "lodge_appeal"
    title = "Lodge an appeal"
    grounds: str


@dataclass(frozen=True, kw_only=True)
class DecideAppeal(Command):
    name = "decide_appeal"
    title = "Record the appeal decision"
    heard_by: str
    outcome: AppealOutcome
    rationale: str
    varied_to: Outcome | None = None


@dataclass(frozen=True, kw_only=True)
class CloseDisciplinary(Command):
    name = "close_disciplinary"
    title = "Close the disciplinary (no appeal)"


@dataclass(frozen=True, kw_only=True)
class ResumeDisciplinary(Command):
    name = "resume_disciplinary"
    title = "Resume the paused disciplinary"
    reason: str


DisciplinaryCommand = (
    AppointInvestigator
    | AddEvidence
    | Suspend
    | ReviewSuspension
    | LiftSuspension
    | ConcludeInvestigation
    | SendInvitation
    | PostponeHearing
    | HoldHearing
    | RecordDecision
    | LodgeAppeal
    | DecideAppeal
    | CloseDisciplinary
    | ResumeDisciplinary
)

# Records kept in the state -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Evidence(Serialisable):
    reference: str
    description: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True, kw_only=True)
class Suspension(Serialisable):
    reason: str
    started_at: datetime
    review_on: date
    started_by: str
    on_full_pay: bool = True
    stated_not_disciplinary: bool = True
    ended_at: datetime | None = None
    ended_by: str | None = None

    @property
    def active(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True, kw_only=True)
class Invitation(Serialisable):
    allegations: tuple[str, ...]
    possible_consequences: tuple[Outcome, ...]
    evidence_pack: tuple[str, ...]
    hearing_at: datetime
    venue: str
    right_to_be_accompanied: bool
    sent_at: datetime
    sent_by: str


@dataclass(frozen=True, kw_only=True)
class Postponement(Serialisable):
    from_at: datetime
    to_at: datetime
    reason: PostponementReason
    explanation: str
    recorded_by: str


@dataclass(frozen=True, kw_only=True)
class Hearing(Serialisable):
    chair: str
    held_at: datetime
    notes: str
    employee_attended: bool
    companion: str | None = None
    chair_override_reason: str | None = None


@dataclass(frozen=True, kw_only=True)
class Decision(Serialisable):
    outcome: Outcome
    decided_by: str
    rationale: str
    gross_misconduct_found: bool
    decided_at: datetime
    appeal_by: date  # the last day an appeal can be lodged
    relied_on_final_warning: str | None = None  # the case id of the live final warning


@dataclass(frozen=True, kw_only=True)
class Appeal(Serialisable):
    grounds: str
    lodged_at: datetime
    lodged_by: str
    heard_by: str | None = None
    outcome: AppealOutcome | None = None
    varied_to: Outcome | None = None
    rationale: str | None = None
    decided_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class DisciplinaryState(Serialisable):
    stage: DisciplinaryStage = DisciplinaryStage.INVESTIGATION
    opened_at: datetime
    investigator: str | None = None
    evidence: tuple[Evidence, ...] = ()
    suspension: Suspension | None = None
    case_to_answer: bool | None = None
    findings: str | None = None
    gross_misconduct_alleged: bool = False
    invitation: Invitation | None = None
    postponements: tuple[Postponement, ...] = ()
    hearing: Hearing | None = None
    decision: Decision | None = None
    warning: IssuedWarning | None = None
    appeal: Appeal | None = None
    paused: bool = False
    closed_at: datetime | None = None
    closure: str | None = None

    @property
    def suspended(self) -> bool:
        return self.suspension is not None and self.suspension.active

    @property
    def involved(self) -> frozenset[str]:
        """Everyone who took part in deciding so far: none of them may hear the appeal."""
        people = {self.investigator}
        if self.hearing is not None:
            people.add(self.hearing.chair)
        if self.decision is not None:
            people.add(self.decision.decided_by)
        return frozenset(p for p in people if p)

    @property
    def final_outcome(self) -> Outcome | None:
        """The outcome after any appeal (None while undecided)."""
        if self.decision is None:
            return None
        if self.appeal is not None and self.appeal.outcome is AppealOutcome.OVERTURNED:
            return Outcome.NO_ACTION
        if self.appeal is not None and self.appeal.varied_to is not None:
            return self.appeal.varied_to
        return self.decision.outcome
