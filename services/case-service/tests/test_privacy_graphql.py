"""The privacy GraphQL API over the real PostgreSQL and the stack's OPA: the resolvers authorize,
map refusals to NOT_FOUND / FORBIDDEN, and the audit entries keep OPA's decision ids."""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import strawberry

from case_service.auth.authorizer import Authorizer
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.domain.pseudonym import pseudonym
from case_service.graphql.context import GraphQLContext
from case_service.graphql.privacy import PrivacyMutation, PrivacyQuery
from case_service.privacy import audit
from case_service.privacy.testing import DatabaseUnavailableError, store_test_breach, throwaway_schema
from case_service.settings import DEV_DATABASE_URL
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

KEY = b"privacy-graphql-test-key"
OPA_URL = os.environ.get("OPA_URL", "http://127.0.0.1:18181")
HR = Subject("u-hr", frozenset({"hr"}), frozenset({"st-peters"}))
HEAD = Subject("u-head", frozenset({"headteacher"}), frozenset({"st-peters"}))
HR_ELMS = Subject("u-hr-elms", frozenset({"hr"}), frozenset({"elms-farm"}))
DPO = Subject("u-dpo", frozenset({"dpo"}), frozenset())
SCHEMA = strawberry.Schema(query=PrivacyQuery, mutation=PrivacyMutation)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    try:
        with throwaway_schema(os.environ.get("DATABASE_URL", DEV_DATABASE_URL)) as url:
            yield url
    except DatabaseUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionMaker]:
    engine = make_engine(database_url)
    made = make_sessionmaker(engine)
    yield made
    async with made() as session:
        assert await audit.verify(session) is None
    await engine.dispose()


@pytest.fixture
async def opa() -> AsyncIterator[Authorizer]:
    authorizer = Authorizer(OPA_URL)
    yield authorizer
    await authorizer.aclose()


@pytest.fixture
async def case(sessions: SessionMaker, make_breach: Callable[..., breaches_pb2.Breach]) -> tuple[str, str]:
    """(case id, account) of a fresh open HR case of st-peters."""
    account = f"gq{uuid.uuid4().hex[:6]}"
    case_id = await store_test_breach(sessions, make_breach(breach_id=f"{account}-1", account=account), KEY)
    return str(case_id), account


