"""The consumer against the real Kafka (a topic of its own): each case event stored once, the
offset committed only after the transaction, a record that is no CaseEvent sent to the rejects
topic with its bytes and reason, and a consumer stopped while the database is away commits nothing
— the next one takes the same record again."""

import asyncio
import os
import time
import uuid
from collections.abc import Callable, Iterator

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]
from sqlalchemy import func, select

from alerter.consumer import CaseEventConsumer
from alerter.db.engine import make_engine, make_sessionmaker
from alerter.db.models import CaseEventSeen
from alerter.testing import case_event
from alerter.testkit import Harness
from invigilator.events.v1 import events_pb2
from svckit.kafka import make_consumer, make_producer, produce_sync

pytestmark = pytest.mark.integration

BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
UNREACHABLE_DB = "postgresql+psycopg://invigilator:invigilator@127.0.0.1:1/invigilator?connect_timeout=1"


@pytest.fixture
def topics() -> Iterator[tuple[str, str]]:
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    names = (f"alerter-test-{uuid.uuid4().hex[:8]}", f"alerter-test-rejects-{uuid.uuid4().hex[:8]}")
    for future in admin.create_topics([NewTopic(name, 1, 1) for name in names]).values():
        try:
            future.result(timeout=30)
        except Exception as error:
            pytest.fail(
                f"Kafka unreachable at {BOOTSTRAP} ({error}): start it with scripts/stack/kafka.sh start"
            )
    yield names
    for future in admin.delete_topics(list(names)).values():
        future.result(timeout=30)


def committed(group: str, topic: str) -> int:
    probe = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group})
    try:
        [position] = probe.committed([TopicPartition(topic, 0)], timeout=10)
        return int(position.offset)
    finally:
        probe.close()


def read_all(topic: str) -> list[bytes]:
    reader = make_consumer(BOOTSTRAP, f"alerter-test-reader-{uuid.uuid4().hex}", [topic])
    found: list[bytes] = []
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline and not found:
            message = reader.poll(0.5)
            if message is not None and message.error() is None:
                found.append(message.value() or b"")
    finally:
        reader.close()
    return found


async def run_until(consumer: CaseEventConsumer, until: Callable[[], bool] | None, seconds: float) -> None:
    """Run the consumer for `seconds`, or until `until()` holds (checked every 0.25 s)."""
    stop, wake = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(consumer.run(stop, wake))
    for _ in range(int(seconds * 4)):
        if until is not None and await asyncio.to_thread(until):
            break
        await asyncio.sleep(0.25)
    stop.set()
    await asyncio.wait_for(task, 15)


async def test_offsets_follow_the_transactions_and_rejects_keep_the_bytes(
    harness: Harness, topics: tuple[str, str]
) -> None:
    topic, rejects_topic = topics
    group = f"alerter-test-{uuid.uuid4().hex[:8]}"
    producer: Producer = make_producer(BOOTSTRAP, "alerter-test")
    produce_sync(producer, topic, "elms-farm", case_event(event_id="k1").SerializeToString())
    produce_sync(producer, topic, "elms-farm/x", b"\xff not a case event")
    produce_sync(producer, topic, "elms-farm", case_event(event_id="k2", opened=False).SerializeToString())
    produce_sync(producer, topic, "elms-farm", case_event(event_id="k1").SerializeToString())  # again

    def consumer_for(database_url: str) -> CaseEventConsumer:
        return CaseEventConsumer(
            lambda: make_consumer(BOOTSTRAP, group, [topic]),
            lambda: make_producer(BOOTSTRAP, "alerter-test-rejects"),
            rejects_topic,
            make_sessionmaker(make_engine(database_url)),
            harness.config,
            harness.clock,
            harness.metrics,
        )

    # The database is away: the first record is retried, never committed; stopping leaves it.
    await run_until(consumer_for(UNREACHABLE_DB), None, 6)
    assert committed(group, topic) < 0  # nothing committed (OFFSET_INVALID)

    # A new consumer in the same group takes it again and gets through all four records.
    await run_until(consumer_for(harness.database_url), lambda: committed(group, topic) >= 4, 60)
    assert committed(group, topic) == 4
    async with harness.sessions() as session:
        outcomes = dict(
            (await session.execute(select(CaseEventSeen.case_event_id, CaseEventSeen.outcome))).all()
        )
        assert outcomes == {"k1": "immediate", "k2": "suppressed"}
        assert await session.scalar(select(func.count()).select_from(CaseEventSeen)) == 2
    [rejected] = [events_pb2.RejectedInput.FromString(raw) for raw in read_all(rejects_topic)]
    assert rejected.raw == b"\xff not a case event"
    assert rejected.school_id == "elms-farm"
    assert rejected.format == "alerter.case_event"
    assert rejected.reason.startswith("not a CaseEvent")
