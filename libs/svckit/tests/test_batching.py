from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key, event_batches, shard_of


def event(school: str, account: str, n: int) -> events_pb2.Event:
    return events_pb2.Event(event_id=f"{account}-{n}", school_id=school, account=account)


def test_shard_is_stable_and_in_range() -> None:
    assert shard_of("jsmith") == shard_of("jsmith")
    assert all(0 <= shard_of(f"user{i}", 8) < 8 for i in range(100))
    assert len({shard_of(f"user{i}", 8) for i in range(100)}) > 1


def test_one_account_always_shares_a_key() -> None:
    events = [event("elms-farm", "jsmith", n) for n in range(5)] + [event("st-peters", "jsmith", 0)]
    batches = list(event_batches(events))
    keys = {key for key, _ in batches}
    assert keys == {batch_key("elms-farm", "jsmith"), batch_key("st-peters", "jsmith")}
    elms = next(b for k, b in batches if k.startswith("elms-farm/"))
    assert [e.event_id for e in elms.events] == [f"jsmith-{n}" for n in range(5)]
    assert elms.school_id == "elms-farm"


def test_batches_are_bounded_and_lose_nothing() -> None:
    events = [event("elms-farm", "jsmith", n) for n in range(1201)]
    batches = [b for _, b in event_batches(events, max_events=500)]
    assert [len(b.events) for b in batches] == [500, 500, 201]
    assert [e.event_id for b in batches for e in b.events] == [e.event_id for e in events]
