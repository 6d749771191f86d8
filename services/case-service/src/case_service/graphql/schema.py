"""The GraphQL schema. Staff appear only as pseudonyms: `staff_identity` is never read here."""

from datetime import datetime

import strawberry
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from strawberry.fastapi import BaseContext, GraphQLRouter

from case_service.db import models
from case_service.db.engine import SessionMaker


class GraphQLContext(BaseContext):
    def __init__(self, sessions: SessionMaker) -> None:
        super().__init__()
        self.sessions = sessions


@strawberry.type
class Breach:
    breach_id: str
    clause: str
    reason: str
    occurred_at: datetime
    policy_ref: str
    decision_id: str


@strawberry.type
class Case:
    id: strawberry.ID
    school_id: str
    staff: str = strawberry.field(description="The staff member's pseudonym, never the account.")
    clause: str
    title: str
    severity: str
    owner: str
    status: str
    opened_at: datetime
    breach_count: int
    breaches: list[Breach]


def _case(row: models.Case) -> Case:
    return Case(
        id=strawberry.ID(str(row.id)),
        school_id=row.school_id,
        staff=row.staff_id,
        clause=row.clause,
        title=row.title,
        severity=row.severity,
        owner=row.owner,
        status=row.status,
        opened_at=row.opened_at,
        breach_count=row.breach_count,
        breaches=[
            Breach(
                breach_id=b.breach_id,
                clause=b.clause,
                reason=b.reason,
                occurred_at=b.occurred_at,
                policy_ref=b.policy_ref,
                decision_id=b.decision_id,
            )
            for b in row.breaches
        ],
    )


async def resolve_cases(
    info: strawberry.Info[GraphQLContext, None], school_id: str | None = None
) -> list[Case]:
    statement = (
        select(models.Case)
        .options(selectinload(models.Case.breaches))
        .order_by(models.Case.opened_at.desc(), models.Case.id)
    )
    if school_id is not None:
        statement = statement.where(models.Case.school_id == school_id)
    async with info.context.sessions() as session:  # one session per request
        rows = (await session.scalars(statement)).all()
        return [_case(row) for row in rows]


@strawberry.type
class Query:
    cases: list[Case] = strawberry.field(
        resolver=resolve_cases, description="Cases, newest first; only one school's when schoolId is given."
    )


schema = strawberry.Schema(query=Query)


def graphql_router(sessions: SessionMaker) -> GraphQLRouter[GraphQLContext, None]:
    """`/graphql` with GraphiQL enabled."""

    async def context() -> GraphQLContext:
        return GraphQLContext(sessions)

    return GraphQLRouter(schema, context_getter=context, graphql_ide="graphiql")
