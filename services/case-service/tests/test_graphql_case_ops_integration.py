"""Triage routes, the access-withdrawal sanction and the API's safety rails over GraphQL, on the real
PostgreSQL and OPA: informal resolution, the IT ticket (IT ops' case), access withdrawal at St
Peter's, optimistic concurrency (a stale or concurrent version answers CONFLICT), notes, and a
guard's refusal writing nothing. The disciplinary, grievance and safeguarding walks are in
test_graphql_workflow_integration.py.
"""

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from case_service.db import workflow_models as wm
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

HR, HEAD = "hr-1", "head-1"


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


async def rows(api: Any, model: Any, case_id: str) -> list[Any]:
    async with api.sessions() as session:
        statement = sa.select(model).where(model.case_id == case_id)
        return list((await session.scalars(statement)).all())


async def case_query(api: Any, w: Any, fields: str, actor: str = HR) -> dict[str, Any]:
    token = api.token(actor, w.roles_of(actor), [w.school])
    body = await api.gql(token, f"query($id: ID!) {{ case(id: $id) {{ {fields} }} }}", {"id": w.case_id})
    assert "errors" not in body, body
    case: dict[str, Any] = body["data"]["case"]
    return case


def S(
    actor: str, mutation: str, given: dict[str, Any] | None, when: datetime
) -> tuple[str, str, dict[str, Any] | None, datetime]:
    return (actor, mutation, given, when)


async def test_triage_informal_resolution_and_it_ticket(api: Any, open_case: Any) -> None:
    informal = await open_case(breach_id="b-informal", account="x1", clause="MAIL-CHAIN")
    await informal.do(S(HR, "startInformalResolution", {"headteacher": HEAD}, at(2)))
    resolved = await informal.do(
        S(HEAD, "recordInformalOutcome", {"resolved": True, "notes": "apologised"}, at(3))
    )
    assert (resolved["case"]["stage"], resolved["case"]["status"]) == ("resolved_informally", "closed")

    ticket = await open_case(
        breach_id="b-it", account="x2", clause="PWD-NOT-REQUIRED", owner=breaches_pb2.OWNER_IT
    )
    ticket.roles_of = lambda actor: ["it_ops"]  # an IT case is trust IT ops' to work on
    raised = await ticket.do(S("it-1", "raiseItTicket", {"ticketReference": "INC-1042"}, at(2)))
    assert (raised["case"]["owner"], raised["case"]["stage"]) == ("it", "it_ticket")
    closed = await ticket.do(S("it-1", "closeItTicket", {"resolution": "flag cleared"}, at(3)))
    assert closed["case"]["status"] == "closed"


async def test_access_withdrawal_at_st_peters(api: Any, open_case: Any) -> None:
    w = await open_case(school="st-peters")
    await w.do(S(HR, "routeToDisciplinary", None, at(2)))
    withdrawn = await w.do(
        S(
            HR,
            "withdrawAccess",
            {
                "services": ["INTERNET"],
                "decidedBy": HEAD,
                "reason": "repeated social networking",
                "startsOn": "2026-03-03",
                "reviewOn": "2026-03-17",
            },
            at(2),
        )
    )
    assert [e["kind"] for e in withdrawn["events"]] == ["access_withdrawn"]
    case = await case_query(api, w, "tasks { key } allowedCommands { mutation }")
    assert "access.review" in {t["key"] for t in case["tasks"]}
    assert "restoreAccess" in {c["mutation"] for c in case["allowedCommands"]}
    await w.do(
        S(HR, "reviewAccessWithdrawal", {"note": "continue", "nextReviewOn": "2026-03-31"}, at(17)),
        S(HR, "restoreAccess", {"note": "conduct improved"}, at(31)),
    )
    letters = {letter.kind for letter in await rows(api, wm.Letter, w.case_id)}
    assert letters == {"access_withdrawal_notice"}


