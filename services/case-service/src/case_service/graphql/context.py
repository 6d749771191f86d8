"""The strawberry context every resolver gets: the database, who is asking, and the authorizer.

`subject` is the caller's `Subject` from a validated bearer token. It is `None` only where no token
is needed (the GraphiQL page itself, a WebSocket before its `connection_init`); an HTTP query or
mutation without a valid token never reaches a resolver (the context getter answers 401 first).
Resolvers call `info.context.require_subject()` rather than reading `subject` and checking it.
"""

from dataclasses import dataclass, field
from typing import Any

from strawberry.fastapi import BaseContext

from case_service.auth.authorizer import Authorizer
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker


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
    ) -> None:
        super().__init__()
        self.sessions = sessions  # async_sessionmaker: `async with info.context.sessions() as s`
        self.subject = subject
        self.authorizer = authorizer
        # HMAC key of the pseudonyms (MON-NEED-TO-KNOW): for code that must compute one, e.g. a SAR.
        self.pseudonym_key = pseudonym_key
        self.cache = RequestCache()

    def require_subject(self) -> Subject:
        """The authenticated caller, or UnauthenticatedError."""
        if self.subject is None:
            raise UnauthenticatedError("a bearer token is required")
        return self.subject
