"""The read side: `cases` (filters, keyset pagination) and `case(id)`, both within the caller's scope.

The scope comes from OPA once per request (`Authorizer.scope`); the SQL then keeps only cases whose
(school, effective owner) the scope lists, so another school's case is absent from a list and
`case(id)` answers null for it, exactly as for a case that does not exist.
"""

import base64
import binascii
import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import strawberry
from sqlalchemy import ColumnElement, and_, case, false, or_, select, tuple_

from case_service.auth.authorizer import AuthorizationUnavailableError, Scope
from case_service.db import models
from case_service.graphql.context import GraphQLContext, UnauthenticatedError
from case_service.graphql.errors import authz_unavailable, coded, unauthenticated
from case_service.graphql.types import Case, Info

SCOPE_KEY = "authz.scope"


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


strawberry.enum(CaseStatus)


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


strawberry.enum(Severity)


@strawberry.input(description="Every given field narrows the list; none given: the whole scope.")
class CaseFilter:
    school_id: str | None = None
    status: CaseStatus | None = None
    track: str | None = None
    stage: str | None = None
    clause: str | None = None
    severity: list[Severity] | None = None
    opened_after: datetime | None = None
    opened_before: datetime | None = None
    min_age_days: int | None = strawberry.field(default=None, description="Opened at least this long ago.")
    overdue: bool | None = strawberry.field(default=None, description="Has (or has not) a task past due.")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class CaseEdge:
    cursor: str
    node: Case


@strawberry.type
class CaseConnection:
    edges: list[CaseEdge]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[Case]:
        return [edge.node for edge in self.edges]


async def scope_of(context: GraphQLContext) -> Scope:
    """The caller's scope, asked of OPA once per request."""
    cached = context.cache.values.get(SCOPE_KEY)
    if isinstance(cached, Scope):
        return cached
    try:
        subject = context.require_subject()
        scope = await context.authorizer.scope(subject)
    except UnauthenticatedError:
        raise unauthenticated() from None
    except AuthorizationUnavailableError:
        raise authz_unavailable() from None
    context.cache.values[SCOPE_KEY] = scope
    return scope


def effective_owner() -> ColumnElement[str]:
    """SQL of `auth.effective_owner`: a safeguarding case is the DSL's whatever its owner column."""
    return case((models.Case.track == "safeguarding", "dsl"), else_=models.Case.owner)


def in_scope(scope: Scope) -> ColumnElement[bool]:
    clauses = [
        and_(models.Case.school_id == school, effective_owner().in_(sorted(owners)))
        for school, owners in sorted(scope.cases_by_school.items())
        if owners
    ]
    return or_(*clauses) if clauses else false()


def encode_cursor(row: models.Case) -> str:
    return base64.urlsafe_b64encode(f"{row.opened_at.isoformat()}|{row.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        opened, _, case_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        return datetime.fromisoformat(opened), uuid.UUID(case_id)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise coded("the cursor is not one this API gave", "BAD_CURSOR") from None


def _filters(where: CaseFilter, now: datetime) -> list[ColumnElement[bool]]:
    c = models.Case
    conditions: list[ColumnElement[bool]] = []
    if where.school_id is not None:
        conditions.append(c.school_id == where.school_id)
    if where.status is not None:
        conditions.append(c.status == where.status.value)
    if where.track is not None:
        conditions.append(c.track == where.track)
    if where.stage is not None:
        conditions.append(c.stage == where.stage)
    if where.clause is not None:
        conditions.append(c.clause == where.clause)
    if where.severity:
        conditions.append(c.severity.in_([s.value for s in where.severity]))
    if where.opened_after is not None:
        conditions.append(c.opened_at >= where.opened_after)
    if where.opened_before is not None:
        conditions.append(c.opened_at < where.opened_before)
    if where.min_age_days is not None:
        conditions.append(c.opened_at <= now - timedelta(days=where.min_age_days))
    if where.overdue is True:
        conditions.append(c.next_due_at < now)
    elif where.overdue is False:
        conditions.append(or_(c.next_due_at.is_(None), c.next_due_at >= now))
    return conditions


async def resolve_cases(
    info: Info,
    where: CaseFilter | None = None,
    first: int = 50,
    after: str | None = None,
) -> CaseConnection:
    context = info.context
    limit = context.max_page_size
    if not 1 <= first <= limit:
        raise coded(f"first must be between 1 and {limit}", "BAD_REQUEST")
    scope = await scope_of(context)
    now = context.clock()
    c = models.Case
    statement: Any = select(c).where(in_scope(scope), *_filters(where or CaseFilter(), now))
    if after is not None:
        opened_at, case_id = decode_cursor(after)
        statement = statement.where(tuple_(c.opened_at, c.id) < tuple_(opened_at, case_id))
    statement = statement.order_by(c.opened_at.desc(), c.id.desc()).limit(first + 1)
    async with context.reading() as session:
        rows = (await session.scalars(statement)).all()
    page = rows[:first]
    edges = [CaseEdge(cursor=encode_cursor(row), node=Case.of(row)) for row in page]
    return CaseConnection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=edges[-1].cursor if edges else None),
    )


async def visible_case(context: GraphQLContext, case_id: str) -> models.Case | None:
    """The case when it exists and is within the caller's scope; None otherwise (indistinguishable)."""
    try:
        key = uuid.UUID(case_id)
    except ValueError:
        return None
    scope = await scope_of(context)
    async with context.reading() as session:
        row = await session.get(models.Case, key)
    if row is None or not scope.sees(row.school_id, row.owner, row.track):
        return None
    return row


async def resolve_case(info: Info, id: strawberry.ID) -> Case | None:
    row = await visible_case(info.context, str(id))
    return None if row is None else Case.of(row)


@strawberry.type
class CaseQuery:
    cases: CaseConnection = strawberry.field(
        resolver=resolve_cases,
        description="Cases within the caller's scope, newest first; `first` up to the page limit.",
    )
    case: Case | None = strawberry.field(
        resolver=resolve_case, description="One case, or null when it does not exist or is not visible."
    )
