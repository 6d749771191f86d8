"""`/graphql`: the alerts a caller may see, failing destinations, and acknowledging an alert.

Every HTTP operation needs the case-service's bearer token (401 before any resolver otherwise);
the GraphiQL page itself loads without one.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

import strawberry
from fastapi import Request
from sqlalchemy import select
from strawberry.fastapi import BaseContext, GraphQLRouter
from strawberry.types import Info

from alerter.api.auth import Subject, TokenValidator, authenticate
from alerter.config import TrustConfig
from alerter.db import acks, outbox
from alerter.db.engine import SessionMaker
from alerter.db.models import Alert as AlertRow
from alerter.db.models import Delivery as DeliveryRow
from alerter.domain.permissions import may_retry, may_see
from alerter.domain.timing import Clock

MAX_ALERTS = 200
PAGE = 200


class Context(BaseContext):
    def __init__(
        self,
        sessions: SessionMaker,
        subject: Subject | None,
        config: TrustConfig,
        clock: Clock,
        failing_after_attempts: int,
    ) -> None:
        super().__init__()
        self.sessions = sessions
        self.subject = subject
        self.config = config
        self.clock = clock
        self.failing_after_attempts = failing_after_attempts

    def require_subject(self) -> Subject:
        if self.subject is None:
            raise PermissionError("a bearer token is required")
        return self.subject


@strawberry.enum
class AckOutcome(Enum):
    ACKNOWLEDGED = acks.ACKNOWLEDGED
    ALREADY_ACKNOWLEDGED = acks.ALREADY
    NOT_FOUND = acks.NOT_FOUND


@strawberry.type
class Delivery:
    channel: str
    destination: str
    purpose: str
    level: int
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime
    sent_at: datetime | None


@strawberry.type
class Alert:
    id: strawberry.ID
    purpose: str
    school_id: str
    school: str
    clause: str | None
    title: str | None
    severity: str | None
    critical: bool
    breach_count: int
    suppressed: int
    case_link: str | None
    created_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    escalation_level: int
    next_escalation_at: datetime | None
    routed_to: list[str]
    deliveries: list[Delivery]


@strawberry.type
class FailingDestination:
    channel: str
    destination: str
    school_ids: list[str]
    failed: int
    retrying: int
    last_error: str
    last_attempt_at: datetime | None


@strawberry.type
class AcknowledgeResult:
    outcome: AckOutcome
    alert: Alert | None


def _alert(row: AlertRow, deliveries: list[DeliveryRow], config: TrustConfig) -> Alert:
    return Alert(
        id=strawberry.ID(row.id),
        purpose=row.purpose,
        school_id=row.school_id,
        school=config.school_name(row.school_id),
        clause=row.clause,
        title=row.title,
        severity=row.severity,
        critical=row.critical,
        breach_count=row.breach_count,
        suppressed=row.suppressed,
        case_link=f"{config.trust.case_link_base}{row.case_id}" if row.case_id else None,
        created_at=row.created_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        escalation_level=row.escalation_level,
        next_escalation_at=row.next_escalation_at,
        routed_to=row.roles.split(),
        deliveries=[
            Delivery(
                channel=d.channel,
                destination=d.destination,
                purpose=d.purpose,
                level=d.level,
                status=d.status,
                attempts=d.attempts,
                last_error=d.last_error,
                next_attempt_at=d.next_attempt_at,
                sent_at=d.sent_at,
            )
            for d in deliveries
        ],
    )


def _visible(subject: Subject, row: AlertRow) -> bool:
    return may_see(subject.roles, subject.schools, row.school_id, row.roles.split())


async def _deliveries(info: Info[Context, None], alert_ids: list[str]) -> dict[str, list[DeliveryRow]]:
    async with info.context.sessions() as session:
        rows = (
            await session.scalars(
                select(DeliveryRow).where(DeliveryRow.alert_id.in_(alert_ids)).order_by(DeliveryRow.id)
            )
        ).all()
    found: dict[str, list[DeliveryRow]] = {}
    for row in rows:
        found.setdefault(row.alert_id, []).append(row)
    return found


@strawberry.type
class Query:
    @strawberry.field
    async def alerts(
        self,
        info: Info[Context, None],
        school_id: str | None = None,
        unacknowledged_only: bool = False,
        first: int = 50,
    ) -> list[Alert]:
        """Alerts the caller may see, newest first."""
        subject = info.context.require_subject()
        statement = select(AlertRow).order_by(AlertRow.created_at.desc(), AlertRow.id)
        if school_id is not None:
            statement = statement.where(AlertRow.school_id == school_id)
        elif "it_ops" not in subject.roles:
            statement = statement.where(AlertRow.school_id.in_(sorted(subject.schools)))
        if unacknowledged_only:
            statement = statement.where(AlertRow.acknowledged_at.is_(None))
        wanted = max(0, min(first, MAX_ALERTS))
        visible: list[AlertRow] = []
        async with info.context.sessions() as session:
            offset = 0
            while len(visible) < wanted:  # a page at a time: most rows are visible, some not
                rows = (await session.scalars(statement.offset(offset).limit(PAGE))).all()
                visible.extend(row for row in rows if _visible(subject, row))
                if len(rows) < PAGE:
                    break
                offset += PAGE
        visible = visible[:wanted]
        deliveries = await _deliveries(info, [row.id for row in visible])
        return [_alert(row, deliveries.get(row.id, []), info.context.config) for row in visible]

    @strawberry.field
    async def failing_destinations(self, info: Info[Context, None]) -> list[FailingDestination]:
        """Destinations refusing for good, or still failing after N attempts."""
        subject = info.context.require_subject()
        async with info.context.sessions() as session:
            found = await outbox.failing_destinations(session, info.context.failing_after_attempts)
        return [
            FailingDestination(
                channel=f.channel,
                destination=f.destination,
                school_ids=list(f.school_ids),
                failed=f.failed,
                retrying=f.retrying,
                last_error=f.last_error,
                last_attempt_at=f.last_attempt_at,
            )
            for f in found
            if "it_ops" in subject.roles or set(f.school_ids) & subject.schools
        ]


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def acknowledge_alert(self, info: Info[Context, None], id: strawberry.ID) -> AcknowledgeResult:
        """Acknowledge an alert: stops its escalation; audited."""
        subject = info.context.require_subject()
        now = info.context.clock()
        async with info.context.sessions() as session, session.begin():
            row = await acks.load_for_update(session, str(id))
            if row is not None and not _visible(subject, row):
                acks.audit(session, str(id), "graphql", subject.id, acks.FORBIDDEN, now)
                row = None  # another school's or another role's alert: as if absent
                outcome = acks.NOT_FOUND
            else:
                outcome = await acks.acknowledge(session, row, str(id), "graphql", subject.id, now)
            deliveries = await _deliveries(info, [row.id]) if row is not None else {}
        alert = _alert(row, deliveries.get(row.id, []), info.context.config) if row is not None else None
        return AcknowledgeResult(outcome=AckOutcome(outcome), alert=alert)

    @strawberry.mutation
    async def retry_destination(self, info: Info[Context, None], channel: str, destination: str) -> int:
        """IT ops: send a destination's refused messages again."""
        subject = info.context.require_subject()
        if not may_retry(subject.roles):
            raise PermissionError("only IT ops may requeue a destination")
        async with info.context.sessions() as session, session.begin():
            return await outbox.requeue_failed(session, channel, destination, info.context.clock())


schema = strawberry.Schema(query=Query, mutation=Mutation)


@dataclass(frozen=True)
class GraphQLDeps:
    sessions: SessionMaker
    validator: TokenValidator
    config: TrustConfig
    clock: Clock
    failing_after_attempts: int


def graphql_router(deps: GraphQLDeps) -> GraphQLRouter[Context, None]:
    async def context(request: Request) -> Context:
        wants_ide = (
            request.method == "GET"
            and "query" not in request.query_params
            and "text/html" in request.headers.get("accept", "")
        )
        subject = (
            None if wants_ide else await authenticate(deps.validator, request.headers.get("authorization"))
        )
        return Context(deps.sessions, subject, deps.config, deps.clock, deps.failing_after_attempts)

    getter: Callable[..., Awaitable[Context]] = context
    return GraphQLRouter(schema, context_getter=getter, graphql_ide="graphiql")