async def test_a_stale_expected_version_is_a_conflict_and_changes_nothing(api: Any, open_case: Any) -> None:
    w = await open_case()
    token = api.token(HR, ["hr"], ["elms-farm"])
    route = (
        "mutation($id: ID!, $v: Int) { routeToDisciplinary(caseId: $id, expectedVersion: $v) "
        "{ case { version } } }"
    )
    done = await api.gql(token, route, {"id": w.case_id, "v": 0})
    assert done["data"]["routeToDisciplinary"]["case"]["version"] == 1
    appoint = (
        "mutation($id: ID!, $v: Int) { appointInvestigator(caseId: $id, expectedVersion: $v, "
        'input: {investigator: "inv-1"}) { case { version } } }'
    )
    stale = await api.gql(token, appoint, {"id": w.case_id, "v": 0})
    assert stale["errors"][0]["extensions"] == {"code": "CONFLICT", "version": 1}
    assert len(await rows(api, wm.CaseHistory, w.case_id)) == 1


async def test_notes_are_kept_and_a_guard_refusal_writes_nothing(api: Any, open_case: Any) -> None:
    w = await open_case()
    token = api.token(HR, ["hr"], ["elms-farm"])
    noted = await api.gql(
        token,
        'mutation($id: ID!) { addNote(caseId: $id, body: "called the employee") { notes { author body } } }',
        {"id": w.case_id},
    )
    assert noted["data"]["addNote"]["notes"] == [{"author": HR, "body": "called the employee"}]
    refused = await w.refused(S(HR, "dismissFalsePositive", {"reason": "  "}, at(2)))
    assert refused == {
        "message": "Give the reason this is a false positive.",
        "code": "GUARD_REFUSED",
        "guard": "text_given",
        "command": "dismiss_false_positive",
    }
    assert await rows(api, wm.CaseHistory, w.case_id) == []
    case = await case_query(api, w, "version stage history { command }")
    assert case == {"version": 0, "stage": "new", "history": []}


async def test_two_concurrent_commands_one_wins_the_other_is_a_conflict(api: Any, open_case: Any) -> None:
    w = await open_case()
    await w.do(S(HR, "routeToDisciplinary", None, at(2)))
    token = api.token(HR, ["hr"], ["elms-farm"])
    appoint = (  # both read version 1: whichever writes second must not overwrite the first
        "mutation($id: ID!, $who: String!) { appointInvestigator(caseId: $id, expectedVersion: 1, "
        "input: {investigator: $who}) { case { version } } }"
    )
    first, second = await asyncio.gather(
        api.gql(token, appoint, {"id": w.case_id, "who": "inv-a"}),
        api.gql(token, appoint, {"id": w.case_id, "who": "inv-b"}),
    )
    outcomes = sorted([first, second], key=lambda body: "errors" in body)
    assert outcomes[0]["data"]["appointInvestigator"]["case"]["version"] == 2
    assert outcomes[1]["errors"][0]["extensions"]["code"] == "CONFLICT"
    history = await rows(api, wm.CaseHistory, w.case_id)
    assert sorted(h.version for h in history) == [1, 2]  # exactly one appointment written


async def test_evidence_needs_evidence_read(api: Any, open_case: Any) -> None:
    w = await open_case()
    await w.do(
        S(HR, "routeToDisciplinary", None, at(2)),
        S(HR, "appointInvestigator", {"investigator": "inv-1"}, at(2)),
        S("inv-1", "addEvidence", {"reference": "E1", "description": "proxy log: social.example"}, at(2)),
    )
    fields = "evidence { reference description addedBy } history { payload } timeline { kind details }"
    hr = await case_query(api, w, fields)
    assert hr["evidence"] == [
        {"reference": "E1", "description": "proxy log: social.example", "addedBy": "inv-1"}
    ]
    # the description is read through `evidence` only, never through the history or the timeline
    assert {"reference": "E1"} in [h["payload"] for h in hr["history"]]
    assert {"reference": "E1"} in [t["details"] for t in hr["timeline"] if t["kind"] == "evidence_added"]
    # the SLG sees the case but not its evidence; the rest of the case still answers
    slg = api.token("slg-1", ["slg"], ["elms-farm"])
    query = "query($id: ID!) { case(id: $id) { stage evidence { reference } } }"
    body = await api.gql(slg, query, {"id": w.case_id})
    assert body == {"data": {"case": {"stage": "investigation", "evidence": None}}}
    # nor does HR once the case is closed (evidence only inside an open case)
    await w.do(S("inv-1", "concludeInvestigation", {"caseToAnswer": False, "findings": "no breach"}, at(3)))
    closed = await api.gql(api.token(HR, ["hr"], ["elms-farm"]), query, {"id": w.case_id})
    assert closed == {"data": {"case": {"stage": "closed", "evidence": None}}}
