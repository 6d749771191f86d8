"""GraphQL authentication and scopes, on the real PostgreSQL and OPA (policies-rego/authz).

Each role sees only its scope: another school's case is absent from `cases`, `case(id)` is null and
a mutation on it answers NOT_FOUND, exactly as for a case that does not exist.
"""

import uuid
from typing import Any

import pytest

from case_service.graphql.schema import build_schema
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

CASES = "query($where: CaseFilter) { cases(where: $where) { nodes { id schoolId clause owner track } } }"
CASE = "query($id: ID!) { case(id: $id) { id schoolId allowedCommands { name mutation } } }"
DISMISS = """mutation($id: ID!) {
  dismissFalsePositive(caseId: $id, input: {reason: "filter miscategorised"}) {
  case { status stage } } }"""


def ids(body: dict[str, Any]) -> set[str]:
    return {node["id"] for node in body["data"]["cases"]["nodes"]}


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def seed_two_schools(api: Any, make_breach: Any) -> dict[str, str]:
    return {
        "elms-hr": await api.seed(make_breach, breach_id="b-1", school_id="elms-farm", account="a1"),
        "peters-hr": await api.seed(make_breach, breach_id="b-2", school_id="st-peters", account="p1"),
        "elms-it": await api.seed(
            make_breach,
            breach_id="b-3",
            school_id="elms-farm",
            account="a2",
            clause="NET-MALICIOUS",
            owner=breaches_pb2.OWNER_IT,
            severity=breaches_pb2.SEVERITY_MEDIUM,
            gross_misconduct=False,
        ),
        "elms-dsl": await api.seed(
            make_breach,
            breach_id="b-4",
            school_id="elms-farm",
            account="a3",
            clause="NET-CHILD-HARM",
            owner=breaches_pb2.OWNER_DSL,
            severity=breaches_pb2.SEVERITY_CRITICAL,
        ),
    }


async def test_no_token_or_a_bad_token_is_401(api: Any) -> None:
    response = await api.post(None, "{ cases { nodes { id } } }")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="invigilator"'
    response = await api.post("not-a-jwt", "{ cases { nodes { id } } }")
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    expired = api.issuer.mint("u-1", ["hr"], ["elms-farm"], ttl_s=-3600)
    assert (await api.post(expired, "{ cases { nodes { id } } }")).status_code == 401


async def test_graphiql_page_loads_without_a_token(api: Any) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    # but a query over GET still needs one
    assert (await api.client.get("/graphql", params={"query": "{ __typename }"})).status_code == 401


@pytest.mark.parametrize(
    ("roles", "schools", "visible"),
    [
        (["hr"], ["elms-farm"], {"elms-hr"}),
        (["hr"], ["st-peters"], {"peters-hr"}),
        (["hr"], ["elms-farm", "st-peters"], {"elms-hr", "peters-hr"}),
        (["slg"], ["elms-farm"], {"elms-hr"}),
        (["headteacher"], ["elms-farm"], {"elms-hr", "elms-it", "elms-dsl"}),
        (["dsl"], ["elms-farm"], {"elms-dsl"}),
        (["it_ops"], [], {"elms-it"}),
        (["dpo"], [], set()),
        ([], ["elms-farm"], set()),
    ],
)
async def test_each_role_lists_only_its_scope(
    api: Any, make_breach: Any, roles: list[str], schools: list[str], visible: set[str]
) -> None:
    cases = await seed_two_schools(api, make_breach)
    token = api.token("u-1", roles, schools)
    body = await api.gql(token, CASES)
    assert "errors" not in body, body
    assert ids(body) == {cases[name] for name in visible}
    for name, case_id in cases.items():
        one = await api.gql(token, CASE, {"id": case_id})
        if name in visible:
            assert one["data"]["case"]["id"] == case_id
        else:
            assert one["data"]["case"] is None  # invisible: null, as for a case that does not exist


