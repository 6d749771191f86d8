"""policy_engine.judging.Judge against a fake Decider (canned OPA answers): which requests reach the
correlations as non-work, that observations are decided in a second query, errors reported once."""

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from invigilator.events.v1 import events_pb2
from policy_engine import judging
from policy_engine.correlation import CorrelationState, Correlator
from policy_engine.decisions import Decision
from policy_engine.judging import Judge, Judgement

TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # GMT: in working hours
DETECTED = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
NONWORK_HOST = "shop.example"
CLAUSES = {
    "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES": "NET-EXCESSIVE-NONWORK",
    "OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK": "SESSION-UNLOCKED",
}


def finding(clause: str) -> dict[str, Any]:
    return {
        "clause": clause,
        "title": clause.title(),
        "severity": "low",
        "owner": "hr",
        "gross_misconduct": False,
        "kind": "A",
        "policy_ref": "6.3(a)",
        "reason": "canned",
    }


class FakeDecider:
    """OPA with canned answers: requests to NONWORK_HOST are non-work browsing; every observation is
    a finding of its clause; each answer carries `error` when one is set."""

    def __init__(self, error: str = "") -> None:
        self.inputs: list[dict[str, Any]] = []
        self.school_reads = 0
        self.error = error
        self.revision = "rev-1"

    async def decide(self, opa_input: dict[str, Any]) -> Decision:
        self.inputs.append(opa_input)
        events = opa_input["events"]
        return Decision(
            findings_by_event={
                index: [finding(CLAUSES[event["observation"]["type"]])]
                for index, event in enumerate(events)
                if "observation" in event
            },
            errors=[self.error] if self.error else [],
            decision_id=f"decision-{len(self.inputs)}",
            policy_revision=self.revision,
            nonwork=frozenset(
                index
                for index, event in enumerate(events)
                if event.get("proxy", {}).get("host") == NONWORK_HOST
            ),
        )

    async def school(self, school_id: str) -> Mapping[str, Any]:
        self.school_reads += 1
        return {"timezone": "Europe/London", "thresholds": {"nonwork_minutes_per_day": 2}}


def request(event_id: str, minute: int, host: str) -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=event_id, school_id="elms-farm", account="kbrown", proxy=events_pb2.ProxyRequest(host=host)
    )
    event.occurred_at.FromDatetime(TUESDAY + timedelta(minutes=minute))
    return event


def browsing(hosts: list[str]) -> list[events_pb2.Event]:
    """One request a minute, to each host in turn; ids say which kind: s0, w1, ..."""
    return [request(f"{'s' if host == NONWORK_HOST else 'w'}{n}", n, host) for n, host in enumerate(hosts)]


async def test_the_requests_opa_calls_nonwork_are_counted_and_the_observation_decided_again() -> None:
    decider = FakeDecider()
    events = browsing(["work.example", NONWORK_HOST, "work.example", NONWORK_HOST, NONWORK_HOST])
    judgement = await Judge(decider).judge("elms-farm", events, CorrelationState(), DETECTED)

    assert judgement.queries == 2
    first, second = decider.inputs
    assert [event["proxy"]["host"] for event in first["events"]] == [e.proxy.host for e in events]
    [observation] = second["events"]
    assert observation["observation"]["type"] == "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES"
    assert observation["observation"]["minutes"] == 3  # over the fake school's threshold of 2
    [breach] = judgement.breaches
    assert (breach.clause, breach.account, breach.decision_id) == (
        "NET-EXCESSIVE-NONWORK",
        "kbrown",
        "decision-2",
    )
    # The breach cites the requests counted, never the work ones.
    assert list(breach.evidence_event_ids) == ["s1", "s3", "s4"]
    assert [o.observation.minutes for o in judgement.observations] == [3]


async def test_requests_opa_does_not_call_nonwork_are_not_counted() -> None:
    decider = FakeDecider()
    events = browsing(["work.example"] * 6)
    judgement = await Judge(decider).judge("elms-farm", events, CorrelationState(), DETECTED)
    assert judgement == Judgement(queries=1)
    assert len(decider.inputs) == 1


