"""The OPA client of the authz policy, against a stand-in OPA (httpx.MockTransport): what it sends,
how it reads answers, and that anything but a decision is an outage rather than a refusal."""

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from case_service.auth.authorizer import (
    DECISION_PATH,
    SCOPE_PATH,
    AuthorizationUnavailableError,
    Authorizer,
    Decision,
    ForbiddenError,
    NotVisibleError,
    Resource,
    effective_owner,
)
from case_service.auth.subject import Subject

HR = Subject(id="u-hr", roles=frozenset({"hr"}), schools=frozenset({"elms-farm"}))
CASE: Resource = {"school_id": "elms-farm", "owner": "hr", "status": "open"}
SCOPE = {
    "roles": ["hr"],
    "visible_schools": ["elms-farm"],
    "cases_by_school": {"elms-farm": ["hr"]},
    "handles_by_school": {"elms-farm": ["hr"]},
    "identity_schools": ["elms-farm"],
    "approval_schools": [],
    "audit_schools": [],
}

Handler = Callable[[httpx.Request], httpx.Response]


def opa(handler: Handler) -> Authorizer:
    return Authorizer("http://opa.test", transport=httpx.MockTransport(handler))


def answering(result: Any, **extra: Any) -> Handler:
    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"result": result, **extra} if result is not None else extra)

    return handler


async def test_sends_subject_action_and_resource_and_reads_the_decision() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        result = {"allow": True, "visible": True, "reasons": ["hr may case.read on hr cases of elms-farm"]}
        return httpx.Response(200, json={"result": result, "decision_id": "d-1"})

    authorizer = opa(handler)
    decision = await authorizer.decide(HR, "case.read", CASE)
    await authorizer.aclose()
    assert decision == Decision(True, True, ("hr may case.read on hr cases of elms-farm",), "d-1")
    assert seen[0].url.path == DECISION_PATH
    assert json.loads(seen[0].content) == {
        "input": {
            "subject": {"id": "u-hr", "roles": ["hr"], "schools": ["elms-farm"]},
            "action": "case.read",
            "resource": {"school_id": "elms-farm", "owner": "hr", "status": "open"},
        }
    }


async def test_require_tells_invisible_from_forbidden() -> None:
    invisible = opa(answering({"allow": False, "visible": False, "reasons": ["no role"]}))
    with pytest.raises(NotVisibleError, match="no role"):
        await invisible.require(HR, "case.read", CASE)
    forbidden = opa(answering({"allow": False, "visible": True, "reasons": ["closed"]}))
    with pytest.raises(ForbiddenError) as raised:
        await forbidden.require(HR, "evidence.read", CASE)
    assert raised.value.decision.reasons == ("closed",)
    assert not await forbidden.allow(HR, "evidence.read", CASE)
    allowed = opa(answering({"allow": True, "visible": True, "reasons": []}))
    assert (await allowed.require(HR, "case.read", CASE)).allow


async def test_scope_is_read_into_sets() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"result": SCOPE})

    scope = await opa(handler).scope(HR)
    assert seen[0].url.path == SCOPE_PATH
    assert json.loads(seen[0].content) == {"input": {"subject": HR.opa_input()}}
    assert scope.visible_schools == {"elms-farm"}
    assert scope.cases_by_school == {"elms-farm": {"hr"}}
    assert scope.sees("elms-farm", "hr")
    assert not scope.sees("st-peters", "hr")
    assert not scope.sees("elms-farm", "hr", track="safeguarding")  # the DSL's, whatever the owner


def test_effective_owner() -> None:
    assert effective_owner("hr", None) == "hr"
    assert effective_owner("it", "it") == "it"
    assert effective_owner("hr", "safeguarding") == "dsl"


def raising(_request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused")


@pytest.mark.parametrize(
    ("handler", "message"),
    [
        (raising, "OPA unreachable"),
        (lambda _r: httpx.Response(500, text="boom"), "OPA answered 500"),
        (lambda _r: httpx.Response(400, json={"code": "invalid_parameter"}), "OPA answered 400"),
        (lambda _r: httpx.Response(200, text="<html>"), "not JSON"),
        (lambda _r: httpx.Response(200, json=[1]), "malformed body"),
        (answering(None), "is policies-rego/authz loaded"),  # undefined: the policy is not there
        (answering({"visible": True}), "malformed decision"),
        (answering({"allow": "yes"}), "malformed decision"),
        (answering({"allow": False, "reasons": "no"}), "malformed decision"),
    ],
)
async def test_no_decision_is_an_outage_not_a_refusal(handler: Handler, message: str) -> None:
    with pytest.raises(AuthorizationUnavailableError, match=message):
        await opa(handler).decide(HR, "case.read", CASE)


@pytest.mark.parametrize(
    "result",
    [
        None,
        {**SCOPE, "cases_by_school": ["elms-farm"]},
        {**SCOPE, "roles": [1]},
        {**SCOPE, "audit_schools": None},
    ],
)
async def test_a_malformed_scope_is_an_outage(result: Any) -> None:
    with pytest.raises(AuthorizationUnavailableError):
        await opa(answering(result)).scope(HR)
