"""The strawberry context every resolver gets: the database, who is asking, and the authorizer.

`subject` is the caller's `Subject` from a validated bearer token. It is `None` only where no token
is needed (the GraphiQL page itself, a WebSocket before its `connection_init`); an HTTP query or
mutation without a valid token never reaches a resolver (the context getter answers 401 first).
Resolvers call `info.context.require_subject()` rather than reading `subject` and checking it.

Reads go through `context.reading()`. In a query it yields the request's one session, whose
transaction runs at REPEATABLE READ (read only): every read of the request (the page of cases,
then the DataLoaders' breaches, schools, history ...) sees the same snapshot, so a case's
`breachCount` and its `breaches` always agree even while the ingest adds breaches. The
`SnapshotReads` extension (graphql/snapshot.py) turns that on for query operations and closes the
session at the end of the request. Mutations write in transactions of their own, and what they
read for their answer comes from short sessions of its own, after the write committed.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from case_service.auth.authorizer import Authorizer
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.workflow import DEFAULT_CONFIG, WorkflowConfig


def utc_now() -> datetime:
    return datetime.now(UTC)


def default_workflow_config(_school_id: str) -> WorkflowConfig:
    return DEFAULT_CONFIG


class UnauthenticatedError(Exception):
    """A resolver ran without an authenticated subject (GraphQL error code UNAUTHENTICATED)."""


@dataclass
class RequestCache:
    """Per-request memo (DataLoaders, the subject's OPA scope): never shared between requests."""

    loaders: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


class GraphQLContext(BaseContext):
    def __init__(
        self,
        sessions: SessionMaker,
        subject: Subject | None,
        authorizer: Authorizer,
        *,
        pseudonym_key: bytes = b"",
        clock: Callable[[], datetime] = utc_now,
        workflow_config: Callable[[str], WorkflowConfig] = default_workflow_config,
        max_page_size: int = 100,
    ) -> None:
        super().__init__()
        self.sessions = sessions  # async_sessionmaker: `async with info.context.sessions() as s`
        self.subject = subject
        # When the subject's token expires: set for a WebSocket (whose subscriptions outlive a
        # request and must stop then); an HTTP request is over long before its token is.
        self.subject_expires_at: datetime | None = None
        self.authorizer = authorizer
        # HMAC key of the pseudonyms (MON-NEED-TO-KNOW): for code that must compute one, e.g. a SAR.
        self.pseudonym_key = pseudonym_key
        self.clock = clock  # the one source of "now" for resolvers (tests pass a settable clock)
        self.workflow_config = workflow_config  # school id → that school's WorkflowConfig
        self.max_page_size = max_page_size
        self.cache = RequestCache()
        self._snapshot: AsyncSession | None = None
        self._snapshot_lock = asyncio.Lock()  # one AsyncSession never runs two statements at once
        self._snapshot_users = 0  # query operations in flight on this context (a WebSocket may hold several)

    def begin_snapshot_reads(self) -> None:
        """From now on `reading()` yields the request's REPEATABLE READ session (opened at first use)."""
        self._snapshot_users += 1

    async def end_snapshot_reads(self) -> None:
        """The end of one query operation: the last one on this context closes the snapshot session."""
        self._snapshot_users = max(0, self._snapshot_users - 1)
        if self._snapshot_users == 0 and self._snapshot is not None:
            session, self._snapshot = self._snapshot, None
            async with self._snapshot_lock:
                await session.close()  # ends the read-only transaction, returns the connection

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session to read with: the request's snapshot in a query, a short session otherwise."""
        if self._snapshot_users == 0:
            async with self.sessions() as session:
                yield session
            return
        async with self._snapshot_lock:
            if self._snapshot is None:
                session = self.sessions()
                await session.connection(
                    execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
                )
                self._snapshot = session
            yield self._snapshot

    def require_subject(self) -> Subject:
        """The authenticated caller, or UnauthenticatedError."""
        if self.subject is None:
            raise UnauthenticatedError("a bearer token is required")
        return self.subject
