"""Property: random command sequences never reach an inconsistent state and raise only GuardRefused.

Each example opens a case and applies up to 40 commands, mostly ones `allowed` offers (so the walk
gets deep into the procedures) and sometimes any command at all, with contents drawn from small
pools so guards both hold and refuse. After every accepted command the case must satisfy the
invariants below and survive JSON; a refused command must name its guard and give a reason.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from case_service.workflow import (
    ALL_COMMANDS,
    DEFAULT_CONFIG,
    AccessService,
    AcknowledgeGrievance,
    AddEvidence,
    AppealOutcome,
    Applied,
    AppointInvestigator,
    CaseWorkflow,
    CloseDisciplinary,
    CloseGrievance,
    CloseItTicket,
    CloseSafeguarding,
    Command,
    ConcludeInvestigation,
    ConcurrentHandling,
    DecideAppeal,
    DecideGrievanceAppeal,
    DisciplinaryStage,
    DismissFalsePositive,
    GrievanceOutcome,
    GuardRefused,
    HoldGrievanceMeeting,
    HoldHearing,
    IssuedWarning,
    LiftSuspension,
    LodgeAppeal,
    LodgeGrievanceAppeal,
    Outcome,
    PostponeHearing,
    PostponementReason,
    RaiseGrievance,
    RaiseItTicket,
    RecordDbsDecision,
    RecordDecision,
    RecordGrievanceOutcome,
    RecordInformalOutcome,
    RecordLadoConsultation,
    RecordPoliceReferral,
    RestoreAccess,
    ResumeDisciplinary,
    ReviewAccessWithdrawal,
    ReviewSuspension,
    RouteToDisciplinary,
    RouteToGrievance,
    RouteToSafeguarding,
    SendInvitation,
    StartInformalResolution,
    Suspend,
    TriageStage,
    WarningLevel,
    WithdrawAccess,
    WorkflowConfig,
    allowed,
    apply,
    new_case,
)
from case_service.workflow.core import Track
from case_service.workflow.sanctions import active_withdrawal

START = datetime(2026, 3, 2, 9, tzinfo=UTC)
PEOPLE = ("p1", "p2", "p3")
person = st.sampled_from(PEOPLE)
actor = st.sampled_from((*PEOPLE, "p1", "p2", ""))  # sometimes nobody: must be refused
text = st.sampled_from(("a reason", "a reason", "a reason", "a reason", "", " "))  # mostly given
flag = st.sampled_from((True, True, True, False))
evidence_ref = st.sampled_from(("E1", "E2"))


@dataclass(frozen=True)
class Hours:
    """A time drawn relative to the step's `now`, resolved when the step runs (see `resolve`)."""

    n: int


@dataclass(frozen=True)
class Days:
    n: int


def resolve(command: Command, now: datetime) -> Command:
    changes: dict[str, Any] = {}
    for f in fields(command):
        value = getattr(command, f.name)
        if isinstance(value, Hours):
            changes[f.name] = now + timedelta(hours=value.n)
        elif isinstance(value, Days):
            changes[f.name] = (now + timedelta(days=value.n)).date()
    return replace(command, **changes)


