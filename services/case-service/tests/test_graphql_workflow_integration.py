"""The disciplinary, grievance and safeguarding workflows walked through their happy paths over
GraphQL, on the real PostgreSQL and OPA (triage routes, access withdrawal and the API's safety
rails: test_graphql_case_ops_integration.py).

A case is opened by ingesting a breach, then moved on by mutations sent with the tokens of the
people who take each step; the clock is the app's settable one (March 2026: Mondays 2, 9, 16, 23).
What a step leaves behind is checked in the database: the case's version, the history rows with
OPA's decision ids, tasks, decisions, letters, evidence links and the audit log.
"""

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from case_service.db import workflow_models as wm
from case_service.db.privacy_models import AuditLog
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

HR, INV, CHAIR, APPEAL, HEAD, DSL = "hr-1", "inv-1", "chair-1", "appeal-1", "head-1", "dsl-1"
STAFF, ACCUSED, HANDLER = "staff-a", "staff-b", "deputy-1"


def at(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def iso(moment: datetime) -> str:
    return moment.isoformat()


def safeguarding_roles(actor: str) -> list[str]:
    """A safeguarding case is the DSL's: the DSL and the Headteacher (and those they name) act."""
    return ["dsl"] if actor == DSL else ["headteacher"]


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


INVITATION = {
    "allegations": ["Accessed pornographic material on a school device"],
    "possibleConsequences": ["FIRST_WRITTEN_WARNING", "FINAL_WRITTEN_WARNING", "SUMMARY_DISMISSAL"],
    "evidencePack": ["E1"],
    "venue": "Meeting room 2",
    "rightToBeAccompanied": True,
}


async def test_disciplinary_from_triage_to_a_closed_appeal(api: Any, open_case: Any) -> None:
    w = await open_case(clause="NET-ADULT")
    await w.do(
        S(HR, "routeToDisciplinary", None, at(2, 9)),
        S(HR, "appointInvestigator", {"investigator": INV}, at(2, 9)),
        S(INV, "addEvidence", {"reference": "E1", "description": "proxy log extract"}, at(2, 9)),
    )
    suspended = await w.do(
        S(
            HR,
            "suspend",
            {
                "reason": "risk to evidence",
                "reviewOn": "2026-03-06",
                "onFullPay": True,
                "statedNotDisciplinary": True,
            },
            at(2, 10),
        )
    )
    assert suspended["case"]["stage"] == "investigation"
    await w.do(
        S(HR, "reviewSuspension", {"note": "still needed", "nextReviewOn": "2026-03-12"}, at(3, 9)),
        S(
            INV,
            "concludeInvestigation",
            {"caseToAnswer": True, "findings": "visited adult sites", "grossMisconductAlleged": True},
            at(3),
        ),
        S(HR, "sendInvitation", {**INVITATION, "hearingAt": iso(at(10))}, at(3)),
        S(HR, "postponeHearing", {"newHearingAt": iso(at(17)), "reason": "COMPANION_UNAVAILABLE"}, at(5)),
        S(
            HR,
            "holdHearing",
            {"chair": CHAIR, "notes": "employee answered", "companion": "union rep"},
            at(17, 14),
        ),
    )
    decided = await w.do(
        S(
            HR,
            "recordDecision",
            {
                "decidedBy": CHAIR,
                "outcome": "FINAL_WRITTEN_WARNING",
                "rationale": "the evidence and the answers",
            },
            at(17, 16),
        )
    )
    assert [e["kind"] for e in decided["events"]] == [
        "decision_recorded",
        "warning_issued",
        "suspension_ended",
    ]
    assert decided["case"]["stage"] == "decided"
    case = await case_query(api, w, "allowedCommands { mutation } tasks { key due overdue } overdue { key }")
    assert {c["mutation"] for c in case["allowedCommands"]} >= {"lodgeAppeal", "closeDisciplinary"}
    assert [t["key"] for t in case["tasks"]] == ["disciplinary.appeal_window"]
    assert case["overdue"] == []
    await w.do(S(HR, "lodgeAppeal", {"grounds": "too severe"}, at(20)))
    closed = await w.do(
        S(HR, "decideAppeal", {"heardBy": APPEAL, "outcome": "UPHELD", "rationale": "fair"}, at(27))
    )
    assert closed["case"]["status"] == "closed"
    assert closed["case"]["stage"] == "closed"
    version = closed["case"]["version"]

    # What the walk left behind: one history row per command, each with OPA's decision id ...
    history = sorted(await rows(api, wm.CaseHistory, w.case_id), key=lambda h: h.version)
    assert [h.command for h in history] == [
        "route_to_disciplinary",
        "appoint_investigator",
        "add_evidence",
        "suspend",
        "review_suspension",
        "conclude_investigation",
        "send_invitation",
        "postpone_hearing",
        "hold_hearing",
        "record_decision",
        "lodge_appeal",
        "decide_appeal",
    ]
    assert history[-1].version == version
    assert all(h.decision_id for h in history)
    assert history[1].actor == HR
    assert history[1].payload == {"investigator": INV}
    assert history[2].actor == INV  # the token's subject, never the request
    events = await rows(api, wm.CaseEventRow, w.case_id)
    assert sorted(e.seq for e in events) == list(range(1, version + 1))
    # ... the decisions with the person who made each, the letters, the evidence and the tasks
    decisions = {d.kind: d for d in await rows(api, wm.CaseDecision, w.case_id)}
    assert decisions["decision_recorded"].decided_by == CHAIR
    assert decisions["decision_recorded"].outcome == "final_written_warning"
    assert decisions["appeal_decided"].decided_by == APPEAL
    letters = sorted(letter.kind for letter in await rows(api, wm.Letter, w.case_id))
    assert letters == [
        "disciplinary_appeal_outcome",
        "disciplinary_hearing_invitation",
        "disciplinary_hearing_rearranged",
        "disciplinary_outcome",
        "suspension_confirmation",
    ]
    [evidence] = await rows(api, wm.EvidenceLink, w.case_id)
    assert (evidence.reference, evidence.added_by) == ("E1", INV)
    tasks = await rows(api, wm.CaseTask, w.case_id)
    assert tasks
    assert all(t.closed_at is not None for t in tasks)
    # ... and an audit entry per command, with the same decision ids
    async with api.sessions() as session:
        audited = (
            await session.scalars(
                sa.select(AuditLog).where(AuditLog.case_id == w.case_id).order_by(AuditLog.seq)
            )
        ).all()
    # (case ids derive from the opening breach, so earlier tests' entries may share this case id:
    # the audit log is append-only and outlives them; OPA's decision ids are unique)
    by_decision = {a.decision_id: a for a in audited}
    assert [by_decision[h.decision_id].action for h in history] == [
        f"case.transition.{h.command}" for h in history
    ]
    assert [by_decision[h.decision_id].actor for h in history] == [h.actor for h in history]


async def test_dismissal_with_notice_relies_on_a_live_final_warning_from_another_case(
    api: Any, open_case: Any
) -> None:
    async def to_hearing(w: Any, consequences: list[str], gross: bool) -> None:
        await w.do(
            S(HR, "routeToDisciplinary", None, at(2, 9)),
            S(HR, "appointInvestigator", {"investigator": INV}, at(2, 9)),
            S(INV, "addEvidence", {"reference": "E1", "description": "log"}, at(2, 9)),
            S(
                INV,
                "concludeInvestigation",
                {"caseToAnswer": True, "findings": "f", "grossMisconductAlleged": gross},
                at(2, 9),
            ),
            S(
                HR,
                "sendInvitation",
                {**INVITATION, "possibleConsequences": consequences, "hearingAt": iso(at(9))},
                at(2, 11),
            ),
            S(HR, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(9, 14)),
        )

    dismissal = {"decidedBy": CHAIR, "outcome": "DISMISSAL_WITH_NOTICE", "rationale": "second offence"}
    second = await open_case(breach_id="b-second", clause="NET-GAMBLING")
    await to_hearing(second, ["FINAL_WRITTEN_WARNING", "DISMISSAL_WITH_NOTICE"], gross=False)
    refused = await second.refused(S(HR, "recordDecision", dismissal, at(9, 16)))
    assert refused["guard"] == "dismissal_needs_final_warning_or_gross_misconduct"

    # The same person's earlier case ends in a final written warning ...
    first = await open_case(breach_id="b-first", clause="NET-SOCIAL")
    await to_hearing(first, ["FINAL_WRITTEN_WARNING"], gross=False)
    final = {"decidedBy": CHAIR, "outcome": "FINAL_WRITTEN_WARNING", "rationale": "first offence"}
    await first.do(S(HR, "recordDecision", final, at(9, 15)))
    # ... which is live, so the dismissal with notice is now possible
    dismissed = await second.do(S(HR, "recordDecision", dismissal, at(9, 16)))
    assert dismissed["case"]["stage"] == "decided"
    async with api.sessions() as session:
        decision = (
            await session.scalars(
                sa.select(wm.CaseDecision).where(
                    wm.CaseDecision.case_id == second.case_id, wm.CaseDecision.kind == "decision_recorded"
                )
            )
        ).one()
    assert decision.details["relied_on_final_warning"] == first.case_id


async def test_grievance_from_raised_to_closed_after_the_appeal(api: Any, open_case: Any) -> None:
    w = await open_case(clause="MAIL-OFFENSIVE-SUBJECT", gross_misconduct=False)
    await w.do(
        S(HR, "routeToGrievance", None, at(2)),
        S(
            HR,
            "raiseGrievance",
            {
                "raisedBy": STAFF,
                "complainedAbout": [ACCUSED],
                "summary": "offensive e-mails",
                "inWriting": True,
            },
            at(2),
        ),
        S(HR, "acknowledgeGrievance", {"handler": HANDLER, "meetingAt": iso(at(9))}, at(3)),
        S(HR, "holdGrievanceMeeting", {"chairedBy": HANDLER, "notes": "heard both"}, at(9, 14)),
        S(
            HR,
            "recordGrievanceOutcome",
            {"decidedBy": HANDLER, "outcome": "PARTLY_UPHELD", "rationale": "some mails"},
            at(10),
        ),
        S(HR, "lodgeGrievanceAppeal", {"grounds": "not all mails considered"}, at(12)),
    )
    closed = await w.do(
        S(
            HR,
            "decideGrievanceAppeal",
            {"heardBy": APPEAL, "rationale": "all considered", "newOutcome": "UPHELD"},
            at(19),
        )
    )
    assert (closed["case"]["track"], closed["case"]["stage"], closed["case"]["status"]) == (
        "grievance",
        "closed",
        "closed",
    )
    kinds = {d.kind: d for d in await rows(api, wm.CaseDecision, w.case_id)}
    assert kinds["grievance_outcome_recorded"].decided_by == HANDLER
    assert kinds["grievance_appeal_decided"].decided_by == APPEAL
    letters = {letter.kind for letter in await rows(api, wm.Letter, w.case_id)}
    assert letters == {"grievance_acknowledgement", "grievance_outcome", "grievance_appeal_outcome"}


async def test_safeguarding_dsl_lado_police_dismissal_dbs_closed(api: Any, open_case: Any) -> None:
    w = await open_case(
        roles_of=safeguarding_roles,
        clause="NET-CHILD-HARM",
        owner=breaches_pb2.OWNER_DSL,
        severity=breaches_pb2.SEVERITY_CRITICAL,
    )
    referred = await w.do(S(DSL, "routeToSafeguarding", {"dsl": DSL}, at(2)))
    assert (referred["case"]["track"], referred["case"]["owner"]) == ("safeguarding", "dsl")
    await w.do(
        S(DSL, "recordLadoConsultation", {"lado": "LADO duty officer", "advice": "internal process"}, at(2)),
        S(DSL, "recordPoliceReferral", {"referred": True, "policeReference": "CAD-1234"}, at(2)),
        S(HEAD, "routeToDisciplinary", None, at(2)),
        S(HEAD, "appointInvestigator", {"investigator": INV}, at(2)),
        S(INV, "addEvidence", {"reference": "E1", "description": "filter log"}, at(2)),
        S(
            INV,
            "concludeInvestigation",
            {"caseToAnswer": True, "findings": "f", "grossMisconductAlleged": True},
            at(2),
        ),
        S(
            HEAD,
            "sendInvitation",
            {**INVITATION, "possibleConsequences": ["SUMMARY_DISMISSAL"], "hearingAt": iso(at(9))},
            at(2),
        ),
        S(HEAD, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(9)),
    )
    decided = await w.do(
        S(
            HEAD,
            "recordDecision",
            {
                "decidedBy": CHAIR,
                "outcome": "SUMMARY_DISMISSAL",
                "rationale": "r",
                "grossMisconductFound": True,
            },
            at(9, 15),
        )
    )
    assert "dbs_decision_required" in [e["kind"] for e in decided["events"]]
    assert decided["case"]["track"] == "safeguarding"  # still the DSL's
    case = await case_query(api, w, "tasks { key }", actor=DSL)
    assert {t["key"] for t in case["tasks"]} == {"disciplinary.appeal_window", "safeguarding.dbs_decision"}
    closed = await w.do(
        S(HEAD, "closeDisciplinary", None, at(17)),
        S(DSL, "recordDbsDecision", {"referred": True, "reason": "dismissed for harm to children"}, at(17)),
        S(DSL, "closeSafeguarding", {"summary": "dismissed; DBS and police referred"}, at(18)),
    )
    assert closed["case"]["status"] == "closed"
    # an HR case worker of the school never saw any of it
    hr = api.token(HR, ["hr"], ["elms-farm"])
    assert (await api.gql(hr, "query($id: ID!) { case(id: $id) { id } }", {"id": w.case_id}))["data"][
        "case"
    ] is None
