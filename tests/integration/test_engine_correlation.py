"""The running policy-engine correlates across records and takes: an hour and more of non-work
browsing, sent in several posts, becomes exactly one NET-EXCESSIVE-NONWORK breach for the day."""

import subprocess
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition

from invigilator.breaches.v1 import breaches_pb2
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.integration

# A Wednesday in term, working hours in London (GMT in November): 09:00 + one request a minute.
START = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)
MINUTES = 75


def squid_line(account: str, at: datetime, host: str) -> str:
    request = f"TCP_TUNNEL/200 4096 CONNECT {host}:443 {account} HIER_DIRECT/1.2.3.4 -"
    return f"{at.timestamp():.3f}    120 10.20.1.77 {request}"


def post(stack: Stack, lines: list[str]) -> None:
    response = httpx.post(
        f"{stack.ingest_proxy_url}/v1/schools/elms-farm/squid", content="\n".join(lines) + "\n", timeout=30
    )
    assert response.status_code == 202, response.text


def breaches_from_now(bootstrap: str = "127.0.0.1:19092") -> Consumer:
    """A consumer positioned at the end of breaches.v1, so only what this test causes is read."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"test-{uuid.uuid4()}", "enable.auto.commit": False}
    )
    metadata = consumer.list_topics("breaches.v1", timeout=10)
    partitions = []
    for number in metadata.topics["breaches.v1"].partitions:
        _low, high = consumer.get_watermark_offsets(TopicPartition("breaches.v1", number), timeout=10)
        partitions.append(TopicPartition("breaches.v1", number, high))
    consumer.assign(partitions)
    return consumer


def read_breaches(
    consumer: Consumer, account: str, clause: str, settle_s: float, limit_s: float
) -> list[breaches_pb2.Breach]:
    """Every breach of `account` and `clause` until none came for `settle_s` after the first."""
    found: list[breaches_pb2.Breach] = []
    deadline = time.monotonic() + limit_s
    quiet_since: float | None = None
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        value = message.value() if message is not None and not message.error() else None
        if value is None:
            if quiet_since and time.monotonic() - quiet_since > settle_s:
                break
            continue
        breach = breaches_pb2.Breach.FromString(value)
        if breach.account == account and breach.clause == clause:
            found.append(breach)
            quiet_since = time.monotonic()
    return found


def test_nonwork_minutes_add_up_across_posts_into_one_breach_a_day(stack: Stack) -> None:
    account = f"nw{uuid.uuid4().hex[:8]}"
    lines = [squid_line(account, START + timedelta(minutes=m), "www.facebook.com") for m in range(MINUTES)]
    consumer = breaches_from_now()
    try:
        for start in range(0, MINUTES, 20):  # four posts: four takes at least, state carried between
            post(stack, lines[start : start + 20])
        found = read_breaches(consumer, account, "NET-EXCESSIVE-NONWORK", settle_s=3, limit_s=60)
    finally:
        consumer.close()
    assert len(found) == 1, [b.breach_id for b in found]
    [breach] = found
    assert breach.school_id == "elms-farm"
    assert breach.evidence["date"] == "2026-11-18"
    assert int(breach.evidence["minutes"]) > 60
    assert len(breach.evidence_event_ids) > 0
    assert breach.decision_id
    assert breach.policy_revision


def wait_until_engine_committed(topic: str, timeout_s: float = 30.0) -> None:
    """The engine's consumer group committed every offset of `topic` (read without joining it)."""
    reader = Consumer({"bootstrap.servers": "127.0.0.1:19092", "group.id": "invigilator-policy-engine"})
    try:
        numbers = list(reader.list_topics(topic, timeout=10).topics[topic].partitions)
        ends = {n: reader.get_watermark_offsets(TopicPartition(topic, n), timeout=10)[1] for n in numbers}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            committed = reader.committed([TopicPartition(topic, n) for n in numbers], timeout=10)
            if all(tp.offset >= ends[tp.partition] for tp in committed):
                return
            time.sleep(0.5)
    finally:
        reader.close()
    pytest.fail(f"the policy-engine did not commit {topic} within {timeout_s}s")


def restart_policy_engine() -> None:
    stop = ". scripts/stack/env.sh && stop_bg policy-engine"
    subprocess.run(["bash", "-c", stop], cwd=ROOT, check=True, capture_output=True, timeout=60)
    subprocess.run(
        [str(ROOT / "scripts/stack/services.sh"), "start"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_correlation_state_survives_a_restart_of_the_engine(stack: Stack) -> None:
    """40 minutes before the restart and 30 after: only the sum crosses the 60-minute threshold, so
    the breach proves the state was recovered from the table's changelog."""
    account = f"nr{uuid.uuid4().hex[:8]}"
    lines = [squid_line(account, START + timedelta(minutes=m), "www.facebook.com") for m in range(70)]
    consumer = breaches_from_now()
    try:
        post(stack, lines[:40])
        # Each line is also a NET-SOCIAL breach: all 40 seen means the engine judged them all.
        assert len(read_breaches(consumer, account, "NET-SOCIAL", settle_s=2, limit_s=60)) == 40
        wait_until_engine_committed("events.proxy.v1")  # so nothing is replayed after the restart
        restart_policy_engine()
        post(stack, lines[40:])
        found = read_breaches(consumer, account, "NET-EXCESSIVE-NONWORK", settle_s=3, limit_s=90)
    finally:
        consumer.close()
    assert len(found) == 1
    assert int(found[0].evidence["minutes"]) == 61  # reported when the 61st minute crossed 60
