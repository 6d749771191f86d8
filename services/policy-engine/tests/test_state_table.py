"""KeyState: the correlation state of one record key as stored in the engine's table."""

from datetime import UTC, datetime, timedelta

from invigilator.events.v1 import events_pb2
from policy_engine.state_table import KeyState

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def at(moment: datetime) -> events_pb2.Event:
    event = events_pb2.Event(event_id=moment.isoformat())
    event.occurred_at.FromDatetime(moment)
    return event


def test_newest_follows_the_events_but_never_passes_the_wall_clock_and_skew() -> None:
    state = KeyState.load(None)
    state.saw([at(NOW - timedelta(hours=1))], NOW + timedelta(minutes=5))
    assert state.newest == NOW - timedelta(hours=1)
    state.saw([at(NOW + timedelta(days=3))], NOW + timedelta(minutes=5))  # a client clock far ahead
    assert state.newest == NOW + timedelta(minutes=5)
    state.saw([at(NOW - timedelta(days=1))], NOW + timedelta(minutes=5))  # older events never move it back
    assert state.newest == NOW + timedelta(minutes=5)


def test_state_round_trips_through_its_stored_bytes() -> None:
    state = KeyState.load(None)
    state.saw([at(NOW)], NOW)
    again = KeyState.load(state.dump())
    assert again.newest == NOW
    assert again.dump() == state.dump()
