import json
from datetime import UTC, datetime, timedelta

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import logons
from policy_engine.correlation.logons import LogonState
from policy_engine.correlation.settings import CorrelationSettings

SETTINGS = CorrelationSettings()
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def windows(
    windows_event_id: int,
    host: str,
    logon_id: str,
    when: datetime,
    logon_type: int = 2,
    account: str = "jsmith",
) -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=f"{windows_event_id}-{host}-{logon_id}-{when.isoformat()}",
        school_id="st-peters",
        account=account,
        endpoint=events_pb2.EndpointEvent(
            windows_event_id=windows_event_id,
            provider="Microsoft-Windows-Security-Auditing",
            host=host,
            logon_id=logon_id,
            logon_type=logon_type,
            target_account=account,
        ),
    )
    event.occurred_at.FromDatetime(when)
    return event


def logon(host: str, logon_id: str, minutes: float, logon_type: int = 2) -> events_pb2.Event:
    return windows(4624, host, logon_id, T0 + timedelta(minutes=minutes), logon_type)


def logoff(host: str, logon_id: str, minutes: float, event: int = 4634) -> events_pb2.Event:
    return windows(event, host, logon_id, T0 + timedelta(minutes=minutes))


def run(state: LogonState, events: list[events_pb2.Event]) -> list[events_pb2.Event]:
    return [obs for event in events for obs in logons.observe(state, event, SETTINGS)]


def test_a_second_host_while_the_first_is_open_emits_both_hosts() -> None:
    found = run(LogonState(), [logon("PC-01", "0x1", 0), logon("pc-02", "0x2", 60, logon_type=10)])
    assert len(found) == 1
    event = found[0]
    obs = event.observation
    assert obs.type == events_pb2.OBSERVATION_TYPE_CONCURRENT_LOGONS
    assert list(obs.hosts) == ["pc-01", "pc-02"]
    assert (obs.date, obs.logon_id) == ("2026-11-23", "0x2")
    assert event.occurred_at.ToDatetime(tzinfo=UTC) == T0 + timedelta(hours=1)
    assert len(obs.evidence_event_ids) == 2
    assert obs.evidence_event_ids[0].startswith("4624-PC-01")


def test_logoff_4634_or_4647_closes_the_session() -> None:
    assert (
        run(LogonState(), [logon("pc-01", "0x1", 0), logoff("pc-01", "0x1", 30), logon("pc-02", "0x2", 60)])
        == []
    )
    assert (
        run(
            LogonState(),
            [logon("pc-01", "0x1", 0), logoff("pc-01", "0x1", 30, 4647), logon("pc-02", "0x2", 60)],
        )
        == []
    )


def test_network_logons_and_logoffs_are_not_interactive() -> None:
    assert run(LogonState(), [logon("pc-01", "0x1", 0), logon("fs-01", "0x9", 5, logon_type=3)]) == []
    network_logoff = windows(4634, "pc-01", "0x1", T0 + timedelta(minutes=1), logon_type=3)
    assert len(run(LogonState(), [logon("pc-01", "0x1", 0), network_logoff, logon("pc-02", "0x2", 5)])) == 1


def test_a_session_without_logoff_expires_after_the_max_age() -> None:
    assert len(run(LogonState(), [logon("pc-01", "0x1", 0), logon("pc-02", "0x2", 12 * 60 - 1)])) == 1
    assert run(LogonState(), [logon("pc-01", "0x1", 0), logon("pc-02", "0x2", 12 * 60)]) == []


def test_a_new_logon_on_the_same_host_supersedes_the_open_one() -> None:
    events = [logon("pc-01", "0x1", 0), logon("pc-01", "0x5", 60), logoff("pc-01", "0x5", 90)]
    assert run(LogonState(), [*events, logon("pc-02", "0x2", 120)]) == []


