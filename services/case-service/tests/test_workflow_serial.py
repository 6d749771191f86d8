"""Workflow states, events and tasks survive JSON (the JSONB column and the events table)."""

import json
from datetime import UTC, date, datetime

import pytest

from case_service.workflow import (
    AccessService,
    AcknowledgeGrievance,
    AddEvidence,
    AppointInvestigator,
    CaseWorkflow,
    Command,
    ConcludeInvestigation,
    ConcurrentHandling,
    Event,
    HoldHearing,
    Outcome,
    PostponeHearing,
    PostponementReason,
    RaiseGrievance,
    RecordDecision,
    RecordLadoConsultation,
    RouteToDisciplinary,
    RouteToSafeguarding,
    SendInvitation,
    Suspend,
    Task,
    WithdrawAccess,
    WorkflowConfig,
    apply,
    new_case,
)
from case_service.workflow.serial import dump, load

CONFIG = WorkflowConfig(access_withdrawal_permitted=True)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def busy_case() -> tuple[CaseWorkflow, list[Event]]:
    """A safeguarding case with a paused disciplinary, a grievance, a suspension and a sanction."""
    state = new_case(
        case_id="c-7", clause="NET-CHILD-HARM", owner="dsl", gross_misconduct_listed=True, opened_at=at(2)
    )
    steps: list[tuple[Command, datetime]] = [
        (RouteToSafeguarding(actor="hr", dsl="dsl"), at(2)),
        (RecordLadoConsultation(actor="dsl", lado="lado", advice="proceed"), at(2)),
        (RouteToDisciplinary(actor="hr"), at(2)),
        (AppointInvestigator(actor="hr", investigator="inv"), at(2)),
        (AddEvidence(actor="inv", reference="E1", description="log"), at(2)),
        (
            Suspend(
                actor="hr",
                reason="r",
                review_on=date(2026, 3, 6),
                on_full_pay=True,
                stated_not_disciplinary=True,
            ),
            at(2),
        ),
        (
            WithdrawAccess(
                actor="hr",
                services=(AccessService.INTERNET, AccessService.EMAIL),
                decided_by="head",
                reason="r",
                starts_on=date(2026, 3, 2),
                review_on=date(2026, 3, 16),
            ),
            at(2),
        ),
        (
            ConcludeInvestigation(
                actor="inv", case_to_answer=True, findings="f", gross_misconduct_alleged=True
            ),
            at(2),
        ),
        (
            SendInvitation(
                actor="hr",
                allegations=("a", "b"),
                possible_consequences=(Outcome.FINAL_WRITTEN_WARNING, Outcome.SUMMARY_DISMISSAL),
                evidence_pack=("E1",),
                hearing_at=at(9),
                venue="v",
                right_to_be_accompanied=True,
            ),
            at(2),
        ),
        (
            PostponeHearing(
                actor="hr", new_hearing_at=at(11), reason=PostponementReason.COMPANION_UNAVAILABLE
            ),
            at(3),
        ),
        (HoldHearing(actor="hr", chair="chair", notes="n", companion="rep"), at(11)),
        (
            RecordDecision(
                actor="hr", decided_by="chair", outcome=Outcome.FINAL_WRITTEN_WARNING, rationale="r"
            ),
            at(11),
        ),
    ]
    events: list[Event] = []
    for command, now in steps:
        applied = apply(state, command, now, config=CONFIG)
        state = applied.state
        events += applied.events
    return state, events


def test_case_state_round_trips_through_json_at_every_step() -> None:
    state = new_case(
        case_id="c", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    assert CaseWorkflow.from_dict(json.loads(json.dumps(state.to_dict()))) == state
    busy, _ = busy_case()
    stored = json.loads(json.dumps(busy.to_dict()))
    assert stored["schema_version"] == 1
    assert stored["disciplinary"]["decision"]["outcome"] == "final_written_warning"
    assert CaseWorkflow.from_dict(stored) == busy


def test_grievance_during_disciplinary_round_trips() -> None:
    state = new_case(
        case_id="c", clause="NET-SOCIAL", owner="hr", gross_misconduct_listed=True, opened_at=at(2)
    )
    for command in (
        RouteToDisciplinary(actor="hr"),
        RaiseGrievance(
            actor="hr",
            raised_by="emp",
            complained_about=("inv",),
            summary="s",
            in_writing=True,
            concurrent_handling=ConcurrentHandling.PAUSE_DISCIPLINARY,
        ),
        AcknowledgeGrievance(actor="hr", handler="dep", meeting_at=at(9)),
    ):
        state = apply(state, command, at(2)).state
    assert CaseWorkflow.from_dict(json.loads(json.dumps(state.to_dict()))) == state


def test_events_and_tasks_round_trip() -> None:
    state, events = busy_case()
    for event in events:
        assert Event.from_dict(json.loads(json.dumps(event.to_dict()))) == event
    for task in state.tasks:
        assert Task.from_dict(json.loads(json.dumps(task.to_dict()))) == task
    invitation = next(e for e in events if e.kind == "invitation_sent")
    details = invitation.to_dict()["details"]
    assert isinstance(details, dict)
    assert details["allegations"] == ["a", "b"]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


def test_malformed_stored_state_is_refused() -> None:
    busy, _ = busy_case()
    data = busy.to_dict()
    with pytest.raises(ValueError, match="schema version"):
        CaseWorkflow.from_dict({**data, "schema_version": 99})
    with pytest.raises(ValueError, match="no field"):
        CaseWorkflow.from_dict({**data, "surprise": 1})
    with pytest.raises(ValueError, match="needs field"):
        CaseWorkflow.from_dict({k: v for k, v in data.items() if k != "case_id"})
    with pytest.raises(ValueError, match="time zone"):
        CaseWorkflow.from_dict({**data, "opened_at": "2026-03-02T10:00:00"})
    with pytest.raises(ValueError, match="expected bool"):
        CaseWorkflow.from_dict({**data, "gross_misconduct_listed": "yes"})
    with pytest.raises(ValueError, match="expected str"):
        CaseWorkflow.from_dict({**data, "owner": None})
    with pytest.raises(ValueError, match="not a valid TriageStage"):
        CaseWorkflow.from_dict({**data, "triage": {**data["triage"], "stage": None}})  # type: ignore[dict-item]


def test_dump_refuses_what_it_cannot_store() -> None:
    with pytest.raises(ValueError, match="naive"):
        dump(datetime(2026, 3, 2))
    with pytest.raises(TypeError):
        dump(object())
    assert load(frozenset[date], dump(frozenset({date(2026, 1, 1)}))) == frozenset({date(2026, 1, 1)})
