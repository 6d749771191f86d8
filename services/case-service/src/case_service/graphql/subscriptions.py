"""The live breach feed (`subscription { breaches }`, graphql-transport-ws), within the caller's scope.

It follows the outbox: every breach the ingest stores writes one `CaseEvent` row there in the same
transaction (case opened, or breach added), with a monotonically increasing id. The feed starts
at the newest row when the subscription starts, polls for rows after the last one it saw, and
yields those whose (school, owner) the caller's scope lists — another school's breaches never
reach the socket. Polling the database rather than an in-process queue means every replica of the
service serves the feed, whichever one consumed the breach.

A subscription outlives the moment it was authorised, so it is authorised again as it runs: the
scope is asked of OPA afresh for every batch of new breaches (a person moved to another school, or
a role withdrawn in the policy, stops receiving at once), and the feed ends with UNAUTHENTICATED
when the token given at `connection_init` expires (the client reconnects with a fresh token).
"""

import asyncio
from collections.abc import AsyncGenerator, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

import strawberry
from google.protobuf.message import DecodeError
from sqlalchemy import func, select

from case_service.auth.authorizer import Scope
from case_service.db.models import Outbox
from case_service.graphql.context import GraphQLContext
from case_service.graphql.errors import coded
from case_service.graphql.queries import SCOPE_KEY, scope_of
from case_service.graphql.types import Info
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

POLL_INTERVAL_S = 1.0
BATCH = 200


@strawberry.type
class BreachFeedItem:
    case_id: strawberry.ID
    school_id: str
    kind: str = strawberry.field(description="opened (a new case) or breach_added (to an open case).")
    clause: str
    title: str
    severity: str
    owner: str
    gross_misconduct: bool
    breach_count: int
    occurred_at: datetime


def feed_item(payload: bytes) -> BreachFeedItem | None:
    try:
        event = cases_pb2.CaseEvent.FromString(payload)
    except DecodeError:
        return None
    kind = cases_pb2.CaseEventType.Name(event.type).removeprefix("CASE_EVENT_TYPE_").lower()
    if kind not in ("opened", "breach_added"):
        return None
    return BreachFeedItem(
        case_id=strawberry.ID(event.case_id),
        school_id=event.school_id,
        kind=kind,
        clause=event.clause,
        title=event.title,
        severity=breaches_pb2.Severity.Name(event.severity).removeprefix("SEVERITY_").lower(),
        owner=breaches_pb2.Owner.Name(event.owner).removeprefix("OWNER_").lower(),
        gross_misconduct=event.gross_misconduct,
        breach_count=event.breach_count,
        occurred_at=event.occurred_at.ToDatetime(tzinfo=UTC),
    )


F = TypeVar("F", bound=Callable[..., Any])


async def current_scope(context: GraphQLContext) -> Scope:
    """The subscriber's scope now (not the one cached when the subscription started)."""
    context.cache.values.pop(SCOPE_KEY, None)
    return await scope_of(context)


def _subscription(description: str) -> Callable[[F], F]:
    return cast(Callable[[F], F], strawberry.subscription(description=description))


@strawberry.type
class BreachSubscription:
    @_subscription("New breaches within the caller's scope, as they are stored.")
    async def breaches(
        self, info: Info, school_id: str | None = None
    ) -> AsyncGenerator[BreachFeedItem, None]:
        context = info.context
        await scope_of(context)  # refuses at once a caller without a subject or OPA unreachable
        async with context.sessions() as session:
            last = (await session.scalar(select(func.max(Outbox.id)))) or 0
        while True:
            expires = context.subject_expires_at
            if expires is not None and context.clock() >= expires:
                raise coded("the token has expired: subscribe again with a fresh one", "UNAUTHENTICATED")
            async with context.sessions() as session:
                rows = (
                    await session.execute(
                        select(Outbox.id, Outbox.payload)
                        .where(Outbox.id > last)
                        .order_by(Outbox.id)
                        .limit(BATCH)
                    )
                ).all()
            scope = await current_scope(context) if rows else None
            for row_id, payload in rows:
                last = row_id
                item = feed_item(payload)
                if item is None or scope is None or not scope.sees(item.school_id, item.owner):
                    continue
                if school_id is None or item.school_id == school_id:
                    yield item
            if len(rows) < BATCH:
                await asyncio.sleep(POLL_INTERVAL_S)
