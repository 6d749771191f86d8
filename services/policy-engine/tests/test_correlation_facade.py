import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import CorrelationSettings, CorrelationState, Correlator
from policy_engine.correlation.emit import observation_id

DEFAULTS = Path(__file__).resolve().parents[3] / "policies-rego" / "data" / "defaults" / "data.json"
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SETTINGS = CorrelationSettings()


def stamp(event: events_pb2.Event, minutes: float) -> events_pb2.Event:
    event.occurred_at.FromDatetime(T0 + timedelta(minutes=minutes))
    return event


def proxy(n: int, minutes: float) -> events_pb2.Event:
    return stamp(
        events_pb2.Event(
            event_id=f"p{n}", school_id="elms-farm", account="jsmith", proxy=events_pb2.ProxyRequest(host="x")
        ),
        minutes,
    )


def endpoint(n: int, minutes: float, **fields: object) -> events_pb2.Event:
    return stamp(
        events_pb2.Event(
            event_id=f"w{n}",
            school_id="elms-farm",
            account="jsmith",
            endpoint=events_pb2.EndpointEvent(**fields),  # type: ignore[arg-type]
        ),
        minutes,
    )


def stream() -> list[events_pb2.Event | datetime]:
    steps: list[events_pb2.Event | datetime] = [proxy(i, i) for i in range(65)]
    steps += [
        endpoint(1, 0, windows_event_id=4624, host="pc-01", logon_id="0x1", logon_type=2),
        endpoint(2, 5, windows_event_id=4624, host="pc-02", logon_id="0x2", logon_type=11),
        endpoint(3, 6, windows_event_id=4802, host="pc-02", logon_id="0x2"),
        endpoint(4, 7, windows_event_id=1116, provider="Microsoft Antimalware", host="pc-02"),
        endpoint(5, 8, windows_event_id=4647, host="pc-02", logon_id="0x2"),
        endpoint(6, 9, windows_event_id=4624, host="pc-02", logon_id="0x3", logon_type=2),
    ]
    steps += [endpoint(10 + i, 10 + i, windows_event_id=5145, host="fs", failure=True) for i in range(5)]
    steps.append(T0 + timedelta(minutes=30))
    steps.append(stamp(events_pb2.Event(event_id="m", mail=events_pb2.MailMessage()), 1))
    return steps


def play(steps: Sequence[events_pb2.Event | datetime], checkpoint: bool = False) -> list[events_pb2.Event]:
    correlator, state = Correlator(), CorrelationState()
    out: list[events_pb2.Event] = []
    for step in steps:
        if checkpoint:
            state = CorrelationState.from_dict(json.loads(json.dumps(state.to_dict())))
        if isinstance(step, datetime):
            out += correlator.advance(state, step)
        else:
            out += correlator.observe(state, step, step.HasField("proxy"), SETTINGS)
    return out


def test_routes_every_event_to_its_correlation() -> None:
    found = play(stream())
    types = sorted(events_pb2.ObservationType.Name(f.observation.type) for f in found)
    assert types == [
        "OBSERVATION_TYPE_ACCESS_DENIALS",
        "OBSERVATION_TYPE_CONCURRENT_LOGONS",
        "OBSERVATION_TYPE_DAILY_NONWORK_MINUTES",
        "OBSERVATION_TYPE_LOGON_AFTER_MALWARE",
    ]
    # the screensaver's session was logged off after 2 minutes: no lock needed
    assert all(f.school_id == "elms-farm" and f.account == "jsmith" for f in found)


def test_advance_emits_waiting_screensavers() -> None:
    correlator, state = Correlator(), CorrelationState()
    correlator.observe(
        state, endpoint(1, 0, windows_event_id=4802, host="pc-01", logon_id="0x1"), False, SETTINGS
    )
    assert correlator.advance(state, T0 + timedelta(seconds=119)) == []
    found = correlator.advance(state, T0 + timedelta(seconds=120))
    assert [f.observation.seconds for f in found] == [120]


