"""The strawberry context every resolver gets: the database, who is asking, and the authorizer.

`subject` is the caller's `Subject` from a validated bearer token. It is `None` only where no token
is needed (the GraphiQL page itself, a WebSocket before its `connection_init`); an HTTP query or
mutation without a valid token never reaches a resolver (the context getter answers 401 first).
Resolvers call `info.context.require_subject()` rather than reading `subject` and checking it.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
        self.authorizer = authorizer
        # HMAC key of the pseudonyms (MON-NEED-TO-KNOW): for code that must compute one, e.g. a SAR.
        self.pseudonym_key = pseudonym_key
        self.clock = clock  # the one source of "now" for resolvers (tests pass a settable clock)
        self.workflow_config = workflow_config  # school id → that school's WorkflowConfig
        self.max_page_size = max_page_size
        self.cache = RequestCache()

    def require_subject(self) -> Subject:
        """The authenticated caller, or UnauthenticatedError."""
        if self.subject is None:
            raise UnauthenticatedError("a bearer token is required")
        return self.subject