async def test_nonwork_indexes_are_those_of_each_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """OPA answers indexes into the query it was sent: with two events a query, index 1 of the
    second query is the batch's fourth event."""
    monkeypatch.setattr(judging, "MAX_QUERY_EVENTS", 2)
    decider = FakeDecider()
    events = browsing(["work.example", NONWORK_HOST, "work.example", NONWORK_HOST, NONWORK_HOST])
    judgement = await Judge(decider).judge("elms-farm", events, CorrelationState(), DETECTED)
    assert [len(sent["events"]) for sent in decider.inputs] == [2, 2, 1, 1]  # the last: the observation
    [breach] = judgement.breaches
    assert list(breach.evidence_event_ids) == ["s1", "s3", "s4"]


async def test_the_state_carries_over_between_batches() -> None:
    decider = FakeDecider()
    judge, state = Judge(decider), CorrelationState()
    events = browsing([NONWORK_HOST] * 3)
    first = await judge.judge("elms-farm", events[:2], state, DETECTED)
    second = await judge.judge("elms-farm", events[2:], state, DETECTED)
    assert first.breaches == []
    assert [b.clause for b in second.breaches] == ["NET-EXCESSIVE-NONWORK"]
    assert decider.school_reads == 1  # the school's settings are read once
    judge.forget_settings()
    await judge.judge("elms-farm", [], state, DETECTED)
    assert decider.school_reads == 2


async def test_settings_are_read_again_after_opa_answers_under_a_new_bundle() -> None:
    decider = FakeDecider()
    judge, state = Judge(decider), CorrelationState()
    events = browsing(["work.example"] * 3)
    await judge.judge("elms-farm", events[:1], state, DETECTED)
    await judge.judge("elms-farm", events[1:2], state, DETECTED)
    assert decider.school_reads == 1
    decider.revision = "rev-2"  # someone edited policies-rego/data; OPA loaded the new bundle
    await judge.judge("elms-farm", events[1:2], state, DETECTED)  # answered under rev-2
    await judge.judge("elms-farm", events[2:], state, DETECTED)
    assert decider.school_reads == 2


async def test_configuration_errors_are_reported_once() -> None:
    decider = FakeDecider(error='unknown school "elms-farm"')
    events = browsing([NONWORK_HOST] * 3)
    judgement = await Judge(decider).judge("elms-farm", events, CorrelationState(), DETECTED)
    assert judgement.queries == 2  # both answers carried the error
    assert judgement.errors == ['unknown school "elms-farm"']
    total = Judgement()
    total.add(judgement)
    total.add(judgement)
    assert total.errors == ['unknown school "elms-farm"']
    assert total.queries == 4


async def test_advance_decides_what_the_watermark_releases() -> None:
    decider = FakeDecider()
    judge, state = Judge(decider), CorrelationState()
    screensaver = events_pb2.Event(
        event_id="ss",
        school_id="st-peters",
        account="ehughes",
        endpoint=events_pb2.EndpointEvent(windows_event_id=4802, host="sp-class-04", logon_id="0x1a"),
    )
    screensaver.occurred_at.FromDatetime(TUESDAY)
    waiting = await judge.judge("st-peters", [screensaver], state, DETECTED)
    assert waiting.breaches == []  # no lock yet, but the grace period has not run out
    early = await judge.advance(state, TUESDAY + timedelta(seconds=60), DETECTED)
    assert early == Judgement()
    late = await judge.advance(state, TUESDAY + timedelta(minutes=5), DETECTED)
    [breach] = late.breaches
    assert (breach.clause, breach.school_id, breach.account) == ("SESSION-UNLOCKED", "st-peters", "ehughes")
    assert decider.inputs[-1]["school"] == "st-peters"
    assert list(breach.evidence_event_ids) == ["ss"]


async def test_groups_of_one_school_share_a_query_and_keep_their_own_states() -> None:
    decider = FakeDecider()
    mine, theirs = CorrelationState(), CorrelationState()
    first = browsing([NONWORK_HOST] * 3)
    second = [request(f"t{n}", n, NONWORK_HOST) for n in range(2)]
    for event in second:
        event.account = "asmith"
    judgement = await Judge(decider).judge_groups("elms-farm", [(mine, first), (theirs, second)], DETECTED)
    # One query for the five requests, one for the one observation (kbrown's 3 > 2; asmith's 2 is not).
    assert [len(sent["events"]) for sent in decider.inputs] == [5, 1]
    assert [breach.account for breach in judgement.breaches] == ["kbrown"]
    assert mine.to_dict() != theirs.to_dict()


async def test_the_settings_keep_late_events_as_long_as_the_correlator_does() -> None:
    judge = Judge(FakeDecider(), Correlator(retention=timedelta(days=7)))
    assert (await judge.settings("elms-farm")).retention == timedelta(days=7)
