"""The privacy API (issue 6 §4), merged into the schema by `graphql/schema.py`: identity reveals,
exceptional content access, detailed evidence, spot checks, subject access requests and the audit
log. Each resolver is a thin adapter over `case_service.privacy`, which asks OPA (`require`),
checks the monitoring limits itself, and writes the audit entry with OPA's decision id.

Errors (extensions.code): NOT_FOUND (unknown, or the policy hides it), FORBIDDEN (`reasons`: the
policy's or the service's), AUTHZ_UNAVAILABLE, UNAUTHENTICATED.
"""

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Any, TypeVar, cast

import strawberry
from strawberry.scalars import JSON

from case_service.auth.authorizer import AuthorizationUnavailableError, ForbiddenError, NotVisibleError
from case_service.auth.subject import Subject
from case_service.graphql.context import GraphQLContext, UnauthenticatedError
from case_service.graphql.errors import authz_unavailable, forbidden, not_found, unauthenticated
from case_service.graphql.privacy_types import (
    AuditChainStatus,
    AuditEntry,
    CaseEvidence,
    ContentAccessRequest,
    ContentUse,
    IdentityReveal,
    LawfulPurpose,
    RevealedIdentity,
    SpotCheck,
    SubjectAccessRequest,
    breach_evidence,
    spot_check,
)
from case_service.privacy import audit_read, content, evidence, reveals, sar, spot_checks
from case_service.privacy.access import NotFoundError, RefusedError

Info = strawberry.Info[GraphQLContext, None]
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])


def field(description: str) -> Callable[[F], F]:
    """`@field(...)`, typed for mypy --strict."""
    return cast(Callable[[F], F], strawberry.field(description=description))


def mutation(description: str) -> Callable[[F], F]:
    return cast(Callable[[F], F], strawberry.mutation(description=description))


def _subject(info: Info) -> Subject:
    try:
        return info.context.require_subject()
    except UnauthenticatedError:
        raise unauthenticated() from None


def _uuid(value: strawberry.ID, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise not_found(what) from None


async def _run(call: Awaitable[T], what: str) -> T:
    """The service's outcome, or its refusal as a coded GraphQL error."""
    try:
        return await call
    except (NotVisibleError, NotFoundError) as error:
        raise not_found(error.what if isinstance(error, NotFoundError) else what) from None
    except ForbiddenError as error:
        raise forbidden(error.decision.reasons) from None
    except RefusedError as error:
        raise forbidden([str(error)]) from None
    except AuthorizationUnavailableError:
        raise authz_unavailable() from None


def _ctx(info: Info) -> tuple[Any, Any, Subject]:
    return info.context.sessions, info.context.authorizer, _subject(info)


@strawberry.type
class PrivacyQuery:
    @field("The identity behind the case's pseudonym, after your approved reveal. Audited.")
    async def revealed_identity(self, info: Info, case_id: strawberry.ID) -> RevealedIdentity:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            reveals.read_identity(sessions, authorizer, subject, case_id=_uuid(case_id, "case")), "case"
        )
        return RevealedIdentity(
            case_id=strawberry.ID(str(found.case_id)),
            staff=found.staff_id,
            school_id=found.school_id,
            account=found.account,
            audit_seq=found.audit_seq,
        )

    @field("The reveal requests of a case (who asked, why, the decision).")
    async def identity_reveals(self, info: Info, case_id: strawberry.ID) -> list[IdentityReveal]:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            reveals.reveals_of_case(sessions, authorizer, subject, case_id=_uuid(case_id, "case")), "case"
        )
        return [IdentityReveal.of(v) for v in found]

    @field("The content-access requests of a case.")
    async def content_access_requests(self, info: Info, case_id: strawberry.ID) -> list[ContentAccessRequest]:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            content.accesses_of_case(sessions, authorizer, subject, case_id=_uuid(case_id, "case")), "case"
        )
        return [ContentAccessRequest.of(v) for v in found]

    @field("Detailed evidence of an open case's breaches (URLs, hosts, events). Audited.")
    async def case_evidence(self, info: Info, case_id: strawberry.ID) -> CaseEvidence:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            evidence.read_evidence(sessions, authorizer, subject, case_id=_uuid(case_id, "case")), "case"
        )
        return CaseEvidence(
            case_id=strawberry.ID(str(found.case_id)),
            staff=found.staff_id,
            breaches=[breach_evidence(b) for b in found.breaches],
            audit_seq=found.audit_seq,
        )

    @field("A school's recorded spot checks, newest first (DPO).")
    async def spot_checks(self, info: Info, school_id: str) -> list[SpotCheck]:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            spot_checks.spot_checks(sessions, authorizer, subject, school_id=school_id), "school"
        )
        return [spot_check(v) for v in found]

    @field("Subject access requests, soonest due first (DPO); the trust's without schoolId.")
    async def subject_access_requests(
        self, info: Info, school_id: str | None = None, overdue_only: bool = False
    ) -> list[SubjectAccessRequest]:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            sar.list_requests(sessions, authorizer, subject, school_id=school_id, overdue_only=overdue_only),
            "school",
        )
        return [SubjectAccessRequest.of(v) for v in found]

    @field("Audit entries after `afterSeq`, oldest first (DPO). Reading is audited.")
    async def audit_log(
        self,
        info: Info,
        school_id: str | None = None,
        case_id: strawberry.ID | None = None,
        staff: str | None = None,
        after_seq: int = 0,
        first: int = 100,
    ) -> list[AuditEntry]:
        sessions, authorizer, subject = _ctx(info)
        found = await _run(
            audit_read.entries(
                sessions,
                authorizer,
                subject,
                school_id=school_id,
                case_id=_uuid(case_id, "case") if case_id else None,
                staff_id=staff,
                after_seq=after_seq,
                limit=first,
            ),
            "school",
        )
        return [AuditEntry.of(e) for e in found]

    @field("Walks the audit chain: intact, or the first sequence number that fails.")
    async def audit_chain(self, info: Info) -> AuditChainStatus:
        sessions, authorizer, subject = _ctx(info)
        s = await _run(audit_read.check_chain(sessions, authorizer, subject), "audit log")
        return AuditChainStatus(
            intact=s.intact,
            first_broken=s.first_broken,
            head_seq=s.head_seq,
            head_hash=s.head_hash,
            checked_at=s.checked_at,
        )


