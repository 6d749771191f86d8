"""GraphQL object types. Staff appear only as pseudonyms: `staff_identity` is never read here.

A `Case` wraps its database row; what it needs beyond the row (breaches, school, history, ...)
comes through the request's DataLoaders, and what the workflow says (allowed commands, tasks,
overdue items) is computed from the row's workflow state without another query.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.utils.str_converters import to_camel_case

from case_service.auth.authorizer import AuthorizationUnavailableError
from case_service.db import models
from case_service.db import workflow_models as wm
from case_service.db.workflow_store import workflow_of
from case_service.graphql.context import GraphQLContext
from case_service.graphql.errors import authz_unavailable, case_resource
from case_service.graphql.loaders import loader
from case_service.workflow import CaseWorkflow, Task, allowed, overdue

Info = strawberry.Info[GraphQLContext, None]
F = TypeVar("F", bound=Callable[..., Any])


def described(description: str) -> Callable[[F], F]:
    """`@strawberry.field(description=...)`, typed for mypy --strict."""
    return cast(Callable[[F], F], strawberry.field(description=description))


@strawberry.type
class School:
    id: str
    name: str = strawberry.field(description="The school's name, or its id while none is recorded.")


@strawberry.type
class Breach:
    breach_id: str
    clause: str
    title: str
    severity: str
    reason: str
    occurred_at: datetime
    policy_ref: str
    decision_id: str
    account_unknown: bool = strawberry.field(
        description="The directory did not know the account when the breach was decided (a shared, "
        "service or misspelt account, or a sync gap): judged all the same, and flagged."
    )


@strawberry.type(name="WorkflowTask")
class TaskType:
    key: str
    track: str
    title: str
    due: datetime
    opened_at: datetime
    overdue: bool


@strawberry.type
class AllowedCommand:
    name: str = strawberry.field(description="The command, e.g. appoint_investigator.")
    title: str
    mutation: str = strawberry.field(description="The mutation that takes it, e.g. appointInvestigator.")


@strawberry.type
class HistoryEntry:
    version: int
    command: str
    actor: str
    at: datetime
    payload: JSON
    decision_id: str | None = strawberry.field(description="OPA's decision id that allowed the command.")


@strawberry.type
class TimelineEvent:
    seq: int
    track: str
    kind: str
    actor: str
    at: datetime
    details: JSON


@strawberry.type
class Note:
    id: int
    author: str
    body: str
    at: datetime


@strawberry.type
class EvidenceLink:
    reference: str
    description: str
    added_by: str
    at: datetime


@strawberry.type
class CaseDecision:
    track: str
    kind: str
    outcome: str | None
    decided_by: str = strawberry.field(description="The person who decided: never the system.")
    rationale: str | None
    at: datetime


@strawberry.type
class Letter:
    kind: str
    recipient: str = strawberry.field(description="The staff member's pseudonym.")
    content: JSON
    created_at: datetime
    sent_at: datetime | None


def camel(name: str) -> str:
    """The GraphQL name strawberry gives a Python name (appoint_investigator → appointInvestigator)."""
    return to_camel_case(name)


def without_evidence_text(details: dict[str, Any]) -> dict[str, Any]:
    """History and timeline show that evidence was added and its reference; what it describes is
    read through `Case.evidence` alone, which asks OPA for evidence.read."""
    return {key: value for key, value in details.items() if key != "description"}


def _task(task: Task, now: datetime) -> TaskType:
    return TaskType(
        key=task.key,
        track=task.track.value,
        title=task.title,
        due=task.due,
        opened_at=task.opened_at,
        overdue=task.is_overdue(now),
    )


@strawberry.type
class Case:
    # Plain fields, copied from the row once: strawberry's default resolver reads them directly,
    # which costs far less per field than a method resolver on a page of 50 cases.
    id: strawberry.ID
    school_id: str
    staff: str = strawberry.field(description="The staff member's pseudonym, never the account.")
    clause: str
    title: str
    severity: str
    owner: str = strawberry.field(description="Who acts: hr, it or dsl.")
    status: str = strawberry.field(description="open or closed.")
    track: str = strawberry.field(description="triage, disciplinary, grievance or safeguarding.")
    stage: str = strawberry.field(description="The stage within the track, e.g. investigation.")
    version: int = strawberry.field(description="Pass it back as expectedVersion to refuse a stale command.")
    opened_at: datetime
    updated_at: datetime
    closed_at: datetime | None
    breach_count: int
    row: strawberry.Private[models.Case]
    state: strawberry.Private[CaseWorkflow | None] = None

    @classmethod
    def of(cls, row: models.Case) -> "Case":
        return cls(
            id=strawberry.ID(str(row.id)),
            school_id=row.school_id,
            staff=row.staff_id,
            clause=row.clause,
            title=row.title,
            severity=row.severity,
            owner=row.owner,
            status=row.status,
            track=row.track,
            stage=row.stage,
            version=row.version,
            opened_at=row.opened_at,
            updated_at=row.updated_at,
            closed_at=row.closed_at,
            breach_count=row.breach_count,
            row=row,
        )

    def workflow(self) -> CaseWorkflow:
        if self.state is None:
            self.state = workflow_of(self.row)
        return self.state

    @strawberry.field
    async def school(self, info: Info) -> School:
        row: wm.School | None = await loader(info.context, "school").load(self.row.school_id)
        name = row.name if row is not None and row.name else self.row.school_id
        return School(id=self.row.school_id, name=name)

    @strawberry.field
    async def breaches(self, info: Info) -> list[Breach]:
        rows: list[models.Breach] = await loader(info.context, "breaches").load(self.row.id)
        return [
            Breach(
                breach_id=b.breach_id,
                clause=b.clause,
                title=b.title,
                severity=b.severity,
                reason=b.reason,
                occurred_at=b.occurred_at,
                policy_ref=b.policy_ref,
                decision_id=b.decision_id,
                account_unknown=b.account_unknown,
            )
            for b in rows
        ]

    @described("What can be done next (a guard may still refuse on the details).")
    def allowed_commands(self, info: Info) -> list[AllowedCommand]:
        config = info.context.workflow_config(self.row.school_id)
        return [
            AllowedCommand(name=kind.name, title=kind.title, mutation=camel(kind.name))
            for kind in allowed(self.workflow(), config)
        ]

    @described("Open tasks with their due times.")
    def tasks(self, info: Info) -> list[TaskType]:
        now = info.context.clock()
        return [_task(task, now) for task in self.workflow().tasks]

    @described("Open tasks past their due time.")
    def overdue(self, info: Info) -> list[TaskType]:
        now = info.context.clock()
        return [_task(task, now) for task in overdue(self.workflow(), now)]

    @described("Every command applied, with who, when and the OPA decision id.")
    async def history(self, info: Info) -> list[HistoryEntry]:
        rows: list[wm.CaseHistory] = await loader(info.context, "history").load(self.row.id)
        return [
            HistoryEntry(
                version=r.version,
                command=r.command,
                actor=r.actor,
                at=r.at,
                payload=cast(JSON, without_evidence_text(r.payload)),
                decision_id=r.decision_id,
            )
            for r in rows
        ]

    @strawberry.field
    async def timeline(self, info: Info) -> list[TimelineEvent]:
        rows: list[wm.CaseEventRow] = await loader(info.context, "events").load(self.row.id)
        return [
            TimelineEvent(
                seq=r.seq,
                track=r.track,
                kind=r.kind,
                actor=r.actor,
                at=r.at,
                details=cast(JSON, without_evidence_text(r.details)),
            )
            for r in rows
        ]

    @strawberry.field
    async def notes(self, info: Info) -> list[Note]:
        rows: list[wm.CaseNote] = await loader(info.context, "notes").load(self.row.id)
        return [Note(id=r.id, author=r.author, body=r.body, at=r.at) for r in rows]

    @described(
        "Evidence the investigation recorded, or null when the caller may not read this case's "
        "evidence (evidence.read: an open case, not the SLG; MON-INTERNET-ON-SUSPICION)."
    )
    async def evidence(self, info: Info) -> list[EvidenceLink] | None:
        context = info.context
        try:
            decision = await context.authorizer.decide(
                context.require_subject(), "evidence.read", case_resource(self.row)
            )
        except AuthorizationUnavailableError:
            raise authz_unavailable() from None
        if not decision.allow:
            return None
        rows: list[wm.EvidenceLink] = await loader(context, "evidence").load(self.row.id)
        return [
            EvidenceLink(reference=r.reference, description=r.description, added_by=r.added_by, at=r.at)
            for r in rows
        ]

    @strawberry.field
    async def decisions(self, info: Info) -> list[CaseDecision]:
        rows: list[wm.CaseDecision] = await loader(info.context, "decisions").load(self.row.id)
        return [
            CaseDecision(
                track=r.track,
                kind=r.kind,
                outcome=r.outcome,
                decided_by=r.decided_by,
                rationale=r.rationale,
                at=r.at,
            )
            for r in rows
        ]

    @strawberry.field
    async def letters(self, info: Info) -> list[Letter]:
        rows: list[wm.Letter] = await loader(info.context, "letters").load(self.row.id)
        return [
            Letter(
                kind=r.kind,
                recipient=r.recipient,
                content=cast(JSON, r.content),
                created_at=r.created_at,
                sent_at=r.sent_at,
            )
            for r in rows
        ]
