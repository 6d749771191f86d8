"""Every workflow guard tried over GraphQL on PostgreSQL and OPA: each must refuse.

One table of scenarios: the steps that bring a case to where the guard matters (all of which must
succeed), then the step the guard refuses — answered with extensions.code GUARD_REFUSED, the
guard's name and its reason as the message, and nothing written. A last test checks the table
against the workflow's source, so a new guard without a scenario here fails.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from case_service import workflow
from case_service.db import workflow_models as wm
from invigilator.breaches.v1 import breaches_pb2

HR, INV, CHAIR, APPEAL, HEAD, DSL = "hr-1", "inv-1", "chair-1", "appeal-1", "head-1", "dsl-1"
STAFF, ACCUSED, HANDLER = "staff-a", "staff-b", "deputy-1"
Step = tuple[str, str, dict[str, Any] | None, datetime]


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def S(actor: str, mutation: str, given: dict[str, Any] | None, when: datetime) -> Step:
    return (actor, mutation, given, when)


# Disciplinary (elms-farm, NET-ADULT) ---------------------------------------------------------

ROUTED = [S(HR, "routeToDisciplinary", None, at(2, 9))]
APPOINTED = [*ROUTED, S(HR, "appointInvestigator", {"investigator": INV}, at(2, 9))]
INVESTIGATING = [*APPOINTED, S(INV, "addEvidence", {"reference": "E1", "description": "log"}, at(2, 9))]
CONCLUDE = {"caseToAnswer": True, "findings": "visited adult sites", "grossMisconductAlleged": True}
CASE_TO_ANSWER = [*INVESTIGATING, S(INV, "concludeInvestigation", CONCLUDE, at(2, 9))]
NO_GM = [
    *INVESTIGATING,
    S(INV, "concludeInvestigation", {**CONCLUDE, "grossMisconductAlleged": False}, at(2, 9)),
]
INVITATION = {
    "allegations": ["Accessed pornographic material on a school device"],
    "possibleConsequences": ["FIRST_WRITTEN_WARNING", "FINAL_WRITTEN_WARNING", "SUMMARY_DISMISSAL"],
    "evidencePack": ["E1"],
    "hearingAt": at(9).isoformat(),
    "venue": "Meeting room 2",
    "rightToBeAccompanied": True,
}
FIRST_ONLY = {**INVITATION, "possibleConsequences": ["FIRST_WRITTEN_WARNING"]}
INVITED = [*CASE_TO_ANSWER, S(HR, "sendInvitation", INVITATION, at(2, 11))]
HEARD = [*INVITED, S(HR, "holdHearing", {"chair": CHAIR, "notes": "employee answered"}, at(9, 14))]
DECISION = {"decidedBy": CHAIR, "outcome": "FINAL_WRITTEN_WARNING", "rationale": "the evidence"}
DECIDED = [*HEARD, S(HR, "recordDecision", DECISION, at(9, 16))]
LODGED = [*DECIDED, S(HR, "lodgeAppeal", {"grounds": "too severe"}, at(16))]
HEARD_FIRST_ONLY = [
    *NO_GM,
    S(HR, "sendInvitation", FIRST_ONLY, at(2, 11)),
    S(HR, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(9, 14)),
]
HEARD_DISMISSAL_WITH_NOTICE = [
    *NO_GM,
    S(
        HR,
        "sendInvitation",
        {**INVITATION, "possibleConsequences": ["FINAL_WRITTEN_WARNING", "DISMISSAL_WITH_NOTICE"]},
        at(2, 11),
    ),
    S(HR, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(9, 14)),
]
SUSPEND = {
    "reason": "risk to evidence",
    "reviewOn": "2026-03-06",
    "onFullPay": True,
    "statedNotDisciplinary": True,
}
RAISE = {"raisedBy": STAFF, "complainedAbout": [ACCUSED], "summary": "offensive e-mails", "inWriting": True}
PAUSED = [*APPOINTED, S(HR, "raiseGrievance", {**RAISE, "concurrentHandling": "PAUSE_DISCIPLINARY"}, at(3))]

# Grievance (elms-farm, MAIL-OFFENSIVE-SUBJECT) ------------------------------------------------

G_ROUTED = [S(HR, "routeToGrievance", None, at(2))]
G_RAISED = [*G_ROUTED, S(HR, "raiseGrievance", RAISE, at(2))]
G_ACKED = [
    *G_RAISED,
    S(HR, "acknowledgeGrievance", {"handler": HANDLER, "meetingAt": at(9).isoformat()}, at(3)),
]
G_MET = [*G_ACKED, S(HR, "holdGrievanceMeeting", {"chairedBy": HANDLER, "notes": "n"}, at(9, 14))]
G_OUTCOME = {"decidedBy": HANDLER, "outcome": "PARTLY_UPHELD", "rationale": "some mails"}
G_DECIDED = [*G_MET, S(HR, "recordGrievanceOutcome", G_OUTCOME, at(10))]
G_LODGED = [*G_DECIDED, S(HR, "lodgeGrievanceAppeal", {"grounds": "g"}, at(17))]

# Safeguarding (elms-farm, NET-CHILD-HARM, the DSL's) -----------------------------------------

REFERRED = [S(DSL, "routeToSafeguarding", {"dsl": DSL}, at(2))]
LADO = [*REFERRED, S(DSL, "recordLadoConsultation", {"lado": "LADO duty officer", "advice": "a"}, at(2))]
SG_DISMISSED = [
    *LADO,
    S(DSL, "recordPoliceReferral", {"referred": True, "policeReference": "CAD-1234"}, at(2)),
    S(HEAD, "routeToDisciplinary", None, at(2)),
    S(HEAD, "appointInvestigator", {"investigator": INV}, at(2)),
    S(INV, "addEvidence", {"reference": "E1", "description": "filter log"}, at(2)),
    S(INV, "concludeInvestigation", CONCLUDE, at(2)),
    S(HEAD, "sendInvitation", {**INVITATION, "possibleConsequences": ["SUMMARY_DISMISSAL"]}, at(2)),
    S(HEAD, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(9)),
    S(
        HEAD,
        "recordDecision",
        {"decidedBy": CHAIR, "outcome": "SUMMARY_DISMISSAL", "rationale": "r", "grossMisconductFound": True},
        at(9, 15),
    ),
]

# Access withdrawal (st-peters) ---------------------------------------------------------------

WITHDRAW = {
    "services": ["INTERNET"],
    "decidedBy": HEAD,
    "reason": "repeated social networking",
    "startsOn": "2026-03-03",
    "reviewOn": "2026-03-17",
}
WITHDRAWN = [*ROUTED, S(HR, "withdrawAccess", WITHDRAW, at(2))]


@dataclass(frozen=True)
class Scenario:
    guard: str
    setup: list[Step]
    refused: Step
    kind: str = "hr"  # which case: hr (NET-ADULT), grievance, dsl (NET-CHILD-HARM), st-peters
    reason_has: str = ""


def _s(guard: str, setup: list[Step], refused: Step, kind: str = "hr", reason_has: str = "") -> Any:
    return pytest.param(Scenario(guard, setup, refused, kind, reason_has), id=f"{guard}-{refused[1]}")


SCENARIOS = [
    # case-wide
    _s("actor_named", INVESTIGATING, S(" ", "addEvidence", {"reference": "E2", "description": "d"}, at(3))),
    _s(
        "not_before_last_step",
        INVESTIGATING,
        S(INV, "addEvidence", {"reference": "E2", "description": "d"}, at(1)),
    ),
    _s(
        "case_open",
        [*DECIDED, S(HR, "closeDisciplinary", None, at(17))],
        S(HR, "lodgeAppeal", {"grounds": "g"}, at(18)),
        reason_has="closed",
    ),
    _s("allowed_now", [], S(HR, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(2))),
    _s("allowed_at_stage", INVESTIGATING, S(HR, "sendInvitation", INVITATION, at(2, 11))),
    # triage
    _s("text_given", [], S(HR, "dismissFalsePositive", {"reason": " "}, at(2))),
    _s("person_named", [], S(HR, "startInformalResolution", {"headteacher": ""}, at(2))),
    _s(
        "headteacher_records_outcome",
        [S(HR, "startInformalResolution", {"headteacher": HEAD}, at(2))],
        S(HR, "recordInformalOutcome", {"resolved": True, "notes": "n"}, at(2)),
        reason_has=HEAD,
    ),
    _s(
        "child_safety_goes_to_dsl",
        [],
        S(DSL, "dismissFalsePositive", {"reason": "miscategorised"}, at(2)),
        kind="dsl",
    ),
    # investigation and suspension
    _s("person_named", ROUTED, S(HR, "appointInvestigator", {"investigator": " "}, at(2))),
    _s("investigator_appointed", ROUTED, S(INV, "concludeInvestigation", CONCLUDE, at(2))),
    _s(
        "evidence_recorded",
        APPOINTED,
        S(INV, "concludeInvestigation", CONCLUDE, at(2)),
        reason_has="at least one piece of evidence",
    ),
    _s("investigator_concludes", INVESTIGATING, S(HR, "concludeInvestigation", CONCLUDE, at(2))),
    _s("text_given", INVESTIGATING, S(INV, "concludeInvestigation", {**CONCLUDE, "findings": ""}, at(2))),
    _s(
        "no_gross_misconduct_without_case",
        INVESTIGATING,
        S(INV, "concludeInvestigation", {**CONCLUDE, "caseToAnswer": False}, at(2)),
    ),
    _s(
        "evidence_reference_new",
        INVESTIGATING,
        S(INV, "addEvidence", {"reference": "E1", "description": "again"}, at(2)),
    ),
    _s("suspension_on_full_pay", INVESTIGATING, S(HR, "suspend", {**SUSPEND, "onFullPay": False}, at(2))),
    _s(
        "suspension_stated_not_disciplinary",
        INVESTIGATING,
        S(HR, "suspend", {**SUSPEND, "statedNotDisciplinary": False}, at(2)),
    ),
    _s(
        "review_date_in_range",
        INVESTIGATING,
        S(HR, "suspend", {**SUSPEND, "reviewOn": "2026-03-17"}, at(2)),
        reason_has="Monday 16 March 2026",
    ),
    _s(
        "currently_suspended",
        INVESTIGATING,
        S(HR, "reviewSuspension", {"note": "n", "nextReviewOn": "2026-03-06"}, at(2)),
    ),
    _s(
        "not_suspended_already",
        [*INVESTIGATING, S(HR, "suspend", SUSPEND, at(2))],
        S(HR, "suspend", SUSPEND, at(2)),
    ),
    # invitation
    _s("allegations_listed", NO_GM, S(HR, "sendInvitation", {**FIRST_ONLY, "allegations": [" "]}, at(2, 11))),
    _s(
        "consequences_stated",
        NO_GM,
        S(HR, "sendInvitation", {**INVITATION, "possibleConsequences": []}, at(2, 11)),
    ),
    _s(
        "summary_dismissal_needs_gross_misconduct_allegation",
        NO_GM,
        S(HR, "sendInvitation", INVITATION, at(2, 11)),
    ),
    _s(
        "evidence_pack_complete",
        NO_GM,
        S(HR, "sendInvitation", {**FIRST_ONLY, "evidencePack": ["E1", "E9"]}, at(2, 11)),
        reason_has="E9",
    ),
    _s(
        "right_to_be_accompanied_stated",
        NO_GM,
        S(HR, "sendInvitation", {**FIRST_ONLY, "rightToBeAccompanied": False}, at(2, 11)),
    ),
    _s(
        "time_zone_given",
        NO_GM,
        S(HR, "sendInvitation", {**FIRST_ONLY, "hearingAt": "2026-03-09T10:00:00"}, at(2, 11)),
    ),
    _s(
        "in_the_future",
        NO_GM,
        S(HR, "sendInvitation", {**FIRST_ONLY, "hearingAt": at(2, 10).isoformat()}, at(2, 11)),
    ),
    _s(
        "notice_long_enough",
        NO_GM,
        S(HR, "sendInvitation", {**FIRST_ONLY, "hearingAt": at(6).isoformat()}, at(2, 11)),
        reason_has="Monday 9 March 2026",
    ),
    # hearing and decision
    _s(
        "companion_postponement_within_limit",
        INVITED,
        S(
            HR,
            "postponeHearing",
            {"newHearingAt": at(17).isoformat(), "reason": "COMPANION_UNAVAILABLE"},
            at(4),
        ),
        reason_has="Monday 16 March 2026",
    ),
    _s("hearing_date_reached", INVITED, S(HR, "holdHearing", {"chair": CHAIR, "notes": "n"}, at(6))),
    _s("chair_is_not_investigator", INVITED, S(HR, "holdHearing", {"chair": INV, "notes": "n"}, at(9, 14))),
    _s(
        "decider_chaired_hearing",
        HEARD,
        S(HR, "recordDecision", {**DECISION, "decidedBy": "someone-else"}, at(9, 16)),
    ),
    _s(
        "summary_dismissal_needs_gross_misconduct",
        HEARD,
        S(HR, "recordDecision", {**DECISION, "outcome": "SUMMARY_DISMISSAL"}, at(9, 16)),
    ),
    _s("outcome_within_stated_consequences", HEARD_FIRST_ONLY, S(HR, "recordDecision", DECISION, at(9, 16))),
    _s(
        "gross_misconduct_finding_alleged",
        HEARD_FIRST_ONLY,
        S(
            HR,
            "recordDecision",
            {**DECISION, "outcome": "NO_ACTION", "grossMisconductFound": True},
            at(9, 16),
        ),
    ),
    _s(
        "dismissal_needs_final_warning_or_gross_misconduct",
        HEARD_DISMISSAL_WITH_NOTICE,
        S(HR, "recordDecision", {**DECISION, "outcome": "DISMISSAL_WITH_NOTICE"}, at(9, 16)),
    ),
    # appeal and closing
    _s(
        "appeal_within_window",
        DECIDED,
        S(HR, "lodgeAppeal", {"grounds": "g"}, at(17)),
        reason_has="Monday 16 March 2026",
    ),
    _s("appeal_window_over", DECIDED, S(HR, "closeDisciplinary", None, at(16))),
    _s(
        "appeal_heard_by_someone_uninvolved",
        LODGED,
        S(HR, "decideAppeal", {"heardBy": INV, "outcome": "UPHELD", "rationale": "r"}, at(20)),
    ),
    _s(
        "varied_outcome_less_severe",
        LODGED,
        S(
            HR,
            "decideAppeal",
            {"heardBy": APPEAL, "outcome": "VARIED", "rationale": "r", "variedTo": "SUMMARY_DISMISSAL"},
            at(20),
        ),
    ),
    _s("paused", INVESTIGATING, S(HR, "resumeDisciplinary", {"reason": "r"}, at(2))),
    _s(
        "not_paused",
        PAUSED,
        S(INV, "addEvidence", {"reference": "E1", "description": "d"}, at(3)),
        reason_has="resume it first",
    ),
    _s("concurrent_handling_decided", APPOINTED, S(HR, "raiseGrievance", RAISE, at(3))),
    # grievance
    _s(
        "raised_in_writing",
        G_ROUTED,
        S(HR, "raiseGrievance", {**RAISE, "inWriting": False}, at(2)),
        kind="grievance",
    ),
    _s(
        "concurrent_handling_decided",
        G_ROUTED,
        S(HR, "raiseGrievance", {**RAISE, "concurrentHandling": "HEAR_TOGETHER"}, at(2)),
        kind="grievance",
    ),
    _s(
        "handler_not_complained_about",
        G_RAISED,
        S(HR, "acknowledgeGrievance", {"handler": ACCUSED, "meetingAt": at(9).isoformat()}, at(3)),
        kind="grievance",
    ),
    _s(
        "handled_by_handler",
        G_ACKED,
        S(HR, "holdGrievanceMeeting", {"chairedBy": "someone", "notes": "n"}, at(9, 14)),
        kind="grievance",
    ),
    _s(
        "meeting_date_reached",
        G_ACKED,
        S(HR, "holdGrievanceMeeting", {"chairedBy": HANDLER, "notes": "n"}, at(6)),
        kind="grievance",
    ),
    _s("appeal_window_over", G_DECIDED, S(HR, "closeGrievance", None, at(17)), kind="grievance"),
    _s(
        "appeal_within_window",
        G_DECIDED,
        S(HR, "lodgeGrievanceAppeal", {"grounds": "g"}, at(18)),
        kind="grievance",
    ),
    _s(
        "appeal_heard_by_someone_uninvolved",
        G_LODGED,
        S(HR, "decideGrievanceAppeal", {"heardBy": ACCUSED, "rationale": "r"}, at(20)),
        kind="grievance",
    ),
    # safeguarding
    _s(
        "lado_consulted_first",
        REFERRED,
        S(HEAD, "routeToDisciplinary", None, at(2)),
        kind="dsl",
        reason_has="LADO",
    ),
    _s(
        "police_decision_explained",
        LADO,
        S(DSL, "recordPoliceReferral", {"referred": True}, at(2)),
        kind="dsl",
    ),
    _s(
        "police_decision_not_recorded",
        [*LADO, S(DSL, "recordPoliceReferral", {"referred": False, "reason": "threshold not met"}, at(2))],
        S(DSL, "recordPoliceReferral", {"referred": True, "policeReference": "X"}, at(2)),
        kind="dsl",
    ),
    _s(
        "dsl_closes_without_lado",
        REFERRED,
        S(HEAD, "closeSafeguarding", {"summary": "miscategorised"}, at(2)),
        kind="dsl",
    ),
    _s(
        "police_decision_before_closing",
        LADO,
        S(DSL, "closeSafeguarding", {"summary": "s"}, at(2)),
        kind="dsl",
    ),
    _s(
        "dbs_decision_due",
        LADO,
        S(DSL, "recordDbsDecision", {"referred": False, "reason": "r"}, at(2)),
        kind="dsl",
    ),
    _s(
        "disciplinary_closed_first",
        SG_DISMISSED,
        S(DSL, "closeSafeguarding", {"summary": "s"}, at(10)),
        kind="dsl",
    ),
    _s(
        "dbs_decision_before_closing",
        [*SG_DISMISSED, S(HEAD, "closeDisciplinary", None, at(17))],
        S(DSL, "closeSafeguarding", {"summary": "s"}, at(17)),
        kind="dsl",
    ),
    # access withdrawal
    _s("school_policy_provides_it", ROUTED, S(HR, "withdrawAccess", WITHDRAW, at(2))),
    _s(
        "services_named",
        ROUTED,
        S(HR, "withdrawAccess", {**WITHDRAW, "services": []}, at(2)),
        kind="st-peters",
    ),
    _s(
        "start_not_in_past",
        ROUTED,
        S(HR, "withdrawAccess", {**WITHDRAW, "startsOn": "2026-03-01"}, at(2)),
        kind="st-peters",
    ),
    _s(
        "review_after",
        ROUTED,
        S(HR, "withdrawAccess", {**WITHDRAW, "reviewOn": "2026-03-03"}, at(2)),
        kind="st-peters",
    ),
    _s("not_withdrawn_already", WITHDRAWN, S(HR, "withdrawAccess", WITHDRAW, at(2)), kind="st-peters"),
    _s("currently_withdrawn", ROUTED, S(HR, "restoreAccess", {"note": "n"}, at(2)), kind="st-peters"),
    _s("disciplinary_in_progress", [], S(HR, "withdrawAccess", WITHDRAW, at(2)), kind="st-peters"),
]


def roles_of(kind: str) -> Any:
    if kind == "dsl":  # the DSL's case: the DSL and the Headteacher act, and those they name
        return lambda actor: ["dsl"] if actor == DSL else ["headteacher"]
    return lambda actor: {HEAD: ["headteacher"], DSL: ["dsl"]}.get(actor, ["hr"])


BREACHES: dict[str, dict[str, Any]] = {
    "hr": {"clause": "NET-ADULT"},
    "grievance": {"clause": "MAIL-OFFENSIVE-SUBJECT", "gross_misconduct": False},
    "dsl": {
        "clause": "NET-CHILD-HARM",
        "owner": breaches_pb2.OWNER_DSL,
        "severity": breaches_pb2.SEVERITY_CRITICAL,
    },
    "st-peters": {"school": "st-peters"},
}


@pytest.mark.integration
@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_guard_refuses_over_graphql(api: Any, open_case: Any, scenario: Scenario) -> None:
    w = await open_case(roles_of=roles_of(scenario.kind), **BREACHES[scenario.kind])
    if scenario.setup:
        await w.do(*scenario.setup)
    async with api.sessions() as session:
        before = await session.scalar(sa.select(sa.func.count()).select_from(wm.CaseHistory))
    refused = await w.refused(scenario.refused)
    assert refused["guard"] == scenario.guard, refused
    assert refused["command"]
    assert scenario.reason_has in refused["message"]
    async with api.sessions() as session:  # a refused command writes nothing
        assert await session.scalar(sa.select(sa.func.count()).select_from(wm.CaseHistory)) == before


def workflow_guards() -> set[str]:
    """Every guard name the workflow can refuse with, read from its source."""
    source = "\n".join(p.read_text() for p in Path(workflow.__file__).parent.glob("*.py"))
    names = set(re.findall(r"ensure\(\s*(?:g\.)?(\w+)", source))
    names |= set(re.findall(r'GuardRefused\(\s*"(\w+)"', source))
    return names - {"guard"}  # core.ensure's own parameter


def test_every_guard_has_a_graphql_scenario() -> None:
    tried = {param.values[0].guard for param in SCENARIOS}
    assert workflow_guards() - tried == set()
    assert len(workflow_guards()) > 60
