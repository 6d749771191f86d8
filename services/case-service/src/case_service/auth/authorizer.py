"""Authorization decided by OPA (policies-rego/authz): one pooled httpx client, no retries.

A request waits on the answer, so OPA being unreachable, answering an error or not having the
authz policy loaded raises `AuthorizationUnavailableError` (HTTP 503) at once: never a silent allow and
never a "forbidden" that is really an outage.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict

import httpx
from opentelemetry import trace

from case_service.auth.subject import Subject

tracer = trace.get_tracer(__name__)

DECISION_PATH = "/v1/data/invigilator/authz/decision"
SCOPE_PATH = "/v1/data/invigilator/authz/scope"

Action = Literal[
    "case.read",
    "case.create",
    "case.transition",
    "evidence.read",
    "identity.reveal.request",
    "identity.reveal.approve",
    "identity.read",
    "content.access.request",
    "content.access.approve",
    "content.read",
    "audit.read",
    "sar.export",
    "breach.feed",
    "spot_check.record",
]


class Reveal(TypedDict, total=False):
    status: Literal["requested", "approved", "refused"]
    requested_by: str  # the subject id of who asked


class ContentAccess(TypedDict, total=False):
    status: Literal["requested", "approved", "refused"]
    purpose: str  # one of the lawful purposes in policies-rego/authz/decision.rego
    requested_by: str
    grantee: str  # the subject id allowed to examine the content
    expires_at: str  # RFC 3339


class Resource(TypedDict, total=False):
    """What the action is on: a case (school, owner, track, status), with the reveal or content
    access in question; for audit.read / sar.export the school alone, or nothing for the trust."""

    school_id: str
    owner: Literal["hr", "it", "dsl"]
    track: str
    status: str
    clause: str
    case_id: str
    reveal: Reveal
    content_access: ContentAccess


def effective_owner(owner: str, track: str | None) -> str:
    """The owner that decides who sees a case (roles.rego `area`): the safeguarding track is the
    DSL's whatever owner the row still records. A list query filters on the same expression."""
    return "dsl" if track == "safeguarding" else owner


class AuthorizationUnavailableError(Exception):
    """OPA did not give a decision (HTTP 503)."""


class NotVisibleError(Exception):
    """The subject may not even know the resource exists: answer "not found"."""

    def __init__(self, decision: "Decision") -> None:
        super().__init__("; ".join(decision.reasons))
        self.decision = decision


class ForbiddenError(Exception):
    """The subject sees the resource but may not do this to it: answer "forbidden"."""

    def __init__(self, decision: "Decision") -> None:
        super().__init__("; ".join(decision.reasons))
        self.decision = decision


@dataclass(frozen=True)
class Decision:
    allow: bool
    visible: bool
    reasons: tuple[str, ...]
    decision_id: str | None = None  # OPA's, when decision logging is on: keep it in the audit log


@dataclass(frozen=True)
class Scope:
    """What the subject may list (policies-rego/authz/scope.rego)."""

    roles: frozenset[str]
    visible_schools: frozenset[str]
    cases_by_school: Mapping[str, frozenset[str]]  # school → owners whose cases it sees
    handles_by_school: Mapping[str, frozenset[str]]  # school → owners whose cases it works on
    identity_schools: frozenset[str]
    approval_schools: frozenset[str]
    audit_schools: frozenset[str]

    def sees(self, school_id: str, owner: str, track: str | None = None) -> bool:
        """Whether a case (or a breach of the live feed) is within the scope."""
        return effective_owner(owner, track) in self.cases_by_school.get(school_id, frozenset())


def _strings(value: Any, what: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise AuthorizationUnavailableError(f"OPA answered a malformed {what}: {value!r}")
    return frozenset(value)


def _by_school(value: Any, what: str) -> dict[str, frozenset[str]]:
    if not isinstance(value, dict):
        raise AuthorizationUnavailableError(f"OPA answered a malformed {what}: {value!r}")
    return {str(school): _strings(owners, what) for school, owners in value.items()}


def parse_decision(body: Mapping[str, Any]) -> Decision:
    result = body.get("result")
    if result is None:
        raise AuthorizationUnavailableError("OPA has no authz decision: is policies-rego/authz loaded?")
    if not isinstance(result, dict) or not isinstance(result.get("allow"), bool):
        raise AuthorizationUnavailableError(f"OPA answered a malformed decision: {result!r}")
    decision_id = body.get("decision_id")
    return Decision(
        allow=result["allow"],
        visible=result.get("visible") is True,
        reasons=tuple(sorted(_strings(result.get("reasons", []), "decision"))),
        decision_id=decision_id if isinstance(decision_id, str) else None,
    )


def parse_scope(body: Mapping[str, Any]) -> Scope:
    result = body.get("result")
    if not isinstance(result, dict):
        raise AuthorizationUnavailableError("OPA has no authz scope: is policies-rego/authz loaded?")
    return Scope(
        roles=_strings(result.get("roles"), "scope"),
        visible_schools=_strings(result.get("visible_schools"), "scope"),
        cases_by_school=_by_school(result.get("cases_by_school"), "scope"),
        handles_by_school=_by_school(result.get("handles_by_school"), "scope"),
        identity_schools=_strings(result.get("identity_schools"), "scope"),
        approval_schools=_strings(result.get("approval_schools"), "scope"),
        audit_schools=_strings(result.get("audit_schools"), "scope"),
    )


class Authorizer:
    def __init__(
        self, base_url: str, timeout_s: float = 2.0, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
            transport=transport,
        )

    async def decide(self, subject: Subject, action: Action, resource: Resource | None = None) -> Decision:
        opa_input = {"subject": subject.opa_input(), "action": action, "resource": dict(resource or {})}
        with tracer.start_as_current_span("opa.authz.decision", attributes={"authz.action": action}) as span:
            decision = parse_decision(await self._post(DECISION_PATH, opa_input))
            span.set_attribute("authz.allow", decision.allow)
        return decision

    async def allow(self, subject: Subject, action: Action, resource: Resource | None = None) -> bool:
        return (await self.decide(subject, action, resource)).allow

    async def require(self, subject: Subject, action: Action, resource: Resource | None = None) -> Decision:
        """The decision when allowed; otherwise NotVisibleError (answer "not found") or ForbiddenError."""
        decision = await self.decide(subject, action, resource)
        if decision.allow:
            return decision
        if not decision.visible:
            raise NotVisibleError(decision)
        raise ForbiddenError(decision)

    async def scope(self, subject: Subject) -> Scope:
        with tracer.start_as_current_span("opa.authz.scope"):
            return parse_scope(await self._post(SCOPE_PATH, {"subject": subject.opa_input()}))

    async def _post(self, path: str, opa_input: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await self._client.post(path, json={"input": opa_input})
        except httpx.HTTPError as error:
            raise AuthorizationUnavailableError(f"OPA unreachable: {error!r}") from error
        if response.status_code != 200:
            raise AuthorizationUnavailableError(f"OPA answered {response.status_code}: {response.text[:200]}")
        try:
            body = response.json()
        except ValueError as error:
            raise AuthorizationUnavailableError("OPA answered something that is not JSON") from error
        if not isinstance(body, dict):
            raise AuthorizationUnavailableError(f"OPA answered a malformed body: {body!r}")
        return body

    async def aclose(self) -> None:
        await self._client.aclose()
