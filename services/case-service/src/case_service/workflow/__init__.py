"""The case workflows as explicit, pure, typed state machines (WF-* clauses, ACAS Code of Practice).

One case carries a triage and the tracks triage opens — disciplinary, grievance, safeguarding —
plus any access-withdrawal sanction. The service keeps the whole of it as one `CaseWorkflow`
value (`to_dict` for a JSONB column, `from_dict` to read it back) and moves it on with

    applied = apply(state, command, now, config=school_config, prior_warnings=person_warnings)

which returns the new state and the events to append to the case's timeline, or raises
`GuardRefused` whose `reason` is a sentence a case worker can act on (and `guard`, a stable name
for it). Nothing here reads a clock, a database or a setting: `now`, the school's `WorkflowConfig`
and the person's earlier warnings are passed in, so the same inputs always give the same answer.

No decision is made by the system alone: every command carries its `actor` (a person id, taken
from the caller's token by the API, never from the request body), decisions also name who decided
(`decided_by`, `heard_by`, `chair`, `handler`), and every change becomes an immutable `Event`
(what, who, when, details). Transitions open and close `Task`s with due times ("appeal window
closes", "suspension review due", "DBS referral decision"), so a queue can show what is overdue.

Each workflow is a small module: an enum of stages, frozen dataclasses for its commands, a state
dataclass, a transition table (stage → command kinds, also printed in the module's docstring),
and guards — small named functions returning a reason or None. `allowed(state)` lists the command
kinds possible next, for a UI to offer.

Why plain tables rather than a state-machine library such as `transitions`: such libraries attach
triggers to a live model object and mutate it in place, their guards ("conditions") answer yes or
no where we need the reason, they model one machine where a case runs several tracks with rules
across them (LADO first, pause for a grievance), and their generated trigger methods are invisible
to mypy --strict. A dict per module and a `match` per command is shorter than adapting one, keeps
the domain free of frameworks (house rule 3), and is data a UI and the tests can read.

Modules: `triage`, `disciplinary` (with `disciplinary_model`, `disciplinary_guards`,
`disciplinary_steps`), `grievance`, `safeguarding`, `sanctions`, `case_state` and `case` (the
whole case), `written_warnings`, `calendar` and `bank_holidays` (working days), `config`, `core`,
`serial`.
"""

from case_service.workflow.bank_holidays import ENGLAND_AND_WALES_BANK_HOLIDAYS
from case_service.workflow.calendar import add_working_days, is_working_day, working_days_between
from case_service.workflow.case import Applied, apply
from case_service.workflow.case_state import (
    ALL_COMMANDS,
    COMMANDS_BY_NAME,
    CaseWorkflow,
    allowed,
    new_case,
    overdue,
)
from case_service.workflow.config import DEFAULT_CONFIG, WorkflowConfig
from case_service.workflow.core import Command, Event, GuardRefused, Task, Track
from case_service.workflow.disciplinary_model import (
    AddEvidence,
    AppealOutcome,
    AppointInvestigator,
    CloseDisciplinary,
    ConcludeInvestigation,
    DecideAppeal,
    DisciplinaryStage,
    HoldHearing,
    LiftSuspension,
    LodgeAppeal,
    Outcome,
    PostponeHearing,
    PostponementReason,
    RecordDecision,
    ResumeDisciplinary,
    ReviewSuspension,
    SendInvitation,
    Suspend,
)
from case_service.workflow.grievance import (
    AcknowledgeGrievance,
    CloseGrievance,
    ConcurrentHandling,
    DecideGrievanceAppeal,
    GrievanceOutcome,
    GrievanceStage,
    HoldGrievanceMeeting,
    LodgeGrievanceAppeal,
    RaiseGrievance,
    RecordGrievanceOutcome,
)
from case_service.workflow.safeguarding import (
    CloseSafeguarding,
    RecordDbsDecision,
    RecordLadoConsultation,
    RecordPoliceReferral,
    SafeguardingStage,
)
from case_service.workflow.sanctions import (
    AccessService,
    RestoreAccess,
    ReviewAccessWithdrawal,
    WithdrawAccess,
)
from case_service.workflow.triage import (
    CloseItTicket,
    DismissFalsePositive,
    RaiseItTicket,
    RecordInformalOutcome,
    RouteToDisciplinary,
    RouteToGrievance,
    RouteToSafeguarding,
    StartInformalResolution,
    TriageStage,
)
from case_service.workflow.written_warnings import IssuedWarning, WarningLevel, live_final_warning

__all__ = [
    "ALL_COMMANDS",
    "COMMANDS_BY_NAME",
    "DEFAULT_CONFIG",
    "ENGLAND_AND_WALES_BANK_HOLIDAYS",
    "AccessService",
    "AcknowledgeGrievance",
    "AddEvidence",
    "AppealOutcome",
    "Applied",
    "AppointInvestigator",
    "CaseWorkflow",
    "CloseDisciplinary",
    "CloseGrievance",
    "CloseItTicket",
    "CloseSafeguarding",
    "Command",
    "ConcludeInvestigation",
    "ConcurrentHandling",
    "DecideAppeal",
    "DecideGrievanceAppeal",
    "DisciplinaryStage",
    "DismissFalsePositive",
    "Event",
    "GrievanceOutcome",
    "GrievanceStage",
    "GuardRefused",
    "HoldGrievanceMeeting",
    "HoldHearing",
    "IssuedWarning",
    "LiftSuspension",
    "LodgeAppeal",
    "LodgeGrievanceAppeal",
    "Outcome",
    "PostponeHearing",
    "PostponementReason",
    "RaiseGrievance",
    "RaiseItTicket",
    "RecordDbsDecision",
    "RecordDecision",
    "RecordGrievanceOutcome",
    "RecordInformalOutcome",
    "RecordLadoConsultation",
    "RecordPoliceReferral",
    "RestoreAccess",
    "ResumeDisciplinary",
    "ReviewAccessWithdrawal",
    "ReviewSuspension",
    "RouteToDisciplinary",
    "RouteToGrievance",
    "RouteToSafeguarding",
    "SafeguardingStage",
    "SendInvitation",
    "StartInformalResolution",
    "Suspend",
    "Task",
    "Track",
    "TriageStage",
    "WarningLevel",
    "WithdrawAccess",
    "WorkflowConfig",
    "add_working_days",
    "allowed",
    "apply",
    "is_working_day",
    "live_final_warning",
    "new_case",
    "overdue",
    "working_days_between",
]