def test_one_observation_per_pair_of_hosts_per_local_day() -> None:
    events = [
        logon("pc-01", "0x1", 0),
        logon("pc-02", "0x2", 10),
        logoff("pc-02", "0x2", 20),
        logon("pc-02", "0x3", 30),  # same pair, same day
        logon("pc-03", "0x4", 40),  # two new pairs
    ]
    found = run(LogonState(), events)
    assert sorted(tuple(f.observation.hosts) for f in found) == [
        ("pc-01", "pc-02"),
        ("pc-01", "pc-03"),
        ("pc-02", "pc-03"),
    ]
    next_day = [logon("pc-01", "0xa", 24 * 60), logon("pc-02", "0xb", 24 * 60 + 5)]
    state = LogonState()
    run(state, events)
    assert [f.observation.date for f in run(state, next_day)] == ["2026-11-24"]


def test_the_local_day_follows_bst() -> None:
    july = datetime(2026, 7, 1, 23, 0, tzinfo=UTC)
    events = [
        windows(4624, "pc-01", "0x1", july),
        windows(4624, "pc-02", "0x2", july + timedelta(minutes=30)),
    ]
    found = run(LogonState(), events)
    assert found[0].observation.date == "2026-07-02"  # 00:30 BST
    winter = datetime(2026, 1, 14, 23, 0, tzinfo=UTC)
    events = [
        windows(4624, "pc-01", "0x1", winter),
        windows(4624, "pc-02", "0x2", winter + timedelta(minutes=30)),
    ]
    assert run(LogonState(), events)[0].observation.date == "2026-01-14"


def test_out_of_order_logoff_before_logon_keeps_the_session_closed() -> None:
    assert (
        run(LogonState(), [logoff("pc-01", "0x1", 30), logon("pc-01", "0x1", 0), logon("pc-02", "0x2", 60)])
        == []
    )


def test_out_of_order_earlier_logon_with_known_end_is_checked() -> None:
    events = [logon("pc-02", "0x2", 60), logoff("pc-01", "0x1", 90), logon("pc-01", "0x1", 0)]
    found = run(LogonState(), events)
    assert [list(f.observation.hosts) for f in found] == [["pc-01", "pc-02"]]
    assert found[0].occurred_at.ToDatetime(tzinfo=UTC) == T0 + timedelta(minutes=60)
    assert found[0].observation.logon_id == "0x2"
    # its end unknown, a late earlier logon is not assumed to be still open
    assert run(LogonState(), [logon("pc-02", "0x2", 60), logon("pc-01", "0x1", 0)]) == []


def test_replayed_logon_is_ignored() -> None:
    state = LogonState()
    events = [logon("pc-01", "0x1", 0), logon("pc-02", "0x2", 10)]
    assert len(run(state, events)) == 1
    assert run(state, events) == []


def test_round_trip_and_replay_determinism() -> None:
    events = [
        logon("pc-01", "0x1", 0),
        logoff("pc-03", "0x7", 400),
        logon("pc-02", "0x2", 10),
        logon("pc-03", "0x7", 20),
        logoff("pc-01", "0x1", 50),
    ]
    whole = [f.SerializeToString() for f in run(LogonState(), events)]
    state, split = LogonState(), []
    for event in events:
        state = LogonState.from_dict(json.loads(json.dumps(state.to_dict())))
        split += [f.SerializeToString() for f in run(state, [event])]
    assert split == whole
    assert len(whole) == 3
    assert whole == [f.SerializeToString() for f in run(LogonState(), events)]


def test_prune_bounds_the_state() -> None:
    state = LogonState()
    run(state, [logon("pc-01", "0x1", 0), logon("pc-02", "0x2", 10)])
    logons.prune(state, T0 + timedelta(days=2, hours=11))
    assert len(state.sessions[("st-peters", "jsmith")]) == 2  # open sessions run to start + 12 h
    logons.prune(state, T0 + timedelta(days=3, hours=1))
    assert state.sessions == {}
    assert state.emitted == {}
    assert run(state, [logon("pc-01", "0x1", 0)]) == []
    assert state.late == 1
    for i in range(logons.MAX_SESSIONS + 10):
        run(state, [logon(f"pc-{i}", f"0x{i}", 4 * 24 * 60 + i)])
    assert len(state.sessions[("st-peters", "jsmith")]) == logons.MAX_SESSIONS
