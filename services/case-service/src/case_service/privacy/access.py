"""What every privacy operation shares: loading the case, the authz resource, the OPA check (a refusal
is itself audited), and the errors the GraphQL layer maps.

The service checks its own invariants (open case, four eyes, lawful purpose, time limit) as well as
asking OPA: a mistake in either alone does not let data out.
"""

import functools
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from case_service.auth.authorizer import (
    Action,
    ContentAccess,
    Decision,
    ForbiddenError,
    NotVisibleError,
    Resource,
    Reveal,
)
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker
from case_service.db.models import Case
from case_service.domain.cases import STATUS_OPEN
from case_service.privacy import audit

# SP "Emails—monitoring" ¶5 (policies-rego/authz/decision.rego `lawful_purposes`).
LAWFUL_PURPOSES = frozenset(
    {
        "business_relevance",
        "establish_facts",
        "regulatory_compliance",
        "standards",
        "unauthorised_use",
        "crime",
        "system_operation",
    }
)
CONTENT_ACCESS_MAX_DAYS = 30
P = ParamSpec("P")
T = TypeVar("T")


class Authorize(Protocol):
    """`case_service.auth.authorizer.Authorizer.require`."""

    async def require(
        self, subject: Subject, action: Action, resource: Resource | None = None
    ) -> Decision: ...


class NotFoundError(Exception):
    """No such case / request, or one the caller may not know of (answer "not found")."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class RefusedError(Exception):
    """A privacy rule of the service refuses the operation (answer "forbidden" with the reason)."""


def now() -> datetime:
    return datetime.now(UTC)


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def require_text(value: str, what: str) -> str:
    stripped = value.strip()
    if not stripped:
        raise RefusedError(f"{what} is required")
    return stripped


def require_open(case: Case, limit: str) -> None:
    if case.status != STATUS_OPEN:
        raise RefusedError(f"{limit}: only inside an open case (this case is {case.status})")


async def load_case(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False) -> Case:
    case = await session.get(Case, case_id, with_for_update={"read": True} if lock else None)
    if case is None:
        raise NotFoundError("case")
    return case


def case_resource(
    case: Case, *, reveal: Reveal | None = None, content_access: ContentAccess | None = None
) -> Resource:
    resource = Resource(
        school_id=case.school_id,
        owner=case.owner,  # type: ignore[typeddict-item]  # a Text column holding hr | it | dsl
        track=case.track,
        status=case.status,
        clause=case.clause,
        case_id=str(case.id),
    )
    if reveal is not None:
        resource["reveal"] = reveal
    if content_access is not None:
        resource["content_access"] = content_access
    return resource


@dataclass(frozen=True)
class Denial:
    """What an OPA refusal leaves in the audit log (`<action>.denied`)."""

    actor: str
    action: str
    school_id: str | None
    case_id: uuid.UUID | None
    staff_id: str | None
    details: Mapping[str, Any]
    decision_id: str | None


def denial_of(error: BaseException) -> Denial | None:
    denial = getattr(error, "privacy_denial", None)
    return denial if isinstance(denial, Denial) else None


async def authorize(
    authorizer: Authorize,
    subject: Subject,
    action: Action,
    resource: Resource,
    *,
    case_id: uuid.UUID | None = None,
    staff_id: str | None = None,
    details: Mapping[str, Any] | None = None,
) -> Decision:
    """OPA's allowing decision; a refusal propagates (NotVisibleError / ForbiddenError) carrying the
    audit entry it owes, which `audits_denials` writes once the operation's transaction is over."""
    try:
        return await authorizer.require(subject, action, resource)
    except (NotVisibleError, ForbiddenError) as error:
        denial = Denial(
            actor=subject.id,
            action=f"{action}.denied",
            school_id=resource.get("school_id"),
            case_id=case_id,
            staff_id=staff_id,
            details={**(details or {}), "reasons": list(error.decision.reasons)},
            decision_id=error.decision.decision_id,
        )
        setattr(error, "privacy_denial", denial)  # noqa: B010  # exceptions have no typed slot for it
        raise


def audits_denials(
    operation: Callable[Concatenate[SessionMaker, P], Awaitable[T]],
) -> Callable[Concatenate[SessionMaker, P], Awaitable[T]]:
    """Writes the audit entry of an OPA refusal in a transaction of its own, after the operation's
    own transaction rolled back and gave its connection back (no second connection held meanwhile)."""

    @functools.wraps(operation)
    async def audited(sessions: SessionMaker, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await operation(sessions, *args, **kwargs)
        except (NotVisibleError, ForbiddenError) as error:
            denial = denial_of(error)
            if denial is not None:
                async with sessions() as session, session.begin():
                    await audit.record(session, **asdict(denial))
            raise

    return audited
