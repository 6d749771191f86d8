"""The benchmark batches (tests/contract/bench_events.py) are valid events in the protobuf JSON mapping."""

from google.protobuf import json_format

from invigilator.events.v1 import events_pb2
from tests.contract import bench_events


def test_every_event_parses_as_an_event_message() -> None:
    for school in bench_events.SCHOOLS:
        for raw in bench_events.batch(300, school)["events"]:
            message = json_format.ParseDict(raw, events_pb2.Event())  # strict: unknown names fail
            assert message.WhichOneof("payload") in {name for name, _ in bench_events.MIX}
            assert message.school_id == school


def test_batch_mixes_every_source_and_is_reproducible() -> None:
    events = bench_events.batch(1000)["events"]
    payloads = {name for name, _ in bench_events.MIX}
    assert {next(iter(payloads & set(e))) for e in events} == payloads
    assert bench_events.batch(1000) == bench_events.batch(1000)
    assert len(bench_events.batch(1)["events"]) == 1
