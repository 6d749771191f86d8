"""The strawberry context every resolver gets: the database, who is asking, and the authorizer.

`subject` is the caller's `Subject` from a validated bearer token. It is `None` only where no token
is needed (the GraphiQL page itself, a WebSocket before its `connection_init`); an HTTP query or
mutation without a valid token never reaches a resolver (the context getter answers 401 first).
Resolvers call `info.context.require_subject()` rather than reading `subject` and checking it.

Reads go through `context.reading()`. In a query it yields the operation's one session, whose
transaction runs at REPEATABLE READ (read only): every read of the operation (the page of cases,
then the DataLoaders' breaches, schools, history ...) sees the same snapshot, so a case's
`breachCount` and its `breaches` always agree even while the ingest adds breaches. The
`SnapshotReads` extension (graphql/snapshot.py) gives every operation its own `Operation` and
closes its session when it ends. Mutations write in transactions of their own, and what they read
for their answer comes from short sessions, after the write committed.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
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
    """Per-operation memo (DataLoaders, the subject's OPA scope): never shared between operations."""

    loaders: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Operation:
    """What one GraphQL operation keeps to itself. An HTTP request carries one operation, but a
    WebSocket's context serves all of its operations, some at once: a mutation sent while a query
    runs must neither read from the query's older snapshot nor be served from its DataLoaders."""

    snapshot_reads: bool
    cache: RequestCache = field(default_factory=RequestCache)
    session: AsyncSession | None = None
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)  # one AsyncSession runs one statement at a time

    async def close(self) -> None:
        """Ends the snapshot's read-only transaction and returns its connection."""
        async with self.lock:
            session, self.session = self.session, None
            if session is not None:
                await session.close()


# The operation being executed, set by the SnapshotReads extension (graphql/snapshot.py) for the
# task that executes it; the resolvers' tasks inherit it.
CURRENT_OPERATION: ContextVar[Operation | None] = ContextVar("graphql_operation", default=None)


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
        self._cache = RequestCache()  # for reads outside any operation

    @property
    def cache(self) -> RequestCache:
        """The memo of the operation being executed."""
        operation = CURRENT_OPERATION.get()
        return operation.cache if operation is not None else self._cache

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A session to read with: the operation's snapshot in a query, a short session otherwise."""
        operation = CURRENT_OPERATION.get()
        if operation is None or not operation.snapshot_reads:
            async with self.sessions() as session:
                yield session
            return
        async with operation.lock:
            if operation.session is None:
                session = self.sessions()
                await session.connection(
                    execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
                )
                operation.session = session
            yield operation.session

    def require_subject(self) -> Subject:
        """The authenticated caller, or UnauthenticatedError."""
        if self.subject is None:
            raise UnauthenticatedError("a bearer token is required")
        return self.subject
