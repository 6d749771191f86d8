import json
from datetime import UTC, datetime, timedelta

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import sessions
from policy_engine.correlation.sessions import SessionState
from policy_engine.correlation.settings import CorrelationSettings

SETTINGS = CorrelationSettings()
T0 = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)


def windows(
    windows_event_id: int, seconds: float, logon_id: str = "0x3e7", host: str = "PC-01"
) -> events_pb2.Event:
    when = T0 + timedelta(seconds=seconds)
    event = events_pb2.Event(
        event_id=f"{windows_event_id}-{logon_id}-{seconds}",
        school_id="elms-farm",
        account="jsmith",
        endpoint=events_pb2.EndpointEvent(
            windows_event_id=windows_event_id, provider="", host=host, logon_id=logon_id, logon_type=2
        ),
    )
    event.occurred_at.FromDatetime(when)
    return event


def run(state: SessionState, events: list[events_pb2.Event]) -> list[events_pb2.Event]:
    return [obs for event in events for obs in sessions.observe(state, event, SETTINGS)]


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_lock_within_grace_cancels() -> None:
    state = SessionState()
    assert run(state, [windows(4802, 0), windows(4800, 120)]) == []
    assert sessions.advance(state, at(3600)) == []


def test_watermark_past_the_grace_emits_the_grace_period() -> None:
    state = SessionState()
    run(state, [windows(4802, 0)])
    assert sessions.advance(state, at(119)) == []
    found = sessions.advance(state, at(120))
    assert len(found) == 1
    event = found[0]
    obs = event.observation
    assert obs.type == events_pb2.OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK
    assert (obs.seconds, obs.logon_id, list(obs.hosts)) == (120, "0x3e7", ["pc-01"])
    assert event.occurred_at.ToDatetime(tzinfo=UTC) == at(120)
    # the lock that comes later changes nothing, nor does another watermark
    assert run(state, [windows(4800, 300)]) == []
    assert sessions.advance(state, at(9999)) == []


def test_late_lock_or_dismissal_emits_the_time_unlocked() -> None:
    for end in (4800, 4801, 4803, 4647):
        found = run(SessionState(), [windows(4802, 0), windows(end, 300)])
        assert [f.observation.seconds for f in found] == [300]
        assert found[0].observation.evidence_event_ids[1] == f"{end}-0x3e7-300"


def test_both_paths_give_the_same_observation_id() -> None:
    late_lock = run(SessionState(), [windows(4802, 0), windows(4800, 300)])
    state = SessionState()
    run(state, [windows(4802, 0)])
    by_watermark = sessions.advance(state, at(500))
    assert late_lock[0].event_id == by_watermark[0].event_id
    assert late_lock[0].occurred_at == by_watermark[0].occurred_at


def test_dismissal_or_logoff_within_grace_is_no_breach() -> None:
    assert run(SessionState(), [windows(4802, 0), windows(4803, 60)]) == []
    state = SessionState()
    assert run(state, [windows(4802, 0), windows(4634, 30)]) == []
    assert sessions.advance(state, at(600)) == []


def test_a_lock_in_another_session_or_host_does_not_cancel() -> None:
    state = SessionState()
    run(state, [windows(4802, 0), windows(4800, 10, logon_id="0x999"), windows(4800, 20, host="pc-02")])
    assert len(sessions.advance(state, at(200))) == 1


def test_out_of_order_lock_before_its_screensaver() -> None:
    assert run(SessionState(), [windows(4800, 30), windows(4802, 0)]) == []
    found = run(SessionState(), [windows(4800, 500), windows(4802, 0)])
    assert [f.observation.seconds for f in found] == [500]
    # an end before the screensaver started is not its end
    state = SessionState()
    assert run(state, [windows(4800, -10), windows(4802, 0)]) == []
    assert len(sessions.advance(state, at(120))) == 1


def test_a_replayed_screensaver_emits_once() -> None:
    state = SessionState()
    run(state, [windows(4802, 0), windows(4802, 0)])
    assert len(sessions.advance(state, at(200))) == 1
    run(state, [windows(4802, 0)])
    assert sessions.advance(state, at(400)) == []


def test_grace_is_a_parameter() -> None:
    cfg = CorrelationSettings(session_lock_grace=timedelta(minutes=5))
    state = SessionState()
    assert [o for e in [windows(4802, 0), windows(4800, 299)] for o in sessions.observe(state, e, cfg)] == []


def test_round_trip_and_replay_determinism() -> None:
    script: list[events_pb2.Event | datetime] = [
        windows(4802, 0),
        windows(4802, 50, logon_id="0x2"),
        windows(4800, 100),
        at(150),
        windows(4802, 400),
        windows(4803, 700),
        windows(4800, 800, logon_id="0x3"),
        windows(4802, 760, logon_id="0x3"),
        at(2000),
    ]

    def play(checkpoint: bool) -> list[bytes]:
        state, out = SessionState(), []
        for step in script:
            if checkpoint:
                state = SessionState.from_dict(json.loads(json.dumps(state.to_dict())))
            found = sessions.advance(state, step) if isinstance(step, datetime) else run(state, [step])
            out += [f.SerializeToString() for f in found]
        return out

    assert play(False) == play(True) == play(False)
    assert len(play(False)) == 2


def test_prune_forgets_ends_and_judged_keys() -> None:
    state = SessionState()
    run(state, [windows(4802, 0), windows(4800, 30)])
    assert state.ends
    assert state.done
    sessions.prune(state, at(0) + timedelta(days=2, seconds=31))
    assert state.ends == {}
    assert state.done == {}
    assert run(state, [windows(4802, 0)]) == []
    assert state.late == 1
    assert state.pending == {}
