"""KeyState: the correlation state of one record key as stored in the engine's table."""

from datetime import UTC, datetime, timedelta

import pytest

from invigilator.events.v1 import events_pb2
from policy_engine.state_table import DecodedStates, KeyState

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


def test_decoded_states_decode_once_and_again_only_when_the_table_holds_other_bytes() -> None:
    decoded = DecodedStates()
    first = KeyState.load(None)
    first.saw([at(NOW)], NOW)
    stored = first.dump()
    state = decoded.get(b"k", stored)
    assert decoded.get(b"k", stored) is state  # unchanged bytes: the same decoded object
    state.saw([at(NOW + timedelta(minutes=1))], NOW + timedelta(hours=1))
    written = state.dump()
    decoded.wrote(b"k", written, state)
    assert decoded.get(b"k", written) is state
    # Another worker wrote the key meanwhile (a rebalance brought it back): decode its bytes.
    other = decoded.get(b"k", stored)
    assert other is not state
    assert other.newest == NOW


def test_a_failed_take_forgets_its_half_updated_states() -> None:
    decoded = DecodedStates()
    stored = KeyState.load(None).dump()
    state = decoded.get(b"k", stored)

    def failing_take() -> None:
        with decoded.take([b"k"]):
            state.saw([at(NOW)], NOW)  # mutated, then the take fails before anything is written
            raise RuntimeError("delivery failed")

    with pytest.raises(RuntimeError):
        failing_take()
    again = decoded.get(b"k", stored)
    assert again is not state
    assert again.newest is None
