"""GraphQL errors with a stable `extensions.code`, and the authorization call every resolver makes.

| code | when |
|---|---|
| UNAUTHENTICATED | no subject (only reachable over a WebSocket without a token) |
| NOT_FOUND | the thing does not exist, or the policy says the caller may not know it exists |
| FORBIDDEN | the caller sees the thing but may not do this to it (`reasons` from the policy) |
| GUARD_REFUSED | a workflow guard does not hold (message = the guard's reason, `guard` = its name) |
| CONFLICT | the case changed since it was read (optimistic concurrency: retry) |
| AUTHZ_UNAVAILABLE | OPA gave no decision |
"""

from typing import Any, Literal

from graphql import GraphQLError

from case_service.auth.authorizer import (
    Action,
    AuthorizationUnavailableError,
    Authorizer,
    Decision,
    ForbiddenError,
    NotVisibleError,
    Resource,
)
from case_service.auth.subject import Subject
from case_service.db import models


def coded(message: str, code: str, **extensions: Any) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code, **extensions})


def not_found(what: str = "case") -> GraphQLError:
    return coded(f"{what} not found", "NOT_FOUND")


def forbidden(reasons: tuple[str, ...] | list[str]) -> GraphQLError:
    return coded("forbidden", "FORBIDDEN", reasons=list(reasons))


def unauthenticated() -> GraphQLError:
    return coded("a bearer token is required", "UNAUTHENTICATED")


def authz_unavailable() -> GraphQLError:
    return coded("authorization is unavailable, retry later", "AUTHZ_UNAVAILABLE")


async def authorize(
    authorizer: Authorizer, subject: Subject, action: Action, resource: Resource, *, what: str = "case"
) -> Decision:
    """The allowing decision (keep its `decision_id` with what it allowed), or a coded GraphQLError:
    NOT_FOUND when the policy hides the resource, FORBIDDEN when it refuses a visible one."""
    try:
        return await authorizer.require(subject, action, resource)
    except NotVisibleError:
        raise not_found(what) from None
    except ForbiddenError as error:
        raise forbidden(error.decision.reasons) from None
    except AuthorizationUnavailableError:
        raise authz_unavailable() from None


def case_resource(row: models.Case) -> Resource:
    """The authz resource of a case (policies-rego/authz)."""
    owner: Literal["hr", "it", "dsl"] = "it" if row.owner == "it" else "dsl" if row.owner == "dsl" else "hr"
    return {
        "school_id": row.school_id,
        "owner": owner,
        "track": row.track,
        "status": row.status,
        "clause": row.clause,
        "case_id": str(row.id),
    }
