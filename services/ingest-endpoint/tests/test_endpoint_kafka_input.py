"""The Kafka input: school from the document, the HTTP route's parser, micro-batches, commit after write."""

import json
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import pytest
from confluent_kafka import KafkaError, KafkaException, Message, TopicPartition
from fastapi.testclient import TestClient
from tests.ingest_support import FakeProduce

from ingest_endpoint.app import create_app
from ingest_endpoint.ingest import parse
from ingest_endpoint.kafka_input import BatchConsumer, KafkaInput, next_offsets, records_of, shipped_of
from ingest_endpoint.settings import DEV_SCHOOLS, IngestEndpointSettings
from ingest_endpoint.shipped import Shipped, parse_shipped, school_of
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key
from svckit.ingest import RecordError
from svckit.kafka import OutRecord

SAMPLES = Path(__file__).parent / "samples"
TOPIC = "raw.winlogbeat.v1"
SCHOOLS = {"elms-farm", "st-peters"}


def sample_docs() -> list[dict[str, Any]]:
    """The sample ECS documents the parser turns into events (the last sample line is a reject)."""
    lines = (SAMPLES / "endpoint.ecs.jsonl").read_text().splitlines()
    docs = [json.loads(line) for line in lines if line.strip()]
    return [doc for doc in docs if parse("ecs", json.dumps(doc).encode(), "elms-farm").events]


def shipped(doc: dict[str, Any] | bytes, offset: int = 0, partition: int = 0) -> Shipped:
    value = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return Shipped(value, TOPIC, partition, offset)


def with_school(doc: dict[str, Any], school: str, where: str = "fields") -> dict[str, Any]:
    return {**doc, where: {"school": school}}


def settings(**overrides: Any) -> IngestEndpointSettings:
    return IngestEndpointSettings(
        **{
            "environment": "dev",
            "kafka_input_schools": sorted(SCHOOLS),
            "kafka_input_wait_s": 0.01,
            **overrides,
        }
    )


# --- the school and the parse ------------------------------------------------------------------


def test_the_school_comes_from_fields_then_labels_nested_or_dotted() -> None:
    assert school_of({"fields": {"school": "elms-farm"}}, SCHOOLS) == "elms-farm"
    assert school_of({"fields.school": " st-peters "}, SCHOOLS) == "st-peters"
    assert school_of({"labels": {"school": "st-peters"}}, SCHOOLS) == "st-peters"
    both = {"fields": {"school": "elms-farm"}, "labels": {"school": "st-peters"}}
    assert school_of(both, SCHOOLS) == "elms-farm"


