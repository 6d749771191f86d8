"""Reading the real Kafka back in integration tests: a consumer that sees only what comes next,
bounded polling, and the records an ingest service wrote for one POST."""

import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from confluent_kafka import Consumer, Message, TopicPartition

from invigilator.events.v1 import events_pb2
from svckit.ingest_http import Parsed

BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
REJECTED_TOPIC = "events.rejected.v1"


@dataclass(frozen=True)
class Seen:
    """A consumed record (headers: those with a value)."""

    topic: str
    key: bytes
    value: bytes
    headers: dict[str, bytes]

    @classmethod
    def of(cls, message: Message) -> "Seen":
        received = message.headers() or []
        pairs = received.items() if isinstance(received, dict) else received
        headers = {name: value for name, value in pairs if isinstance(value, bytes)}
        key, value = message.key(), message.value()
        return cls(str(message.topic()), key or b"", value or b"", headers)


def end_offsets(consumer: Consumer, topic: str) -> list[TopicPartition]:
    """Every partition of `topic` positioned at its current end (empty when the topic is missing)."""
    metadata = consumer.list_topics(topic, timeout=10).topics.get(topic)
    if metadata is None or metadata.error is not None:
        return []
    positions = []
    for partition in metadata.partitions:
        _low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=10)
        positions.append(TopicPartition(topic, partition, high))
    return positions


def consumer_at_end(*topics: str, group: str) -> Consumer:
    """A consumer (in a fresh `group`-… group) at the current end of every partition: it sees only
    what comes next."""
    consumer = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"{group}-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
        }
    )
    positions = []
    for topic in topics:
        at_end = end_offsets(consumer, topic)
        if not at_end:
            consumer.close()
            raise AssertionError(f"{topic} does not exist")
        positions += at_end
    consumer.assign(positions)
    return consumer


def consume_until(consumer: Consumer, done: Callable[[list[Seen]], bool], timeout_s: float) -> list[Seen]:
    """Polls until `done` says so or the time is up (bounded: a missing record fails, never hangs)."""
    seen: list[Seen] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not done(seen):
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            seen.append(Seen.of(message))
    return seen


def post_and_collect(
    url: str, body: bytes, expected: Parsed, marker: str, events_topic: str
) -> tuple[dict[str, Any], dict[str, Seen], list[Seen]]:
    """POSTs the body to a running ingest service; returns its answer, the record holding each
    expected event (all must arrive) and the rejects whose raw bytes hold `marker`."""
    wanted = {event.event_id for event in expected.events}
    marked = sum(marker.encode() in reject.raw for reject in expected.rejects)

    def arrived(messages: list[Seen]) -> tuple[dict[str, Seen], list[Seen]]:
        events: dict[str, Seen] = {}
        rejects: list[Seen] = []
        for message in messages:
            if message.topic == events_topic:
                for event in events_pb2.EventBatch.FromString(message.value).events:
                    if event.event_id in wanted:
                        events[event.event_id] = message
            elif marker.encode() in events_pb2.RejectedInput.FromString(message.value).raw:
                rejects.append(message)
        return events, rejects

    def complete(messages: list[Seen]) -> bool:
        events, rejects = arrived(messages)
        return len(events) == len(wanted) and len(rejects) >= marked

    consumer = consumer_at_end(events_topic, REJECTED_TOPIC, group=f"it-{events_topic}")
    try:
        response = httpx.post(url, content=body, timeout=30)
        assert response.status_code == 202, response.text
        answer: dict[str, Any] = response.json()
        events, rejects = arrived(consume_until(consumer, complete, 30))
    finally:
        consumer.close()
    assert set(events) == wanted, f"{len(wanted) - len(events)} event(s) never arrived"
    return answer, events, rejects
