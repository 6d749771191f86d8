"""A Beats-style shipper writing straight to Kafka: the real `kcat` (scripts/peers/kcat.sh) produces
Winlogbeat ECS documents, one per record, to raw.winlogbeat.v1; the running ingest-endpoint's Kafka
input turns them into events on events.endpoint.v1 (keyed school/shard) and the document without a
school into a reject, each exactly once, and commits the offsets it has read."""

import json
import os
import subprocess
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition
from tests.kafka_support import BOOTSTRAP, REJECTED_TOPIC, Seen, consume_until, consumer_at_end, end_offsets

from ingest_endpoint.ingest import parse
from ingest_endpoint.shipped import Shipped, parse_shipped
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = Path(__file__).parent / "samples"
URL = f"http://127.0.0.1:{os.environ.get('INGEST_ENDPOINT_PORT', '18120')}"
RAW = "raw.winlogbeat.v1"
EVENTS = "events.endpoint.v1"
GROUP = "invigilator-ingest-endpoint"
SCHOOLS = ("elms-farm", "st-peters")
WAIT_S = 60.0


@pytest.fixture(scope="module")
def kcat() -> str:
    done = subprocess.run(
        [str(ROOT / "scripts" / "peers" / "kcat.sh"), "ensure"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"scripts/peers/kcat.sh ensure failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module", autouse=True)
def kafka_input_running() -> None:
    try:
        answer = httpx.get(f"{URL}/readyz", timeout=5).json()
    except httpx.HTTPError as error:
        pytest.fail(f"ingest-endpoint does not answer on {URL} ({error!r}): scripts/stack/services.sh start")
    if answer.get("checks", {}).get("kafka_input") is not True:
        pytest.fail(
            f"ingest-endpoint's Kafka input is not running ({answer}): it is on in dev "
            "(INGEST_ENDPOINT_KAFKA_INPUT_ENABLED); scripts/stack/services.sh restart ingest-endpoint"
        )


def documents(marker: str) -> list[bytes]:
    """Sample ECS documents for both schools, made unique to this run, then one without a school."""
    lines = [line for line in (SAMPLES / "endpoint.ecs.jsonl").read_text().splitlines() if line.strip()]
    usable = [json.loads(line) for line in lines if parse("ecs", line.encode(), SCHOOLS[0]).events][:8]
    docs: list[dict[str, Any]] = [
        {**doc, "fields": {"school": SCHOOLS[i % 2], "run": marker}} for i, doc in enumerate(usable)
    ]
    docs.append({**usable[0], "fields": {"run": marker}})  # Beats without `fields: {school: ...}`
    return [json.dumps(doc, separators=(",", ":")).encode() for doc in docs]


def committed(partitions: list[TopicPartition]) -> dict[int, int]:
    """The service group's committed offsets (an offset fetch: this consumer never joins the group)."""
    reader = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": GROUP, "enable.auto.commit": False})
    try:
        return {tp.partition: tp.offset for tp in reader.committed(partitions, timeout=10)}
    finally:
        reader.close()


def test_kcat_documents_arrive_as_events_keyed_by_school_and_the_bad_one_as_a_reject(
    kcat: str, tmp_path: Path
) -> None:
    marker = f"kcat-{uuid.uuid4().hex[:12]}"
    lines = documents(marker)
    expected = parse_shipped([Shipped(line, RAW, 0, 0) for line in lines], SCHOOLS)
    assert len(expected.events) == len(lines) - 1
    assert len(expected.rejects) == 1
    wanted = {event.event_id: event for event in expected.events}
    assert {event.school_id for event in wanted.values()} == set(SCHOOLS)

    path = tmp_path / "winlogbeat.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")

    def found(seen: list[Seen]) -> tuple[Counter[str], list[Seen]]:
        events: Counter[str] = Counter()
        rejects = []
        for message in seen:
            if message.topic == EVENTS:
                batch = events_pb2.EventBatch.FromString(message.value)
                events.update(event.event_id for event in batch.events if event.event_id in wanted)
            elif marker.encode() in events_pb2.RejectedInput.FromString(message.value).raw:
                rejects.append(message)
        return events, rejects

    def complete(seen: list[Seen]) -> bool:
        events, rejects = found(seen)
        return set(events) == set(wanted) and len(rejects) >= 1

    reader = consumer_at_end(EVENTS, REJECTED_TOPIC, group="it-kcat")
    raw_reader = Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": f"it-kcat-{uuid.uuid4().hex}"})
    try:
        before = end_offsets(raw_reader, RAW)
        assert before, f"{RAW} does not exist: scripts/stack/up.sh creates it"
        command = [kcat, "-P", "-b", BOOTSTRAP, "-t", RAW, "-l", str(path)]
        produced = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert produced.returncode == 0, produced.stderr
        seen = consume_until(reader, complete, WAIT_S)
        # A little longer: a duplicate written after the last expected record would show here.
        seen += consume_until(reader, lambda _seen: False, 2.0)
        after = end_offsets(raw_reader, RAW)
    finally:
        reader.close()
        raw_reader.close()

    events, rejects = found(seen)
    assert set(events) == set(wanted), f"{len(set(wanted) - set(events))} event(s) never arrived"
    assert all(count == 1 for count in events.values()), f"duplicates: {events.most_common(3)}"
    for message in seen:
        if message.topic != EVENTS:
            continue
        batch = events_pb2.EventBatch.FromString(message.value)
        for event in batch.events:
            if event.event_id in wanted:
                assert event == wanted[event.event_id]
                assert message.key == batch_key(event.school_id, event.account).encode()
                assert batch.school_id == event.school_id
    [reject_message] = rejects
    reject = events_pb2.RejectedInput.FromString(reject_message.value)
    assert reject.raw == lines[-1]
    assert reject.format == "endpoint.ecs"
    assert reject.school_id == ""
    assert reject.reason.startswith(f"{RAW}[")
    assert "no school" in reject.reason
    assert sum(tp.offset for tp in after) - sum(tp.offset for tp in before) >= len(lines)

    # The input commits what it has written: the group's offsets reach the records kcat wrote.
    starts = {tp.partition: tp.offset for tp in before}
    ends = {tp.partition: tp.offset for tp in after if tp.offset > starts.get(tp.partition, 0)}
    deadline = time.monotonic() + 30
    while (now := committed([TopicPartition(RAW, p) for p in ends])) and any(now[p] < ends[p] for p in ends):
        assert time.monotonic() < deadline, f"offsets not committed: {now} < {ends}"
        time.sleep(0.5)