async def test_another_schools_case_is_not_found_not_forbidden(api: Any, make_breach: Any) -> None:
    cases = await seed_two_schools(api, make_breach)
    hr_elms = api.token("u-hr", ["hr"], ["elms-farm"])
    refused = await api.gql(hr_elms, DISMISS, {"id": cases["peters-hr"]})
    assert code(refused) == "NOT_FOUND"
    missing = await api.gql(hr_elms, DISMISS, {"id": str(uuid.uuid4())})
    assert code(missing) == "NOT_FOUND"
    assert refused["errors"][0]["message"] == missing["errors"][0]["message"]
    # the SLG sees the case of its school but may not move it on: forbidden, with the policy's reasons
    slg = api.token("u-slg", ["slg"], ["elms-farm"])
    forbidden = await api.gql(slg, DISMISS, {"id": cases["elms-hr"]})
    assert code(forbidden) == "FORBIDDEN"
    assert forbidden["errors"][0]["extensions"]["reasons"]
    # and the HR case worker of the school may
    done = await api.gql(hr_elms, DISMISS, {"id": cases["elms-hr"]})
    assert done["data"]["dismissFalsePositive"]["case"] == {"status": "closed", "stage": "dismissed"}


async def test_filters_and_keyset_pagination(api: Any, make_breach: Any) -> None:
    created = []
    for n in range(7):
        api.clock.now = api.clock.now.replace(minute=n)
        created.append(
            await api.seed(make_breach, breach_id=f"b-{n}", school_id="elms-farm", account=f"u{n}")
        )
    await api.seed(
        make_breach,
        breach_id="b-gamble",
        school_id="elms-farm",
        account="g1",
        clause="NET-GAMBLING",
        severity=breaches_pb2.SEVERITY_CRITICAL,
    )
    token = api.token("u-hr", ["hr"], ["elms-farm"])
    page = """query($after: String) { cases(first: 3, after: $after, where: {clause: "NET-SOCIAL"}) {
      edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"""
    seen: list[str] = []
    after = None
    while True:
        body = await api.gql(token, page, {"after": after})
        connection = body["data"]["cases"]
        seen += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert seen == list(reversed(created))  # newest first, each once
    critical = await api.gql(token, CASES, {"where": {"severity": ["CRITICAL"]}})
    assert [n["clause"] for n in critical["data"]["cases"]["nodes"]] == ["NET-GAMBLING"]
    assert ids(await api.gql(token, CASES, {"where": {"status": "CLOSED"}})) == set()
    assert len(ids(await api.gql(token, CASES, {"where": {"stage": "new", "track": "triage"}}))) == 8
    api.clock.now = api.clock.now.replace(day=20)  # triage is due within two working days
    assert len(ids(await api.gql(token, CASES, {"where": {"overdue": True}}))) == 8
    assert len(ids(await api.gql(token, CASES, {"where": {"minAgeDays": 30}}))) == 0
    bad = await api.gql(token, '{ cases(after: "nope") { nodes { id } } }')
    assert code(bad) == "BAD_CURSOR"


async def test_depth_and_alias_limits_refuse_abusive_queries(api: Any) -> None:
    token = api.token("u-hr", ["hr"], ["elms-farm"])
    aliases = " ".join(f"a{n}: cases {{ nodes {{ id }} }}" for n in range(20))
    body = await api.gql(token, f"{{ {aliases} }}")
    assert "aliases" in body["errors"][0]["message"].lower()
    tokens = "{ cases { nodes { " + "id " * 2100 + "} } }"
    assert "token" in (await api.gql(token, tokens))["errors"][0]["message"].lower()


async def test_depth_limit_refuses_before_any_resolver_runs() -> None:
    shallow = build_schema(max_depth=3)
    result = await shallow.execute("{ cases { edges { node { school { id } } } } }")
    assert result.errors
    assert "exceeds maximum operation depth of 3" in result.errors[0].message
