"""The running ingest-directory (scripts/stack/services.sh start) writes DC events and the trust's
LDIF export to the real Kafka: every event keyed school/shard of its account, the school of LDIF
entries taken from their OU, and the entry that cannot be mapped kept as a reject."""

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

from ingest_directory.ingest import ParsedBatch, parse, parse_ldif
from ingest_directory.settings import DEFAULT_OU_TO_SCHOOL
from ingest_directory.snapshot import Layout
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).parent / "samples"
URL = f"http://127.0.0.1:{os.environ.get('INGEST_DIRECTORY_PORT', '18130')}"
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
EVENTS, REJECTS = "events.directory.v1", "events.rejected.v1"
# The service runs with the default layout and trust id (the local stack sets neither).
LAYOUT = Layout(ou_to_school=DEFAULT_OU_TO_SCHOOL)
TRUST_ID = "trust"


@pytest.fixture(scope="module", autouse=True)
def service_running() -> None:
    try:
        httpx.get(f"{URL}/healthz", timeout=2).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"ingest-directory does not answer on {URL} ({error!r}): scripts/stack/services.sh start")


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


def consumer_at_end(*topics: str) -> Consumer:
    """A consumer positioned at the current end of every partition: it sees only what comes next."""
    consumer = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"it-ingest-directory-{uuid.uuid4().hex}",
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


def consume_until(consumer: Consumer, done: Callable[[list[Seen]], bool], timeout_s: float) -> list[Seen]:
    """Polls until `done` says so or the time is up (bounded: a missing record fails, never hangs)."""
    seen: list[Seen] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not done(seen):
        message = consumer.poll(0.5)
        if message is not None and message.error() is None:
            seen.append(_seen(message))
    return seen


def post_and_collect(
    path: str, body: bytes, expected: ParsedBatch, marker: str
) -> tuple[dict[str, object], dict[str, Seen], list[Seen]]:
    """POSTs the body; returns the answer, the record holding each expected event, the marked rejects."""
    wanted = {event.event_id for event in expected.events}
    marked = sum(marker.encode() in reject.raw for reject in expected.rejects)

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
        return len(events) == len(wanted) and len(rejects) >= marked

    consumer = consumer_at_end(EVENTS, REJECTS)
    try:
        response = httpx.post(f"{URL}{path}", content=body, timeout=30)
        assert response.status_code == 202, response.text
        answer: dict[str, object] = response.json()
        events, rejects = arrived(consume_until(consumer, complete, 30))
    finally:
        consumer.close()
    assert set(events) == wanted, f"{len(wanted) - len(events)} event(s) never arrived"
    return answer, events, rejects


def test_dc_events_arrive_keyed_by_the_paths_school_and_account_shard() -> None:
    marker = f"it-{uuid.uuid4().hex[:12]}"
    lines = (SAMPLES / "directory.ecs.jsonl").read_text().splitlines()
    created = json.loads(lines[0])  # 4720: a user account was created
    created["winlog"]["event_data"]["TargetUserName"] = marker
    created["winlog"]["event_data"]["SamAccountName"] = marker
    body = "\n".join([*lines, json.dumps(created), json.dumps({"marker": marker})]).encode() + b"\n"
    expected = parse("ecs", body, "elms-farm")

    answer, events, rejects = post_and_collect("/v1/schools/elms-farm/ecs", body, expected, marker)

    assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))
    by_id = {event.event_id: event for event in expected.events}
    for event_id, record in events.items():
        assert record.key == batch_key("elms-farm", by_id[event_id].account).encode()
        assert events_pb2.EventBatch.FromString(record.value).school_id == "elms-farm"
        assert str(answer["trace_id"]) in record.headers["traceparent"].decode()
    assert marker in {event.account for event in expected.events}
    [reject] = rejects
    assert reject.key == b"elms-farm"


def test_the_trusts_ldif_arrives_per_school_by_ou() -> None:
    marker = f"it-{uuid.uuid4().hex[:12]}"
    probe = (
        f"\ndn: CN=Probe {marker},OU=Staff,OU=St Peter's,DC=trust,DC=local\n"
        f"objectClass: user\nsAMAccountName: {marker}\nuserAccountControl: 512\npwdLastSet: 0\n"
        f"\ndn: CN=Broken {marker},OU=Staff,OU=Elms Farm,DC=trust,DC=local\n"
        f"objectClass: user\nsAMAccountName: b{marker}\nuserAccountControl: {marker}\n"
    )
    body = (SAMPLES / "directory.ldif").read_bytes() + probe.encode()
    expected = parse_ldif(body, LAYOUT)

    answer, events, rejects = post_and_collect(f"/v1/schools/{TRUST_ID}/ldif", body, expected, marker)

    assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))
    by_id = {event.event_id: event for event in expected.events}
    schools = set()
    for event_id, record in events.items():
        event = by_id[event_id]
        schools.add(event.school_id)
        assert record.key == batch_key(event.school_id, event.account).encode()
        assert events_pb2.EventBatch.FromString(record.value).school_id == event.school_id
    assert schools == {"elms-farm", "st-peters"}
    [mine] = [by_id[i] for i in events if by_id[i].account == marker]
    assert (mine.school_id, mine.directory.account_snapshot.staff) == ("st-peters", True)
    [reject] = rejects
    assert reject.key == TRUST_ID.encode()
    rejected = events_pb2.RejectedInput.FromString(reject.value)
    assert (rejected.format, rejected.school_id) == ("directory.ldif", "elms-farm")