async def run(
    sessions: SessionMaker, opa: Authorizer, subject: Subject | None, query: str, **variables: Any
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    context = GraphQLContext(sessions, subject, opa, pseudonym_key=KEY)
    result = await SCHEMA.execute(query, variable_values=variables, context_value=context)
    errors = [{"message": e.message, **(e.extensions or {})} for e in result.errors or []]
    return result.data, errors


async def ok(sessions: SessionMaker, opa: Authorizer, subject: Subject, query: str, **variables: Any) -> Any:
    data, errors = await run(sessions, opa, subject, query, **variables)
    assert errors == []
    assert data is not None
    return data


REQUEST = (
    "mutation($c: ID!, $r: String!) {"
    " requestIdentityReveal(caseId: $c, reason: $r) { id status requestedBy } }"
)
DECIDE = (
    "mutation($id: ID!, $a: Boolean!) {"
    " decideIdentityReveal(revealId: $id, approve: $a) { status decidedBy } }"
)
READ = "query($c: ID!) { revealedIdentity(caseId: $c) { account staff auditSeq } }"
AUDIT = "query($c: ID) { auditLog(caseId: $c) { seq action actor decisionId staff details prevHash hash } }"


async def test_reveal_through_graphql_audited_with_decision_ids(
    sessions: SessionMaker, opa: Authorizer, case: tuple[str, str]
) -> None:
    case_id, account = case
    asked = (await ok(sessions, opa, HR, REQUEST, c=case_id, r="disciplinary hearing"))[
        "requestIdentityReveal"
    ]
    assert (asked["status"], asked["requestedBy"]) == ("requested", "u-hr")
    data, errors = await run(sessions, opa, HR, DECIDE, id=asked["id"], a=True)
    assert data is None
    assert errors[0]["code"] == "FORBIDDEN"
    assert any("Headteacher" in reason for reason in errors[0]["reasons"])
    decided = (await ok(sessions, opa, HEAD, DECIDE, id=asked["id"], a=True))["decideIdentityReveal"]
    assert decided == {"status": "approved", "decidedBy": "u-head"}
    shown = (await ok(sessions, opa, HR, READ, c=case_id))["revealedIdentity"]
    assert shown["account"] == account
    assert shown["staff"] == pseudonym(KEY, "st-peters", account)

    log = (await ok(sessions, opa, DPO, AUDIT, c=case_id))["auditLog"]
    assert [(e["action"], e["actor"]) for e in log] == [
        ("identity.reveal.request", "u-hr"),
        ("identity.reveal.approve.denied", "u-hr"),
        ("identity.reveal.approve", "u-head"),
        ("identity.read", "u-hr"),
    ]
    assert all(uuid.UUID(e["decisionId"]) for e in log)  # OPA's decision ids
    assert log[3]["seq"] == shown["auditSeq"]
    assert all(
        log[i]["prevHash"] == log[i - 1]["hash"]
        for i in range(1, len(log))
        if log[i]["seq"] == log[i - 1]["seq"] + 1
    )
    chain = (await ok(sessions, opa, DPO, "{ auditChain { intact firstBroken headSeq } }"))["auditChain"]
    assert chain["intact"] is True
    assert chain["firstBroken"] is None


async def test_hidden_and_unknown_cases_are_not_found(
    sessions: SessionMaker, opa: Authorizer, case: tuple[str, str]
) -> None:
    case_id, _ = case
    for subject, variables in (
        (HR_ELMS, {"c": case_id}),
        (HR, {"c": str(uuid.uuid4())}),
        (HR, {"c": "nope"}),
    ):
        data, errors = await run(sessions, opa, subject, READ, **variables)
        assert data is None
        assert [(e["code"], e["message"]) for e in errors] == [("NOT_FOUND", "case not found")]
    _, errors = await run(sessions, opa, HR, "{ auditChain { intact } }")
    assert errors[0]["code"] == "NOT_FOUND"  # HR does not even know the audit log
    _, errors = await run(sessions, opa, None, READ, c=case_id)
    assert errors[0]["code"] == "UNAUTHENTICATED"


async def test_evidence_and_content_access_through_graphql(
    sessions: SessionMaker, opa: Authorizer, case: tuple[str, str]
) -> None:
    case_id, _ = case
    shown = await ok(
        sessions,
        opa,
        HR,
        "query($c: ID!) { caseEvidence(caseId: $c) { breaches { evidence evidenceEventIds } } }",
        c=case_id,
    )
    assert shown["caseEvidence"]["breaches"] == [
        {"evidence": {"host": "social.example"}, "evidenceEventIds": ["e-1", "e-2"]}
    ]
    asked = await ok(
        sessions,
        opa,
        HR,
        "mutation($c: ID!) { requestContentAccess(caseId: $c, purpose: ESTABLISH_FACTS,"
        ' scope: "mail of 2 March", reason: "the allegation") { id purpose status live } }',
        c=case_id,
    )
    access = asked["requestContentAccess"]
    assert (access["purpose"], access["status"], access["live"]) == ("ESTABLISH_FACTS", "requested", False)
    decide = (
        "mutation($id: ID!, $until: DateTime) {"
        " decideContentAccess(accessId: $id, approve: true, expiresAt: $until) { status live expiresAt } }"
    )
    too_long = (datetime.now(UTC) + timedelta(days=45)).isoformat()
    _, errors = await run(sessions, opa, HEAD, decide, id=access["id"], until=too_long)
    assert errors[0]["code"] == "FORBIDDEN"
    assert "30 days" in errors[0]["reasons"][0]
    until = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    granted = (await ok(sessions, opa, HEAD, decide, id=access["id"], until=until))["decideContentAccess"]
    assert (granted["status"], granted["live"]) == ("approved", True)
    used = await ok(
        sessions,
        opa,
        HR,
        'mutation($id: ID!) { useContentAccess(accessId: $id, item: "<m1@school>")'
        " { item auditSeq access { id } } }",
        id=access["id"],
    )
    assert used["useContentAccess"]["item"] == "<m1@school>"
    log = (await ok(sessions, opa, DPO, AUDIT, c=case_id))["auditLog"]
    assert [e["action"] for e in log] == [
        "evidence.read",
        "content.access.request",
        "content.access.approve",
        "content.read",
    ]


async def test_subject_access_request_through_graphql(
    sessions: SessionMaker, opa: Authorizer, case: tuple[str, str]
) -> None:
    _, account = case
    received = (datetime.now(UTC).date() - timedelta(days=35)).isoformat()
    made = await ok(
        sessions,
        opa,
        DPO,
        'mutation($d: Date!, $a: String) { recordSubjectAccessRequest(schoolId: "st-peters", receivedOn: $d,'
        " account: $a) { id staff dueOn overdue } }",
        d=received,
        a=account.upper(),
    )
    request = made["recordSubjectAccessRequest"]
    assert request["staff"] == pseudonym(KEY, "st-peters", account)  # computed with the context's key
    assert request["overdue"] is True
    listed = await ok(sessions, opa, DPO, "{ subjectAccessRequests(overdueOnly: true) { id daysLeft } }")
    assert request["id"] in [r["id"] for r in listed["subjectAccessRequests"]]
    exported = await ok(
        sessions, opa, DPO, "mutation($id: ID!) { exportSubjectAccessRequest(id: $id) }", id=request["id"]
    )
    document = exported["exportSubjectAccessRequest"]
    assert document["person"]["account"] == account
    assert len(document["breaches"]) == 1
    assert len(document["cases"]) == 1
    done = await ok(
        sessions,
        opa,
        DPO,
        "mutation($id: ID!) { completeSubjectAccessRequest(id: $id) { status overdue } }",
        id=request["id"],
    )
    assert done["completeSubjectAccessRequest"] == {"status": "completed", "overdue": False}
    spot = await ok(
        sessions,
        opa,
        HEAD,
        'mutation { recordSpotCheck(schoolId: "st-peters", scope: "web log sample", reason: "termly",'
        ' sample: ["r-1", "r-2"]) { performedBy sample } }',
    )
    assert spot["recordSpotCheck"] == {"performedBy": "u-head", "sample": ["r-1", "r-2"]}
