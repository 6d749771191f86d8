import json
from datetime import UTC, datetime, timedelta

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import denials
from policy_engine.correlation.denials import DenialState
from policy_engine.correlation.settings import CorrelationSettings

SETTINGS = CorrelationSettings()
T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def share_denied(n: int, minutes: float, account: str = "jsmith", failure: bool = True) -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=f"share-{account}-{n}",
        school_id="elms-farm",
        account=account,
        endpoint=events_pb2.EndpointEvent(
            windows_event_id=5145,
            provider="Microsoft-Windows-Security-Auditing",
            host="fs-01",
            subject_account=account,
            failure=failure,
            share=events_pb2.ShareAccess(share_name="HR$"),
        ),
    )
    event.occurred_at.FromDatetime(T0 + timedelta(minutes=minutes))
    return event


def failed_logon(n: int, minutes: float, subject: str, target: str) -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=f"4625-{n}",
        school_id="elms-farm",
        account=target,
        endpoint=events_pb2.EndpointEvent(
            windows_event_id=4625, host="pc-01", subject_account=subject, target_account=target, failure=True
        ),
    )
    event.occurred_at.FromDatetime(T0 + timedelta(minutes=minutes))
    return event


def run(state: DenialState, events: list[events_pb2.Event]) -> list[events_pb2.Event]:
    return [obs for event in events for obs in denials.observe(state, event, SETTINGS)]


def test_four_denials_are_below_the_threshold() -> None:
    assert run(DenialState(), [share_denied(i, i) for i in range(4)]) == []


def test_the_fifth_denial_in_ten_minutes_emits() -> None:
    found = run(DenialState(), [share_denied(i, 2 * i) for i in range(5)])
    assert len(found) == 1
    event = found[0]
    obs = event.observation
    assert obs.type == events_pb2.OBSERVATION_TYPE_ACCESS_DENIALS
    assert obs.count == 5
    assert obs.window_start.ToDatetime(tzinfo=UTC) == T0
    assert obs.window_end.ToDatetime(tzinfo=UTC) == T0 + timedelta(minutes=8)
    assert event.occurred_at == obs.window_end
    assert list(obs.evidence_event_ids) == [f"share-jsmith-{i}" for i in range(5)]


def test_the_window_is_closed_at_exactly_ten_minutes() -> None:
    at_edge = [share_denied(i, m) for i, m in enumerate([0, 1, 2, 3, 10])]
    assert len(run(DenialState(), at_edge)) == 1
    past_edge = [share_denied(i, m) for i, m in enumerate([0, 1, 2, 3, 10.01])]
    assert run(DenialState(), past_edge) == []


def test_successful_accesses_and_other_accounts_do_not_add_up() -> None:
    events = [share_denied(i, i, failure=False) for i in range(10)]
    events += [share_denied(i, i, account=f"user{i}") for i in range(10)]
    assert run(DenialState(), events) == []


def test_failed_logons_count_only_against_other_people_with_a_named_subject() -> None:
    own = [failed_logon(i, i, "jsmith", "jsmith") for i in range(5)]
    nobody = [failed_logon(10 + i, i, "", "abrown") for i in range(5)]
    assert run(DenialState(), own + nobody) == []
    mixed = [failed_logon(20 + i, i, "jsmith", "abrown") for i in range(3)]
    mixed += [share_denied(i, 3 + i) for i in range(2)]
    found = run(DenialState(), mixed)
    assert [(f.account, f.observation.count) for f in found] == [("jsmith", 5)]


def test_at_most_once_per_window_until_it_slides_past() -> None:
    found = run(DenialState(), [share_denied(i, i) for i in range(30)])
    ends = [f.observation.window_end.ToDatetime(tzinfo=UTC) - T0 for f in found]
    assert ends == [timedelta(minutes=4), timedelta(minutes=15), timedelta(minutes=26)]
    assert [f.observation.count for f in found] == [5, 11, 11]
    assert len({f.event_id for f in found}) == 3


def test_out_of_order_arrival_finds_the_same_window() -> None:
    events = [share_denied(i, i) for i in range(5)]
    in_order = run(DenialState(), events)
    shuffled = run(DenialState(), [events[i] for i in (4, 1, 3, 0, 2)])
    assert [f.SerializeToString() for f in shuffled] == [f.SerializeToString() for f in in_order]


def test_a_replayed_denial_is_not_counted_twice() -> None:
    state = DenialState()
    assert run(state, [share_denied(0, 0)] * 6) == []


def test_threshold_and_window_are_parameters() -> None:
    cfg = CorrelationSettings(restricted_denials=3, restricted_window=timedelta(minutes=2))
    state = DenialState()
    found = [o for e in [share_denied(i, i) for i in range(3)] for o in denials.observe(state, e, cfg)]
    assert [f.observation.count for f in found] == [3]


def test_round_trip_and_replay_determinism() -> None:
    events = [share_denied(i, (i * 7) % 23) for i in range(23)]
    whole = [f.SerializeToString() for f in run(DenialState(), events)]
    state, split = DenialState(), []
    for event in events:
        state = DenialState.from_dict(json.loads(json.dumps(state.to_dict())))
        split += [f.SerializeToString() for f in run(state, [event])]
    assert split == whole
    assert whole
    assert whole == [f.SerializeToString() for f in run(DenialState(), events)]


def test_prune_bounds_the_state() -> None:
    state = DenialState()
    run(state, [share_denied(i, i) for i in range(5)])
    denials.prune(state, T0 + timedelta(days=2, minutes=2, seconds=30))
    assert len(state.accounts[("elms-farm", "jsmith")].at) == 2
    denials.prune(state, T0 + timedelta(days=3))
    assert state.accounts == {}
    assert run(state, [share_denied(99, 0)]) == []
    assert state.late == 1
    many = DenialState()
    run(many, [share_denied(i, i / 100) for i in range(denials.MAX_DENIALS + 5)])
    assert len(many.accounts[("elms-farm", "jsmith")].at) == denials.MAX_DENIALS
