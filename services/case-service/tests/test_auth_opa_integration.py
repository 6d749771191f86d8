"""The Authorizer against the real OPA of the local stack (OPA_URL, default http://127.0.0.1:18181)
serving the bundle built from policies-rego/ — `scripts/stack/opa.sh start` rebuilds it when the
policies changed. An unreachable OPA, or one without the authz policy, fails with how to fix it."""

import os
from collections.abc import AsyncIterator
from typing import Literal

import httpx
import pytest

from case_service.auth.authorizer import Authorizer, NotVisibleError, Resource, Reveal
from case_service.auth.subject import Role, Subject

pytestmark = pytest.mark.integration

OPA_URL = os.environ.get("OPA_URL", "http://127.0.0.1:18181")


def who(role: Role, *schools: str) -> Subject:
    return Subject(id=f"u-{role}", roles=frozenset({role}), schools=frozenset(schools))


def case(
    school: str, owner: Literal["hr", "it", "dsl"], status: str = "open", reveal: Reveal | None = None
) -> Resource:
    resource = Resource(case_id="c-1", school_id=school, owner=owner, status=status)
    if reveal is not None:
        resource["reveal"] = reveal
    return resource


@pytest.fixture
async def authorizer() -> AsyncIterator[Authorizer]:
    async with httpx.AsyncClient(base_url=OPA_URL, timeout=5) as http:
        try:
            probe = await http.get("/v1/data/invigilator/authz/actions")
        except httpx.HTTPError as error:
            pytest.fail(
                f"OPA unreachable at {OPA_URL}: `scripts/stack/opa.sh start` ({error!r})", pytrace=False
            )
    if "result" not in probe.json():
        pytest.fail(
            f"OPA at {OPA_URL} has no authz policy: `scripts/stack/opa.sh start` rebuilds it", pytrace=False
        )
    client = Authorizer(OPA_URL, timeout_s=5)
    yield client
    await client.aclose()


async def test_hr_works_own_schools_cases_and_cannot_see_another_school(authorizer: Authorizer) -> None:
    hr = who("hr", "elms-farm")
    assert await authorizer.allow(hr, "case.transition", case("elms-farm", "hr"))
    other = await authorizer.decide(hr, "case.read", case("st-peters", "hr"))
    assert (other.allow, other.visible) == (False, False)
    with pytest.raises(NotVisibleError):
        await authorizer.require(hr, "evidence.read", case("st-peters", "hr"))
    scope = await authorizer.scope(hr)
    assert scope.cases_by_school == {"elms-farm": {"hr"}}
    assert not scope.sees("st-peters", "hr")


async def test_it_ops_see_every_schools_tickets_but_never_identities(authorizer: Authorizer) -> None:
    it_ops = who("it_ops")
    scope = await authorizer.scope(it_ops)
    assert {"elms-farm", "st-peters"} <= scope.visible_schools
    assert all(owners == {"it"} for owners in scope.cases_by_school.values())
    assert scope.identity_schools == frozenset()
    refused = await authorizer.decide(it_ops, "identity.reveal.request", case("st-peters", "it"))
    assert not refused.allow
    assert refused.visible
    assert any("MON-NEED-TO-KNOW" in reason for reason in refused.reasons)


async def test_reveal_needs_a_headteacher_of_that_school_and_four_eyes(authorizer: Authorizer) -> None:
    requested = case("elms-farm", "hr", reveal={"status": "requested", "requested_by": "u-hr"})
    assert await authorizer.allow(who("headteacher", "elms-farm"), "identity.reveal.approve", requested)
    assert not await authorizer.allow(who("headteacher", "st-peters"), "identity.reveal.approve", requested)
    assert not await authorizer.allow(who("hr", "elms-farm"), "identity.reveal.approve", requested)
    own = case("elms-farm", "hr", reveal={"status": "requested", "requested_by": "u-headteacher"})
    assert not await authorizer.allow(who("headteacher", "elms-farm"), "identity.reveal.approve", own)


async def test_detailed_evidence_only_inside_an_open_case(authorizer: Authorizer) -> None:
    closed = case("elms-farm", "hr", status="closed")
    decision = await authorizer.decide(who("hr", "elms-farm"), "evidence.read", closed)
    assert (decision.allow, decision.visible) == (False, True)
    assert decision.reasons == ("MON-INTERNET-ON-SUSPICION: evidence.read only inside an open case",)


async def test_dpo_audits_the_trust_but_browses_no_case(authorizer: Authorizer) -> None:
    dpo = who("dpo")
    assert await authorizer.allow(dpo, "audit.read")
    assert await authorizer.allow(dpo, "sar.export", {"school_id": "st-peters"})
    assert not (await authorizer.decide(dpo, "case.read", case("elms-farm", "hr"))).visible
    assert (await authorizer.scope(dpo)).visible_schools == frozenset()