def test_replay_and_checkpoints_give_identical_bytes() -> None:
    steps = stream()
    first = [f.SerializeToString() for f in play(steps)]
    assert first == [f.SerializeToString() for f in play(steps)]
    assert first == [f.SerializeToString() for f in play(steps, checkpoint=True)]


def test_shuffled_arrival_gives_the_same_observation_ids() -> None:
    steps = [s for s in stream() if not isinstance(s, datetime)]
    expected = {f.event_id for f in play(steps)}
    shuffled = list(steps)
    random.Random(5).shuffle(shuffled)
    assert {f.event_id for f in play(shuffled)} == expected


def test_advance_prunes_everything_past_the_retention() -> None:
    correlator, state = Correlator(), CorrelationState()
    for step in stream():
        if isinstance(step, events_pb2.Event):
            correlator.observe(state, step, True, SETTINGS)
    correlator.mark_clean(state, "elms-farm", "PC-02", T0 + timedelta(hours=1))
    correlator.advance(state, T0 + timedelta(days=4))
    assert state.to_dict() == {
        "version": 1,
        "nonwork": {"days": [], "horizon": state.nonwork.to_dict()["horizon"], "late": 0},
        "logons": {"sessions": [], "emitted": [], "horizon": state.logons.to_dict()["horizon"], "late": 0},
        "sessions": {
            "pending": [],
            "ends": [],
            "done": [],
            "horizon": state.sessions.to_dict()["horizon"],
            "late": 0,
        },
        "denials": {"accounts": [], "horizon": state.denials.to_dict()["horizon"], "late": 0},
        "malware": {
            "detections": [],
            "logons": [],
            "cleans": [],
            "emitted": [],
            "horizon": state.malware.to_dict()["horizon"],
            "late": 0,
        },
    }


def test_unknown_state_version_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        CorrelationState.from_dict({"version": 99})


def test_observation_ids_hash_the_defining_key() -> None:
    kind = events_pb2.OBSERVATION_TYPE_DAILY_NONWORK_MINUTES
    one = observation_id(kind, "elms-farm", "jsmith", ["2026-11-23"])
    assert one == observation_id(kind, "elms-farm", "jsmith", ["2026-11-23"])
    assert (
        len(
            {
                one,
                observation_id(kind, "elms-farm", "jsmith", ["2026-11-24"]),
                observation_id(kind, "st-peters", "jsmith", ["2026-11-23"]),
                observation_id(kind, "elms-farm", "abrown", ["2026-11-23"]),
                observation_id(
                    events_pb2.OBSERVATION_TYPE_ACCESS_DENIALS, "elms-farm", "jsmith", ["2026-11-23"]
                ),
            }
        )
        == 5
    )


def test_settings_from_school_data_match_the_defaults() -> None:
    defaults = json.loads(DEFAULTS.read_text())
    assert CorrelationSettings.from_school(defaults) == CorrelationSettings()
    assert CorrelationSettings.from_school({}) == CorrelationSettings()
    custom = CorrelationSettings.from_school(
        {
            "timezone": "Europe/Dublin",
            "working_hours": {"days": [1, 2, 3, 4], "start": "08:30", "end": "16:00"},
            "thresholds": {"nonwork_minutes_per_day": 30, "session_lock_grace_seconds": 60},
        }
    )
    assert (custom.timezone, custom.working_days) == ("Europe/Dublin", frozenset({1, 2, 3, 4}))
    assert (custom.work_start, custom.work_end) == (time(8, 30), time(16, 0))
    assert (custom.nonwork_minutes_per_day, custom.session_lock_grace) == (30, timedelta(seconds=60))


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="working hours"):
        CorrelationSettings(work_start=time(17), work_end=time(8))
    with pytest.raises(Exception, match="Mars"):
        CorrelationSettings(timezone="Mars/Olympus_Mons")
