"""Running one workflow command for the caller: the adapter between GraphQL and `workflow.apply`.

    authorize (OPA, case.transition on the case) → apply the pure workflow → compare-and-set the
    case's version → history row with the OPA decision id → audit entry — one transaction.

Errors (extensions.code): NOT_FOUND (no such case, or not visible), FORBIDDEN, GUARD_REFUSED
(message = the guard's reason; `guard`, `command`), CONFLICT (the case moved on: re-read and retry).
"""

import uuid
from collections.abc import Callable
from typing import cast

import strawberry
from sqlalchemy import select
from strawberry.scalars import JSON

from case_service.db import models
from case_service.db.workflow_models import CaseNote
from case_service.db.workflow_store import (
    VersionConflictError,
    command_payload,
    prior_warnings,
    save_applied,
    workflow_of,
)
from case_service.graphql.context import GraphQLContext, UnauthenticatedError
from case_service.graphql.errors import authorize, case_resource, coded, not_found, unauthenticated
from case_service.graphql.types import Case, TimelineEvent
from case_service.privacy import audit
from case_service.workflow import Command, GuardRefused, apply
from case_service.workflow.serial import dump


@strawberry.type
class TransitionResult:
    case: Case
    events: list[TimelineEvent] = strawberry.field(description="What the command added to the timeline.")
    decision_id: str | None = strawberry.field(description="OPA's decision id that allowed it.")


def guard_refused(refused: GuardRefused) -> Exception:
    return coded(refused.reason, "GUARD_REFUSED", guard=refused.guard, command=refused.command)


async def run_command(
    context: GraphQLContext,
    case_id: str,
    build: Callable[[str], Command],
    expected_version: int | None,
) -> TransitionResult:
    """Apply the command `build(actor)` to the case for the caller (see the module docstring)."""
    try:
        subject = context.require_subject()
    except UnauthenticatedError:
        raise unauthenticated() from None
    try:
        key = uuid.UUID(case_id)
    except ValueError:
        raise not_found() from None
    now = context.clock()
    async with context.sessions() as session, session.begin():
        row = await session.get(models.Case, key)
        if row is None:
            raise not_found()
        decision = await authorize(context.authorizer, subject, "case.transition", case_resource(row))
        if expected_version is not None and expected_version != row.version:
            raise coded(
                f"the case is at version {row.version}, not {expected_version}: read it again",
                "CONFLICT",
                version=row.version,
            )
        command = build(subject.id)  # the actor is the token's subject, never the request body
        state = workflow_of(row)
        try:
            applied = apply(
                state,
                command,
                now,
                config=context.workflow_config(row.school_id),
                prior_warnings=await prior_warnings(session, row),
            )
        except GuardRefused as refused:
            raise guard_refused(refused) from None
        try:
            await save_applied(
                session,
                row,
                applied,
                command,
                expected_version=row.version,
                decision_id=decision.decision_id,
                now=now,
            )
        except VersionConflictError as conflict:
            raise coded(str(conflict), "CONFLICT") from None
        await audit.record(
            session,
            actor=subject.id,
            action=f"case.transition.{command.name}",
            school_id=row.school_id,
            case_id=row.id,
            staff_id=row.staff_id,
            details={"command": command.name, "version": applied.state.version, **command_payload(command)},
            decision_id=decision.decision_id,
        )
    events = [
        TimelineEvent(
            seq=e.seq,
            track=e.track.value,
            kind=e.kind,
            actor=e.actor,
            at=e.at,
            details=cast(JSON, dump(e.details)),
        )
        for e in applied.events
    ]
    return TransitionResult(case=Case.of(row), events=events, decision_id=decision.decision_id)


async def add_note(context: GraphQLContext, case_id: str, body: str) -> Case:
    """A case worker's note on a case (case.transition on it); audited."""
    try:
        subject = context.require_subject()
    except UnauthenticatedError:
        raise unauthenticated() from None
    if not body.strip():
        raise coded("Write the note's text.", "BAD_REQUEST")
    try:
        key = uuid.UUID(case_id)
    except ValueError:
        raise not_found() from None
    async with context.sessions() as session, session.begin():
        row = (await session.scalars(select(models.Case).where(models.Case.id == key))).one_or_none()
        if row is None:
            raise not_found()
        decision = await authorize(context.authorizer, subject, "case.transition", case_resource(row))
        now = context.clock()
        session.add(
            CaseNote(case_id=row.id, author=subject.id, body=body, at=now, decision_id=decision.decision_id)
        )
        await audit.record(
            session,
            actor=subject.id,
            action="case.note.add",
            school_id=row.school_id,
            case_id=row.id,
            staff_id=row.staff_id,
            details={"length": len(body)},
            decision_id=decision.decision_id,
        )
    return Case.of(row)
