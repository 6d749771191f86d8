"""`/graphql`: bearer-token authentication in front of the schema, GraphiQL for IT ops.

- An HTTP query or mutation needs `Authorization: Bearer <token>`; without a valid one the answer
  is 401 with a `WWW-Authenticate` challenge (RFC 6750), before any resolver runs; 503 when the
  identity provider's keys cannot be fetched.
- The GraphiQL page itself (a browser's GET of /graphql) loads without a token: paste one into its
  headers pane (`{"Authorization": "Bearer …"}`).
- WebSocket (graphql-transport-ws): the token goes in `connection_init`'s payload as
  `{"Authorization": "Bearer …"}` (browsers cannot set headers on a WebSocket); a missing or invalid
  token rejects the connection. A subscription ends when that token expires (reconnect with a
  fresh one), and the scope it filters by is asked of OPA again for every batch of breaches.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime

from fastapi import HTTPException, Request, WebSocket
from starlette.requests import HTTPConnection
from strawberry import Schema
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.types.unset import UnsetType

from case_service.auth.authorizer import Authorizer
from case_service.auth.dependencies import Authenticator
from case_service.auth.subject import Subject
from case_service.auth.tokens import TokenValidator
from case_service.db.engine import SessionMaker
from case_service.graphql.context import GraphQLContext, default_workflow_config, utc_now
from case_service.workflow import WorkflowConfig


def _wants_ide(request: Request) -> bool:
    return (
        request.method == "GET"
        and "query" not in request.query_params
        and "text/html" in request.headers.get("accept", "")
    )


class AuthenticatedGraphQLRouter(GraphQLRouter[GraphQLContext, None]):
    def __init__(self, schema: Schema, authenticator: Authenticator, **kwargs: object) -> None:
        super().__init__(schema, **kwargs)  # type: ignore[arg-type]
        self._authenticator = authenticator

    async def on_ws_connect(self, context: GraphQLContext) -> UnsetType | dict[str, object] | None:
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("Authorization") or params.get("authorization")
        try:
            context.subject, context.subject_expires_at = await self._authenticator.authenticate_until(
                header if isinstance(header, str) else None
            )
        except HTTPException as refused:
            raise ConnectionRejectionError({"reason": str(refused.detail)}) from None
        return await super().on_ws_connect(context)


def graphql_router(
    schema: Schema,
    sessions: SessionMaker,
    validator: TokenValidator,
    authorizer: Authorizer,
    *,
    pseudonym_key: bytes = b"",
    clock: Callable[[], datetime] = utc_now,
    workflow_config: Callable[[str], WorkflowConfig] = default_workflow_config,
    max_page_size: int = 100,
) -> GraphQLRouter[GraphQLContext, None]:
    """`/graphql` with GraphiQL enabled and every operation authenticated."""
    authenticator = Authenticator(validator)

    def make(subject: Subject | None) -> GraphQLContext:
        return GraphQLContext(
            sessions,
            subject,
            authorizer,
            pseudonym_key=pseudonym_key,
            clock=clock,
            workflow_config=workflow_config,
            max_page_size=max_page_size,
        )

    async def context(connection: HTTPConnection) -> GraphQLContext:
        if isinstance(connection, WebSocket):
            return make(None)  # authenticated in on_ws_connect, from connection_init
        assert isinstance(connection, Request)
        if _wants_ide(connection):
            return make(None)
        return make(await authenticator.authenticate(connection.headers.get("authorization")))

    getter: Callable[..., Awaitable[GraphQLContext]] = context
    return AuthenticatedGraphQLRouter(
        schema,
        authenticator,
        context_getter=getter,
        graphql_ide="graphiql",
        subscription_protocols=("graphql-transport-ws",),
    )