def strategies() -> dict[type[Command], st.SearchStrategy[Command]]:
    """One strategy per command kind; times and dates are offsets from the step's `now`."""
    moment = st.integers(-24, 24 * 14).map(Hours)
    day = st.integers(-2, 16).map(Days)
    outcome = st.sampled_from(Outcome)
    b = st.builds
    return {
        DismissFalsePositive: b(DismissFalsePositive, actor=actor, reason=text),
        StartInformalResolution: b(StartInformalResolution, actor=actor, headteacher=person),
        RecordInformalOutcome: b(RecordInformalOutcome, actor=actor, resolved=flag, notes=text),
        RouteToDisciplinary: b(RouteToDisciplinary, actor=actor),
        RouteToGrievance: b(RouteToGrievance, actor=actor),
        RaiseItTicket: b(RaiseItTicket, actor=actor, ticket_reference=text),
        CloseItTicket: b(CloseItTicket, actor=actor, resolution=text),
        RouteToSafeguarding: b(RouteToSafeguarding, actor=actor, dsl=person),
        AppointInvestigator: b(AppointInvestigator, actor=actor, investigator=person),
        AddEvidence: b(AddEvidence, actor=actor, reference=evidence_ref, description=text),
        Suspend: b(
            Suspend, actor=actor, reason=text, review_on=day, on_full_pay=flag, stated_not_disciplinary=flag
        ),
        ReviewSuspension: b(ReviewSuspension, actor=actor, note=text, next_review_on=day),
        LiftSuspension: b(LiftSuspension, actor=actor, note=text),
        ConcludeInvestigation: b(
            ConcludeInvestigation,
            actor=person,
            case_to_answer=flag,
            findings=text,
            gross_misconduct_alleged=flag,
        ),
        SendInvitation: b(
            SendInvitation,
            actor=actor,
            allegations=st.lists(text, max_size=2).map(tuple),
            possible_consequences=st.lists(outcome, max_size=3).map(tuple),
            evidence_pack=st.lists(evidence_ref, max_size=2).map(tuple),
            hearing_at=moment,
            venue=text,
            right_to_be_accompanied=flag,
        ),
        PostponeHearing: b(
            PostponeHearing,
            actor=actor,
            new_hearing_at=moment,
            reason=st.sampled_from(PostponementReason),
            explanation=text,
        ),
        HoldHearing: b(
            HoldHearing,
            actor=actor,
            chair=person,
            notes=text,
            employee_attended=flag,
            companion=st.none() | person,
            chair_override_reason=st.none() | text,
        ),
        RecordDecision: b(
            RecordDecision,
            actor=actor,
            decided_by=person,
            outcome=outcome,
            rationale=text,
            gross_misconduct_found=flag,
        ),
        LodgeAppeal: b(LodgeAppeal, actor=actor, grounds=text),
        DecideAppeal: b(
            DecideAppeal,
            actor=actor,
            heard_by=person,
            outcome=st.sampled_from(AppealOutcome),
            rationale=text,
            varied_to=st.none() | outcome,
        ),
        CloseDisciplinary: b(CloseDisciplinary, actor=actor),
        ResumeDisciplinary: b(ResumeDisciplinary, actor=actor, reason=text),
        RaiseGrievance: b(
            RaiseGrievance,
            actor=actor,
            raised_by=person,
            complained_about=st.lists(person, max_size=2).map(tuple),
            summary=text,
            in_writing=flag,
            concurrent_handling=st.none() | st.sampled_from(ConcurrentHandling),
        ),
        AcknowledgeGrievance: b(AcknowledgeGrievance, actor=actor, handler=person, meeting_at=moment),
        HoldGrievanceMeeting: b(
            HoldGrievanceMeeting, actor=actor, chaired_by=person, notes=text, companion=st.none() | person
        ),
        RecordGrievanceOutcome: b(
            RecordGrievanceOutcome,
            actor=actor,
            decided_by=person,
            outcome=st.sampled_from(GrievanceOutcome),
            rationale=text,
        ),
        LodgeGrievanceAppeal: b(LodgeGrievanceAppeal, actor=actor, grounds=text),
        DecideGrievanceAppeal: b(
            DecideGrievanceAppeal,
            actor=actor,
            heard_by=person,
            rationale=text,
            new_outcome=st.none() | st.sampled_from(GrievanceOutcome),
        ),
        CloseGrievance: b(CloseGrievance, actor=actor),
        RecordLadoConsultation: b(RecordLadoConsultation, actor=actor, lado=person, advice=text),
        RecordPoliceReferral: b(
            RecordPoliceReferral, actor=actor, referred=flag, police_reference=text, reason=text
        ),
        RecordDbsDecision: b(RecordDbsDecision, actor=actor, referred=flag, reason=text),
        CloseSafeguarding: b(CloseSafeguarding, actor=person, summary=text),
        WithdrawAccess: b(
            WithdrawAccess,
            actor=actor,
            services=st.lists(st.sampled_from(AccessService), max_size=2).map(tuple),
            decided_by=person,
            reason=text,
            starts_on=day,
            review_on=day,
        ),
        ReviewAccessWithdrawal: b(ReviewAccessWithdrawal, actor=actor, note=text, next_review_on=day),
        RestoreAccess: b(RestoreAccess, actor=actor, note=text),
    }