@pytest.mark.parametrize(
    ("doc", "reason"),
    [
        ({}, "no school"),
        ({"fields": {"school": ""}}, "no school"),
        ({"fields": {"other": "x"}, "labels": {}}, "no school"),
        ({"fields": {"school": "oak-hill"}}, "unknown school 'oak-hill'"),
        ({"labels": {"school": ["elms-farm"]}}, "no school"),
    ],
)
def test_a_document_without_a_known_school_is_refused(doc: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        school_of(doc, SCHOOLS)


def test_documents_of_two_schools_become_the_same_events_as_on_the_http_route() -> None:
    docs = sample_docs()
    records = [
        shipped(with_school(doc, "elms-farm" if i % 2 else "st-peters"), offset=i)
        for i, doc in enumerate(docs)
    ]
    parsed = parse_shipped(records, SCHOOLS)
    assert not parsed.rejects
    assert len(parsed.events) == len(docs)
    for record, event in zip(records, parsed.events, strict=True):
        school = json.loads(record.value)["fields"]["school"]
        [same] = parse("ecs", record.value, school).events
        assert event == same  # same minimisation, same id, same payload
        assert event.school_id == school


def test_a_document_without_school_is_a_reject_with_its_bytes_and_position() -> None:
    doc = sample_docs()[0]
    good, bad = shipped(with_school(doc, "elms-farm"), offset=7), shipped(doc, offset=8, partition=2)
    unknown = shipped(with_school(doc, "nowhere"), offset=9)
    parsed = parse_shipped([good, bad, unknown], SCHOOLS)
    assert [event.school_id for event in parsed.events] == ["elms-farm"]
    first, second = parsed.rejects
    assert first.raw == bad.value
    assert first.format == "endpoint.ecs"
    assert first.school_id == ""
    assert first.reason.startswith(f"{TOPIC}[2]@8: no school")
    assert second.reason == f"{TOPIC}[0]@9: unknown school 'nowhere'"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (b"", "empty record"),
        (b"not json", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_unreadable_records_are_rejects(value: bytes, reason: str) -> None:
    [rejected] = parse_shipped([shipped(value, offset=3)], SCHOOLS).rejects
    assert rejected.reason.startswith(f"{TOPIC}[0]@3: {reason}")
    assert rejected.raw == value


def test_an_unmonitored_event_of_a_known_school_is_a_reject_of_that_school() -> None:
    doc = with_school(sample_docs()[0], "st-peters")
    doc["winlog"] = {**doc["winlog"], "event_id": "9999"}
    doc["event"] = {**doc["event"], "code": "9999"}
    [rejected] = parse_shipped([shipped(doc)], SCHOOLS).rejects
    assert rejected.school_id == "st-peters"
    assert "not monitored" in rejected.reason


# --- records and offsets -----------------------------------------------------------------------


def test_a_batch_is_written_keyed_by_school_and_shard_and_rejects_by_school() -> None:
    docs = sample_docs()
    records = [shipped(with_school(doc, "elms-farm"), i) for i, doc in enumerate(docs)]
    records += [shipped(with_school(docs[0], "st-peters"), 100), shipped(b"{}", 101)]
    parsed = parse_shipped(records, SCHOOLS)
    out = list(records_of(parsed, settings(), [("h", b"v")]))
    batches = [
        (r.key, events_pb2.EventBatch.FromString(r.value)) for r in out if r.topic == "events.endpoint.v1"
    ]
    assert sum(len(batch.events) for _key, batch in batches) == len(docs) + 1
    for key, batch in batches:
        for event in batch.events:
            assert key == batch_key(batch.school_id, event.account)
    [reject] = [r for r in out if r.topic == "events.rejected.v1"]
    assert reject.key == ""
    assert reject.headers == [("h", b"v")]


def test_the_offsets_to_commit_are_one_past_each_partitions_last_record() -> None:
    messages = [
        Message(topic=TOPIC, partition=0, offset=5, value=b"a"),
        Message(topic=TOPIC, partition=1, offset=9, value=b"b"),
        Message(topic=TOPIC, partition=0, offset=6, value=b"c"),
        Message(topic=TOPIC, partition=2, offset=1, error=KafkaError(KafkaError._PARTITION_EOF)),
    ]
    assert [(tp.topic, tp.partition, tp.offset) for tp in next_offsets(messages)] == [
        (TOPIC, 0, 7),
        (TOPIC, 1, 10),
    ]
    assert [record.position for record in shipped_of(messages)] == [
        f"{TOPIC}[0]@5",
        f"{TOPIC}[1]@9",
        f"{TOPIC}[0]@6",
    ]


# --- the consumer loop -------------------------------------------------------------------------


class FakeConsumer:
    """Hands out prepared batches, then nothing; records what happened in one shared journal."""

    def __init__(self, batches: list[list[Message]], journal: list[str]) -> None:
        self.batches = list(batches)
        self.journal = journal
        self.asked: list[int] = []
        self.committed: list[list[tuple[int, int]]] = []
        self.closed = False

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[Message]:
        self.asked.append(num_messages)
        if self.batches:
            return self.batches.pop(0)
        time.sleep(min(timeout, 0.01))
        return []

    def commit(self, *, offsets: list[TopicPartition], asynchronous: Literal[False]) -> list[TopicPartition]:
        self.committed.append([(tp.partition, tp.offset) for tp in offsets])
        self.journal.append("commit")
        return offsets

    def close(self) -> None:
        self.closed = True


class JournalProduce(FakeProduce):
    def __init__(self, journal: list[str], failures: int = 0) -> None:
        super().__init__("events.endpoint.v1", failures)
        self.journal = journal

    def __call__(self, records: Sequence[OutRecord]) -> int:
        try:
            count = super().__call__(records)
        except KafkaException:
            self.journal.append("refused")
            raise
        self.journal.append("produced")
        return count


def messages_of(docs: list[dict[str, Any] | bytes], partition: int = 0, start: int = 0) -> list[Message]:
    return [
        Message(
            topic=TOPIC,
            partition=partition,
            offset=start + i,
            value=doc if isinstance(doc, bytes) else json.dumps(doc).encode(),
        )
        for i, doc in enumerate(docs)
    ]


def wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def run_input(
    batches: list[list[Message]], failures: int = 0, **overrides: Any
) -> tuple[KafkaInput, FakeConsumer, JournalProduce, list[str]]:
    journal: list[str] = []
    consumer = FakeConsumer(batches, journal)
    produce = JournalProduce(journal, failures)

    def make() -> BatchConsumer:
        return consumer

    kafka_input = KafkaInput(settings(**overrides), produce, make)
    kafka_input.start()
    return kafka_input, consumer, produce, journal


def test_each_micro_batch_is_parsed_written_and_then_committed() -> None:
    docs = sample_docs()
    first = messages_of([with_school(doc, "elms-farm") for doc in docs[:5]] + [b"{}"], partition=0)
    second = messages_of([with_school(doc, "st-peters") for doc in docs[5:8]], partition=1, start=40)
    kafka_input, consumer, produce, journal = run_input([first, second], kafka_input_batch=250)
    try:
        wait_for(lambda: len(consumer.committed) == 2)
        wait_for(kafka_input.ready)
    finally:
        kafka_input.stop()
    assert journal == ["produced", "commit", "produced", "commit"]
    assert consumer.committed == [[(0, 6)], [(1, 43)]]
    assert set(consumer.asked) == {250}
    assert len(produce.calls) == 2  # one write per micro-batch, however many records it holds
    events = [
        event
        for record in produce.calls[0]
        if record.topic == "events.endpoint.v1"
        for event in events_pb2.EventBatch.FromString(record.value).events
    ]
    assert len(events) == 5
    assert {event.school_id for event in events} == {"elms-farm"}
    assert [r.topic for r in produce.calls[0]].count("events.rejected.v1") == 1
    assert consumer.closed
    assert not kafka_input.ready()


def test_a_refused_write_is_retried_on_the_same_batch_before_any_commit() -> None:
    batch = messages_of([with_school(sample_docs()[0], "elms-farm")], start=3)
    kafka_input, consumer, _produce, journal = run_input([batch], failures=2)
    try:
        wait_for(lambda: consumer.committed != [], timeout_s=15)
    finally:
        kafka_input.stop()
    assert journal == ["refused", "refused", "produced", "commit"]
    assert consumer.committed == [[(0, 4)]]


def test_stopping_while_kafka_refuses_commits_nothing() -> None:
    batch = messages_of([with_school(sample_docs()[0], "elms-farm")])
    kafka_input, consumer, _produce, journal = run_input([batch], failures=1000)
    wait_for(lambda: "refused" in journal)
    assert not kafka_input.ready()
    kafka_input.stop()
    assert consumer.committed == []
    assert "commit" not in journal
    assert consumer.closed


def test_a_fatal_consumer_error_closes_it_and_a_new_consumer_resumes() -> None:
    journal: list[str] = []
    fatal = Message(topic=TOPIC, partition=0, offset=0, error=KafkaError(KafkaError._FATAL, fatal=True))
    consumers = [
        FakeConsumer([[fatal]], journal),
        FakeConsumer([messages_of([with_school(sample_docs()[0], "elms-farm")])], journal),
    ]
    made = iter(consumers)

    def make() -> BatchConsumer:
        return next(made)

    kafka_input = KafkaInput(settings(), JournalProduce(journal), make)
    kafka_input.start()
    try:
        wait_for(lambda: consumers[1].committed != [], timeout_s=15)
    finally:
        kafka_input.stop()
    assert consumers[0].closed
    assert consumers[0].committed == []
    assert journal == ["produced", "commit"]


# --- settings and the service ------------------------------------------------------------------


def test_the_input_is_on_by_default_in_dev_only_and_reads_the_configured_schools() -> None:
    dev = IngestEndpointSettings(environment="dev")
    assert dev.kafka_input_enabled is True
    assert (dev.kafka_input_topic, dev.group_id, dev.kafka_input_batch) == (
        "raw.winlogbeat.v1",
        "invigilator-ingest-endpoint",
        500,
    )
    assert dev.kafka_input_schools == list(DEV_SCHOOLS)
    production = IngestEndpointSettings(api_keys={"k1": "st-peters", "k2": "elms-farm"})
    assert production.kafka_input_enabled is False
    assert production.kafka_input_schools == ["elms-farm", "st-peters"]
    chosen = IngestEndpointSettings(
        api_keys={"k1": "st-peters"}, kafka_input_enabled=True, kafka_input_schools=["x"]
    )
    assert chosen.kafka_input_enabled is True
    assert chosen.kafka_input_schools == ["x"]


def test_the_service_runs_the_input_in_its_lifespan_and_readyz_reports_it() -> None:
    journal: list[str] = []
    consumer = FakeConsumer([messages_of([with_school(sample_docs()[0], "st-peters")])], journal)
    produce = JournalProduce(journal)
    app = create_app(settings(), produce, lambda: consumer)
    with TestClient(app) as http:
        wait_for(lambda: consumer.committed != [])
        answer = http.get("/readyz")
        assert answer.status_code == 200, answer.text
        assert answer.json()["checks"] == {"kafka_input": True}
    assert consumer.closed
    [written] = produce.calls
    assert [record.topic for record in written] == ["events.endpoint.v1"]


def test_without_the_input_readyz_has_no_kafka_check() -> None:
    started = threading.Event()

    def make() -> BatchConsumer:
        started.set()
        raise AssertionError("no consumer when the input is off")

    app = create_app(settings(kafka_input_enabled=False), FakeProduce("events.endpoint.v1"), make)
    with TestClient(app) as http:
        assert http.get("/readyz").json() == {"status": "ok", "checks": {}}
    assert not started.is_set()
