"""The running ingest-endpoint (scripts/stack/services.sh start) writes a realistic batch to the real
Kafka: every event in an `EventBatch` keyed school/shard of its account, the bad lines as rejects."""

import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from confluent_kafka import Consumer, Message, TopicPartition

from ingest_endpoint.ingest import parse
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).parent / "samples"
URL = f"http://127.0.0.1:{os.environ.get('INGEST_ENDPOINT_PORT', '18120')}"
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
EVENTS, REJECTS = "events.endpoint.v1", "events.rejected.v1"


@pytest.fixture(scope="module", autouse=True)
def service_running() -> None:
    try:
        httpx.get(f"{URL}/healthz", timeout=2).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"ingest-endpoint does not answer on {URL} ({error!r}): scripts/stack/services.sh start")


def consumer_at_end(*topics: str) -> Consumer:
    """A consumer positioned at the current end of every partition: it sees only what comes next."""
    consumer = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"it-ingest-endpoint-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
        }
    )
    positions = []
    for topic in topics:
        for partition in consumer.list_topics(topic, timeout=10).topics[topic].partitions:
            _low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
            positions.append(TopicPartition(topic, partition, high))
    consumer.assign(positions)
    return consumer


@dataclass(frozen=True)
class Seen:
    topic: str
    key: bytes
    value: bytes
    headers: dict[str, bytes]


def _seen(message: Message) -> Seen:
    received = message.headers() or []
    pairs = received.items() if isinstance(received, dict) else received
    headers = {name: value for name, value in pairs if isinstance(value, bytes)}
    key, value = message.key(), message.value()
    return Seen(str(message.topic()), key or b"", value or b"", headers)


def consume_until(consumer: Consumer, done: Callable[[list[Seen]], bool], timeout_s: float) -> list[Seen]:
    """Polls until `done` says so or the time is up (bounded: a missing record fails, never hangs)."""
    seen: list[Seen] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not done(seen):
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            seen.append(_seen(message))
    return seen


def unique_logon(account: str) -> bytes:
    """An ECS 4624 of a sample line with a fresh account, so this run's events are unmistakable."""
    doc = json.loads((SAMPLES / "endpoint.ecs.jsonl").read_text().splitlines()[0])
    doc["winlog"]["event_data"]["TargetUserName"] = account
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("school", "format_name"), [("elms-farm", "ecs"), ("st-peters", "nxlog")])
def test_a_shipper_batch_arrives_keyed_by_school_and_account_shard(school: str, format_name: str) -> None:
    marker = f"it-{uuid.uuid4().hex[:12]}"
    body = (SAMPLES / f"endpoint.{format_name}.jsonl").read_bytes()
    if format_name == "ecs":
        body += unique_logon(marker) + b"\n"
    body += f'{{"not": "a windows event", "marker": "{marker}"}}\n'.encode()
    expected = parse(format_name, body, school)
    wanted = {event.event_id: event for event in expected.events}

    consumer = consumer_at_end(EVENTS, REJECTS)
    try:
        response = httpx.post(f"{URL}/v1/schools/{school}/{format_name}", content=body, timeout=30)
        assert response.status_code == 202, response.text
        answer = response.json()
        assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))

        def arrived(messages: list[Seen]) -> tuple[dict[str, Seen], list[Seen]]:
            events: dict[str, Seen] = {}
            rejects: list[Seen] = []
            for message in messages:
                if message.topic == EVENTS:
                    for event in events_pb2.EventBatch.FromString(message.value).events:
                        if event.event_id in wanted:
                            events[event.event_id] = message
                elif marker.encode() in events_pb2.RejectedInput.FromString(message.value).raw:
                    rejects.append(message)
            return events, rejects

        def complete(messages: list[Seen]) -> bool:
            events, rejects = arrived(messages)
            return len(events) == len(wanted) and bool(rejects)

        events, rejects = arrived(consume_until(consumer, complete, 30))
    finally:
        consumer.close()

    assert set(events) == set(wanted), f"{len(wanted) - len(events)} event(s) never arrived"
    for event_id, message in events.items():
        event = wanted[event_id]
        assert message.key == batch_key(school, event.account).encode()
        assert events_pb2.EventBatch.FromString(message.value).school_id == school
        assert answer["trace_id"] in message.headers["traceparent"].decode(), "no trace context"
    [reject] = rejects
    assert reject.key == school.encode()
    assert events_pb2.RejectedInput.FromString(reject.value).format == f"endpoint.{format_name}"
    if format_name == "ecs":
        [mine] = [wanted[i] for i in events if wanted[i].account == marker]
        assert mine.endpoint.windows_event_id == 4624
