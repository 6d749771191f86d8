"""A case's whole workflow state, what is possible next, and what is overdue.

`CaseWorkflow` is one immutable value: triage, the tracks triage opened (disciplinary, grievance,
safeguarding), any access withdrawals and the open tasks, with the number of events so far
(`version`, usable for optimistic locking). `to_dict` adds a `schema_version` so the JSONB column
can evolve; `from_dict` refuses versions it does not know.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self

from case_service.workflow import disciplinary, grievance, safeguarding, sanctions, triage
from case_service.workflow.config import DEFAULT_CONFIG, WorkflowConfig
from case_service.workflow.core import Command, Task, Track
from case_service.workflow.disciplinary_model import DisciplinaryStage, DisciplinaryState
from case_service.workflow.grievance import GrievanceState, RaiseGrievance
from case_service.workflow.safeguarding import SafeguardingStage, SafeguardingState
from case_service.workflow.sanctions import AccessWithdrawal, active_withdrawal
from case_service.workflow.serial import Json, Serialisable
from case_service.workflow.triage import TriageStage, TriageState

SCHEMA_VERSION = 1
OWNERS = ("hr", "it", "dsl")

ALL_COMMANDS: tuple[type[Command], ...] = tuple(
    dict.fromkeys(
        (
            *triage.COMMANDS,
            *disciplinary.COMMANDS,
            *grievance.COMMANDS,
            *safeguarding.COMMANDS,
            *sanctions.COMMANDS,
        )
    )
)
COMMANDS_BY_NAME: dict[str, type[Command]] = {kind.name: kind for kind in ALL_COMMANDS}


@dataclass(frozen=True, kw_only=True)
class CaseWorkflow(Serialisable):
    case_id: str
    clause: str
    owner: str  # who acts first: hr, it or dsl (changes when triage routes the case)
    gross_misconduct_listed: bool  # the policy lists the clause as gross misconduct: not a finding
    opened_at: datetime
    updated_at: datetime
    version: int = 0  # the number of events so far: the next event's seq is version + 1
    triage: TriageState = field(default_factory=TriageState)
    disciplinary: DisciplinaryState | None = None
    grievance: GrievanceState | None = None
    safeguarding: SafeguardingState | None = None
    access: tuple[AccessWithdrawal, ...] = ()
    tasks: tuple[Task, ...] = ()

    @property
    def closed(self) -> bool:
        stage = self.triage.stage
        if stage in triage.FINISHED:
            return True
        if stage in triage.UNDECIDED or stage is TriageStage.IT_TICKET:
            return False
        if stage is TriageStage.GRIEVANCE and self.grievance is None:
            return False
        tracks: list[Any] = [self.disciplinary, self.grievance, self.safeguarding]
        if any(track is not None and track.stage.value != "closed" for track in tracks):
            return False
        return active_withdrawal(self.access) is None

    def to_dict(self) -> dict[str, Json]:
        return {"schema_version": SCHEMA_VERSION, **super().to_dict()}

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        version = data.get("schema_version")
        if version != SCHEMA_VERSION:
            raise ValueError(f"unsupported workflow schema version {version!r} (expected {SCHEMA_VERSION})")
        return super().from_dict({key: value for key, value in data.items() if key != "schema_version"})


def new_case(
    *,
    case_id: str,
    clause: str,
    owner: str,
    gross_misconduct_listed: bool,
    opened_at: datetime,
    config: WorkflowConfig = DEFAULT_CONFIG,
) -> CaseWorkflow:
    """The workflow of a case the breach rule just opened: triage is due (at once for the DSL)."""
    if owner not in OWNERS:
        raise ValueError(f"owner must be one of {', '.join(OWNERS)}, not {owner!r}")
    if opened_at.tzinfo is None:
        raise ValueError("opened_at must be timezone-aware")
    if owner == "dsl":
        title, due = "Refer to the DSL at once: a possible risk of harm to a child", opened_at
    else:
        title, due = "Triage the case", config.deadline(opened_at, config.triage_working_days)
    task = Task(key=triage.TRIAGE_TASK, track=Track.TRIAGE, title=title, due=due, opened_at=opened_at)
    return CaseWorkflow(
        case_id=case_id,
        clause=clause,
        owner=owner,
        gross_misconduct_listed=gross_misconduct_listed,
        opened_at=opened_at,
        updated_at=opened_at,
        tasks=(task,),
    )


# What is possible next -----------------------------------------------------------------------


def disciplinary_open(state: CaseWorkflow) -> bool:
    return state.disciplinary is not None and state.disciplinary.stage is not DisciplinaryStage.CLOSED


def lado_pending(state: CaseWorkflow) -> bool:
    sg = state.safeguarding
    return sg is not None and sg.stage is not SafeguardingStage.CLOSED and not sg.lado_consulted


def allowed(state: CaseWorkflow, config: WorkflowConfig = DEFAULT_CONFIG) -> tuple[type[Command], ...]:
    """The kinds of command possible next; each may still be refused by a guard on its content or date.

    Pass the school's `config`: a sanction its policy does not provide for is not offered.
    """
    if state.closed:
        return ()
    possible = list(triage.allowed(state.triage, state.owner))
    if state.safeguarding is not None:
        sg_possible = safeguarding.allowed(state.safeguarding)
        if disciplinary_open(state):
            sg_possible = tuple(k for k in sg_possible if k is not safeguarding.CloseSafeguarding)
        possible += sg_possible
    if not lado_pending(state):
        sg = state.safeguarding
        if (
            state.triage.stage is TriageStage.SAFEGUARDING
            and state.disciplinary is None
            and sg is not None
            and sg.stage is not SafeguardingStage.CLOSED
        ):
            possible.append(triage.RouteToDisciplinary)
        if state.disciplinary is not None:
            possible += disciplinary.allowed(state.disciplinary)
        if state.grievance is None and (
            state.triage.stage is TriageStage.GRIEVANCE or disciplinary_open(state)
        ):
            possible.append(RaiseGrievance)
        if state.grievance is not None:
            possible += grievance.allowed(state.grievance)
        in_progress = disciplinary_open(state) and not (state.disciplinary and state.disciplinary.paused)
        possible += sanctions.allowed(state.access, in_progress and config.access_withdrawal_permitted)
    return tuple(dict.fromkeys(possible))


def overdue(state: CaseWorkflow, now: datetime) -> tuple[Task, ...]:
    return tuple(task for task in state.tasks if task.is_overdue(now))