STRATEGIES = strategies()
OTHERS = ("p4", "p5", "p6")


def someone_else(excluded: Iterable[str | None]) -> str:
    taken = set(excluded)
    return next(p for p in (*PEOPLE, *OTHERS) if p not in taken)


def plausible(
    kind: type[Command], state: CaseWorkflow, now: datetime
) -> tuple[st.SearchStrategy[Command], datetime] | None:
    """A strategy that usually passes the guards (right people, dates, packs), and the time to use.

    Without it a random walk rarely gets past the invitation: these keep the walk deep, while the
    purely random strategies keep trying the guards.
    """
    b, just, act = st.builds, st.just, st.sampled_from(PEOPLE)
    d, g, sg = state.disciplinary, state.grievance, state.safeguarding
    if kind is Suspend:
        return b(
            Suspend,
            actor=act,
            reason=text,
            review_on=just(Days(3)),
            on_full_pay=flag,
            stated_not_disciplinary=flag,
        ), now
    if kind is ConcludeInvestigation and d is not None and d.investigator:
        findings = just("findings")
        return b(
            kind,
            actor=just(d.investigator),
            case_to_answer=flag,
            findings=findings,
            gross_misconduct_alleged=flag,
        ), now
    if kind is SendInvitation and d is not None:
        top = Outcome.SUMMARY_DISMISSAL if d.gross_misconduct_alleged else Outcome.FINAL_WRITTEN_WARNING
        stated = tuple(o for o in Outcome if o.severity <= top.severity)
        return b(
            SendInvitation,
            actor=act,
            allegations=just(("an allegation",)),
            possible_consequences=st.sampled_from((stated, stated[:3], stated[:5])),
            evidence_pack=just(tuple(e.reference for e in d.evidence)),
            hearing_at=st.integers(24 * 8, 24 * 12).map(Hours),
            venue=just("room 2"),
            right_to_be_accompanied=just(True),
        ), now
    if kind is PostponeHearing and d is not None and d.invitation is not None:
        hours = int((d.invitation.hearing_at - now).total_seconds() // 3600) + 48
        reason = st.sampled_from(PostponementReason)
        return b(kind, actor=act, new_hearing_at=just(Hours(hours)), reason=reason, explanation=text), now
    if kind is HoldHearing and d is not None and d.invitation is not None:
        chair = just(someone_else([d.investigator]))
        return b(HoldHearing, actor=act, chair=chair, notes=just("notes")), max(now, d.invitation.hearing_at)
    if kind is RecordDecision and d is not None and d.hearing is not None and d.invitation is not None:
        stated_top = max(o.severity for o in d.invitation.possible_consequences)
        outcome = st.sampled_from([o for o in reversed(Outcome) if o.severity <= stated_top])  # severe first
        found = st.just(d.gross_misconduct_alleged) | flag
        chair = just(d.hearing.chair)
        return b(
            kind, actor=act, decided_by=chair, outcome=outcome, rationale=text, gross_misconduct_found=found
        ), now
    if kind is CloseDisciplinary and d is not None and d.decision is not None:
        return b(kind, actor=act), max(now, DEFAULT_CONFIG.end_of(d.decision.appeal_by))
    if kind is DecideAppeal and d is not None:
        outcome = st.sampled_from(
            (
                (AppealOutcome.UPHELD, None),
                (AppealOutcome.OVERTURNED, None),
                (AppealOutcome.VARIED, Outcome.NO_ACTION),
            )
        )
        heard_by = someone_else(d.involved)
        return outcome.flatmap(
            lambda o: b(
                kind,
                actor=act,
                heard_by=just(heard_by),
                outcome=just(o[0]),
                rationale=text,
                varied_to=just(o[1]),
            )
        ), now
    if kind is RaiseGrievance:
        handling = (
            st.sampled_from(ConcurrentHandling) if d is not None and d.stage.value != "closed" else st.none()
        )
        return b(
            kind,
            actor=act,
            raised_by=act,
            complained_about=st.lists(person, max_size=2).map(tuple),
            summary=text,
            in_writing=just(True),
            concurrent_handling=handling,
        ), now
    if kind is AcknowledgeGrievance and g is not None:
        return b(kind, actor=act, handler=just(someone_else(g.involved)), meeting_at=just(Hours(48))), now
    if kind is HoldGrievanceMeeting and g is not None and g.handler and g.meeting_at:
        return b(kind, actor=act, chaired_by=just(g.handler), notes=text), max(now, g.meeting_at)
    if kind is RecordGrievanceOutcome and g is not None and g.handler:
        outcome = st.sampled_from(GrievanceOutcome)
        return b(kind, actor=act, decided_by=just(g.handler), outcome=outcome, rationale=text), now
    if kind is DecideGrievanceAppeal and g is not None:
        new_outcome = st.none() | st.sampled_from(GrievanceOutcome)
        return b(
            kind, actor=act, heard_by=just(someone_else(g.involved)), rationale=text, new_outcome=new_outcome
        ), now
    if kind is CloseGrievance and g is not None and g.appeal_by is not None:
        return b(kind, actor=act), max(now, DEFAULT_CONFIG.end_of(g.appeal_by))
    if kind is RecordInformalOutcome and state.triage.headteacher:
        return b(kind, actor=just(state.triage.headteacher), resolved=flag, notes=text), now
    if kind is CloseSafeguarding and sg is not None:
        return b(kind, actor=just(sg.dsl), summary=text), now
    return None


def assert_consistent(state: CaseWorkflow, now: datetime, config: WorkflowConfig) -> None:
    possible = allowed(state, config)
    assert state.closed == (possible == ()), "an open case always has a next step; a closed one has none"
    if state.closed:
        assert state.tasks == ()
    assert len({t.key for t in state.tasks}) == len(state.tasks)
    assert state.updated_at == now
    if state.triage.stage is TriageStage.DISMISSED:
        assert state.triage.dismissal_reason
        assert state.triage.dismissal_reason.strip()
    if state.triage.stage is TriageStage.SAFEGUARDING:
        assert state.owner == "dsl"
        assert state.safeguarding is not None
    d = state.disciplinary
    if d is not None:
        if state.safeguarding is not None:
            assert state.safeguarding.lado_consulted, "no internal step before the LADO"
        if d.suspension is not None:
            assert d.suspension.on_full_pay
            assert d.suspension.stated_not_disciplinary
        if d.case_to_answer is not None:
            assert d.investigator
            assert d.evidence
            assert d.findings
        if d.gross_misconduct_alleged:
            assert d.case_to_answer
        if d.invitation is not None:
            assert d.invitation.right_to_be_accompanied
            assert d.invitation.allegations
            assert set(d.invitation.evidence_pack) <= {e.reference for e in d.evidence}
            assert d.invitation.evidence_pack
            assert d.invitation.venue.strip()
        if d.hearing is not None:
            assert d.hearing.chair != d.investigator or (d.hearing.chair_override_reason or "").strip()
        assert (d.decision is not None) == (
            d.stage in (DisciplinaryStage.DECIDED, DisciplinaryStage.APPEAL_LODGED)
            or (d.stage is DisciplinaryStage.CLOSED and d.closure != "no case to answer")
        )
        if d.decision is not None:
            decision = d.decision
            assert decision.decided_by.strip(), "a decision names its decider"
            assert decision.rationale.strip()
            assert d.hearing is not None
            assert decision.decided_by == d.hearing.chair
            assert d.invitation is not None
            stated = max(o.severity for o in d.invitation.possible_consequences)
            assert decision.outcome.severity <= stated
            if decision.gross_misconduct_found:
                assert d.gross_misconduct_alleged
            if decision.outcome is Outcome.SUMMARY_DISMISSAL:
                assert decision.gross_misconduct_found
            if decision.outcome is Outcome.DISMISSAL_WITH_NOTICE:
                assert decision.gross_misconduct_found or decision.relied_on_final_warning
            assert not d.suspended
            if d.warning is not None:
                assert d.warning.issued_by.strip()
        if d.appeal is not None and d.appeal.heard_by is not None:
            assert d.appeal.heard_by not in d.involved
            assert d.appeal.rationale
            assert d.appeal.rationale.strip()
            assert d.stage is DisciplinaryStage.CLOSED
        if d.stage is DisciplinaryStage.CLOSED:
            assert d.closed_at is not None
            assert not any(t.track is Track.DISCIPLINARY for t in state.tasks)
    g = state.grievance
    if g is not None:
        if g.handler is not None:
            assert g.handler not in g.complained_about
            assert g.handler != g.raised_by
        if g.outcome is not None:
            assert g.decided_by == g.handler
            assert g.rationale
        if g.appeal_heard_by is not None:
            assert g.appeal_heard_by not in g.involved
    sg = state.safeguarding
    if sg is not None and sg.closed_at is not None:
        assert not sg.dbs_decision_pending
        assert sg.police_referred is not None or not sg.lado_consulted
    assert sum(1 for w in state.access if w.active) <= 1
    for withdrawal in state.access:
        assert withdrawal.decided_by.strip()
        assert withdrawal.review_on > withdrawal.starts_on
    if active_withdrawal(state.access) is None:
        assert not any(t.track is Track.ACCESS for t in state.tasks)
    assert CaseWorkflow.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def attempt(
    state: CaseWorkflow, command: Command, now: datetime, config: WorkflowConfig, prior: list[IssuedWarning]
) -> Applied | GuardRefused:
    """Apply, returning the refusal instead of raising it; any other exception fails the test."""
    try:
        return apply(state, command, now, config=config, prior_warnings=prior)
    except GuardRefused as refused:
        return refused


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_command_sequences_stay_consistent(data: st.DataObject) -> None:
    owner = data.draw(st.sampled_from(("hr", "it", "dsl")), label="owner")
    config = WorkflowConfig(access_withdrawal_permitted=data.draw(flag, label="access withdrawal permitted"))
    warnings = data.draw(
        st.lists(st.integers(-400, 300), max_size=2), label="final warnings (days to expiry)"
    )
    prior = [
        IssuedWarning(
            case_id=f"old-{i}",
            level=WarningLevel.FINAL_WRITTEN,
            issued_at=START - timedelta(days=365),
            expires_at=START + timedelta(days=days),
            issued_by="p9",
        )
        for i, days in enumerate(warnings)
    ]
    state = new_case(case_id="c", clause="X", owner=owner, gross_misconduct_listed=True, opened_at=START)
    now = START
    for _ in range(40):
        now += timedelta(hours=data.draw(st.integers(0, 72)))
        possible = allowed(state, config)
        pick_allowed = bool(possible) and data.draw(st.integers(0, 9)) < 8
        kind = data.draw(st.sampled_from(possible if pick_allowed else ALL_COMMANDS))
        plan = plausible(kind, state, now) if data.draw(st.integers(0, 9)) < 7 else None
        strategy, now = plan if plan is not None else (STRATEGIES[kind], now)
        command = resolve(data.draw(strategy), now)
        before = state
        outcome = attempt(state, command, now, config, prior)
        if isinstance(outcome, GuardRefused):
            assert outcome.guard
            assert outcome.reason.strip()
            assert outcome.command == kind.name
            continue
        applied = outcome
        assert kind in allowed(before, config), "a command allowed() did not offer must be refused"
        assert command.actor.strip()
        assert applied.events, "every state change leaves an event"
        assert [e.seq for e in applied.events] == list(
            range(before.version + 1, before.version + 1 + len(applied.events))
        )
        assert all(e.actor == command.actor and e.at == now and e.case_id == "c" for e in applied.events)
        assert applied.state.version == before.version + len(applied.events)
        state = applied.state
        assert_consistent(state, now, config)
        if state.closed:
            for other in ALL_COMMANDS:
                late = attempt(state, resolve(data.draw(STRATEGIES[other]), now), now, config, prior)
                assert isinstance(late, GuardRefused), f"a closed case accepted {other.name}"
                assert late.guard in ("case_open", "actor_named")
            return


def test_every_command_kind_has_a_strategy() -> None:
    assert set(STRATEGIES) == set(ALL_COMMANDS)


def test_reference_dates_are_sane() -> None:
    assert START.date() == date(2026, 3, 2)
    assert START.weekday() == 0