@strawberry.type
class PrivacyMutation:
    @mutation("Ask to see who the case's pseudonym is (MON-NEED-TO-KNOW); reason required.")
    async def request_identity_reveal(
        self, info: Info, case_id: strawberry.ID, reason: str
    ) -> IdentityReveal:
        sessions, authorizer, subject = _ctx(info)
        made = await _run(
            reveals.request_reveal(
                sessions, authorizer, subject, case_id=_uuid(case_id, "case"), reason=reason
            ),
            "case",
        )
        return IdentityReveal.of(made)

    @mutation("The school's Headteacher approves or refuses a reveal (not its requester).")
    async def decide_identity_reveal(
        self, info: Info, reveal_id: strawberry.ID, approve: bool, note: str | None = None
    ) -> IdentityReveal:
        sessions, authorizer, subject = _ctx(info)
        made = await _run(
            reveals.decide_reveal(
                sessions,
                authorizer,
                subject,
                reveal_id=_uuid(reveal_id, "reveal"),
                approve=approve,
                note=note,
            ),
            "reveal",
        )
        return IdentityReveal.of(made)

    @mutation("Ask to examine content for one lawful purpose (MON-CONTENT-EXCEPTIONAL).")
    async def request_content_access(
        self,
        info: Info,
        case_id: strawberry.ID,
        purpose: LawfulPurpose,
        scope: str,
        reason: str,
        grantee: str | None = None,
    ) -> ContentAccessRequest:
        sessions, authorizer, subject = _ctx(info)
        made = await _run(
            content.request_access(
                sessions,
                authorizer,
                subject,
                case_id=_uuid(case_id, "case"),
                purpose=purpose.value,
                scope=scope,
                reason=reason,
                grantee=grantee,
            ),
            "case",
        )
        return ContentAccessRequest.of(made)

    @mutation("The Headteacher approves (until expiresAt, ≤ 30 days) or refuses.")
    async def decide_content_access(
        self,
        info: Info,
        access_id: strawberry.ID,
        approve: bool,
        expires_at: datetime | None = None,
        note: str | None = None,
    ) -> ContentAccessRequest:
        sessions, authorizer, subject = _ctx(info)
        made = await _run(
            content.decide_access(
                sessions,
                authorizer,
                subject,
                access_id=_uuid(access_id, "content access"),
                approve=approve,
                expires_at=expires_at,
                note=note,
            ),
            "content access",
        )
        return ContentAccessRequest.of(made)

    @mutation("Record one use of an approved access by its grantee (which item). Audited.")
    async def use_content_access(self, info: Info, access_id: strawberry.ID, item: str) -> ContentUse:
        sessions, authorizer, subject = _ctx(info)
        used = await _run(
            content.use_access(
                sessions, authorizer, subject, access_id=_uuid(access_id, "content access"), item=item
            ),
            "content access",
        )
        return ContentUse(
            access=ContentAccessRequest.of(used.access), item=used.item, audit_seq=used.audit_seq
        )

    @mutation("Record a random spot check (MON-SPOT-CHECK): scope, reason, sample.")
    async def record_spot_check(
        self, info: Info, school_id: str, scope: str, reason: str, sample: list[str]
    ) -> SpotCheck:
        sessions, authorizer, subject = _ctx(info)
        made = await _run(
            spot_checks.record_spot_check(
                sessions, authorizer, subject, school_id=school_id, scope=scope, reason=reason, sample=sample
            ),
            "school",
        )
        return spot_check(made)

    @mutation("Record a subject access request received on a day (by pseudonym or account).")
    async def record_subject_access_request(
        self,
        info: Info,
        school_id: str,
        received_on: date,
        staff: str | None = None,
        account: str | None = None,
    ) -> SubjectAccessRequest:
        sessions, authorizer, subject = _ctx(info)
        made = await _run(
            sar.record_request(
                sessions,
                authorizer,
                subject,
                school_id=school_id,
                received_on=received_on,
                staff_id=staff,
                account=account,
                pseudonym_key=info.context.pseudonym_key,
            ),
            "person",
        )
        return SubjectAccessRequest.of(made)

    @mutation("Everything held about the request's person, as one JSON document. Audited.")
    async def export_subject_access_request(self, info: Info, id: strawberry.ID) -> JSON:
        sessions, authorizer, subject = _ctx(info)
        document = await _run(
            sar.export(sessions, authorizer, subject, sar_id=_uuid(id, "subject access request")),
            "subject access request",
        )
        return cast(JSON, document)

    @mutation("Mark a request answered (after its export).")
    async def complete_subject_access_request(self, info: Info, id: strawberry.ID) -> SubjectAccessRequest:
        sessions, authorizer, subject = _ctx(info)
        done = await _run(
            sar.complete_request(sessions, authorizer, subject, sar_id=_uuid(id, "subject access request")),
            "subject access request",
        )
        return SubjectAccessRequest.of(done)
