"""Helpers for integration tests of the running policy-engine: Squid lines into ingest-proxy,
breaches read from the end of breaches.v1, where records landed on events.proxy.v1 and the engine
group's committed offsets. Its members and workers: engine_workers.py."""

import os
import time
import uuid
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType

import httpx
import pytest
from confluent_kafka import Consumer, TopicPartition

from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2
from policy_engine.decisions import breach_id
from svckit.ingest import event_id
from tests.stack import ROOT, Stack

BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
ENGINE_GROUP = "invigilator-policy-engine"
EVENTS_TOPIC = "events.proxy.v1"
BREACHES_TOPIC = "breaches.v1"
SCHOOL = "elms-farm"
STACK = ROOT / "scripts" / "stack"

# --- Squid lines into ingest-proxy -------------------------------------------------------------


def squid_line(account: str, at: datetime, host: str) -> str:
    request = f"TCP_TUNNEL/200 4096 CONNECT {host}:443 {account} HIER_DIRECT/1.2.3.4 -"
    return f"{at.timestamp():.3f}    120 10.20.1.77 {request}"


def post(stack: Stack, lines: list[str]) -> str:
    """Posts the lines; returns the trace id ingest-proxy gave the request."""
    response = httpx.post(
        f"{stack.ingest_proxy_url}/v1/schools/{SCHOOL}/squid", content="\n".join(lines) + "\n", timeout=30
    )
    assert response.status_code == 202, response.text
    trace_id: str = response.json()["trace_id"]
    return trace_id


def post_in_chunks(stack: Stack, lines: list[str], chunk: int, pause_s: float = 0.0) -> list[str]:
    """Posts `chunk` lines at a time, `pause_s` apart; returns the requests' trace ids."""
    traces = []
    for start in range(0, len(lines), chunk):
        traces.append(post(stack, lines[start : start + chunk]))
        time.sleep(pause_s)
    return traces


def social_breach_id(account: str, line: str) -> str:
    """The NET-SOCIAL breach id the engine must derive for this line (the same pure functions)."""
    return breach_id("NET-SOCIAL", SCHOOL, account, [event_id("proxy.squid", SCHOOL, line)])


# --- breaches.v1 -------------------------------------------------------------------------------


def breaches_from_now(bootstrap: str = BOOTSTRAP) -> Consumer:
    """A consumer positioned at the end of breaches.v1, so only what this test causes is read."""
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"test-{uuid.uuid4()}", "enable.auto.commit": False}
    )
    metadata = consumer.list_topics(BREACHES_TOPIC, timeout=10)
    partitions = []
    for number in metadata.topics[BREACHES_TOPIC].partitions:
        _low, high = consumer.get_watermark_offsets(TopicPartition(BREACHES_TOPIC, number), timeout=10)
        partitions.append(TopicPartition(BREACHES_TOPIC, number, high))
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


def collect_breaches(
    consumer: Consumer, wanted: Collection[tuple[str, str]], settle_s: float, limit_s: float
) -> dict[tuple[str, str], list[breaches_pb2.Breach]]:
    """Every breach of the wanted (account, clause) pairs, read together (reading one pair after
    another would skip the others' breaches), until each came and then none for `settle_s`."""
    found: dict[tuple[str, str], list[breaches_pb2.Breach]] = {pair: [] for pair in wanted}
    deadline = time.monotonic() + limit_s
    quiet_since = time.monotonic()
    while time.monotonic() < deadline:
        message = consumer.poll(0.5)
        value = message.value() if message is not None and not message.error() else None
        if value is not None:
            breach = breaches_pb2.Breach.FromString(value)
            if (breach.account, breach.clause) in found:
                found[breach.account, breach.clause].append(breach)
                quiet_since = time.monotonic()
        elif all(found.values()) and time.monotonic() - quiet_since > settle_s:
            break
    return found


@dataclass
class BreachTally:
    """Every breach of this test's accounts (names starting with `prefix`) that reaches
    breaches.v1 from now on, counted by breach_id: a count above one is a duplicate on the topic."""

    prefix: str
    counts: Counter[str] = field(default_factory=Counter)
    accounts: dict[str, str] = field(default_factory=dict)  # breach_id → account
    clauses: Counter[str] = field(default_factory=Counter)
    _consumer: Consumer = field(default_factory=breaches_from_now)

    def __enter__(self) -> "BreachTally":
        return self

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._consumer.close()

    def read(self, seconds: float) -> int:
        """Reads for `seconds`; returns how many of this test's breaches came meanwhile."""
        came = 0
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            message = self._consumer.poll(min(0.5, left))
            value = message.value() if message is not None and not message.error() else None
            if value is None:
                continue
            breach = breaches_pb2.Breach.FromString(value)
            if breach.account.startswith(self.prefix):
                self.counts[breach.breach_id] += 1
                self.accounts[breach.breach_id] = breach.account
                self.clauses[breach.clause] += 1
                came += 1
        return came

    def until(self, expected: Iterable[str], limit_s: float, settle_s: float = 3.0) -> float:
        """Reads until every expected breach came and then nothing more for `settle_s` (a late
        duplicate would still be counted), or until `limit_s`. Returns the seconds it took."""
        wanted = set(expected)
        started = time.monotonic()
        while time.monotonic() - started < limit_s:
            came = self.read(0.5)
            if wanted <= self.counts.keys() and not came and self.read(settle_s) == 0:
                break
        return time.monotonic() - started

    def duplicates(self) -> dict[str, int]:
        return {breach: count for breach, count in self.counts.items() if count > 1}


# --- events.proxy.v1 and the engine's consumer group --------------------------------------------


def _reader(group: str) -> Consumer:
    return Consumer({"bootstrap.servers": BOOTSTRAP, "group.id": group, "enable.auto.commit": False})


def end_offsets(topic: str = EVENTS_TOPIC) -> dict[int, int]:
    reader = _reader(f"test-{uuid.uuid4()}")
    try:
        numbers = reader.list_topics(topic, timeout=10).topics[topic].partitions
        return {n: reader.get_watermark_offsets(TopicPartition(topic, n), timeout=10)[1] for n in numbers}
    finally:
        reader.close()


def committed_offsets(topic: str = EVENTS_TOPIC) -> dict[int, int]:
    """The engine group's committed offsets (read without joining the group); -1001 = none."""
    reader = _reader(ENGINE_GROUP)
    try:
        numbers = reader.list_topics(topic, timeout=10).topics[topic].partitions
        committed = reader.committed([TopicPartition(topic, n) for n in numbers], timeout=10)
        return {tp.partition: tp.offset for tp in committed}
    finally:
        reader.close()


@dataclass(frozen=True)
class Placement:
    """Where the records holding this test's events landed on the events topic."""

    offsets: dict[int, list[int]]  # partition → offsets of records with events of ours
    account_partition: dict[str, int]
    # (partition, offset) → the NET-SOCIAL breach ids its events of ours must give
    social: dict[tuple[int, int], list[str]] = field(default_factory=dict)

    def first(self) -> dict[int, int]:
        return {p: min(found) for p, found in self.offsets.items()}

    def past_last(self) -> dict[int, int]:
        return {p: max(found) + 1 for p, found in self.offsets.items()}

    def accounts_on(self, partitions: Iterable[int]) -> set[str]:
        wanted = set(partitions)
        return {account for account, p in self.account_partition.items() if p in wanted}

    def unjudged(self, arrived: Collection[str]) -> dict[int, list[int]]:
        """Partition → offsets of records some of whose breaches never arrived."""
        found: dict[int, list[int]] = {}
        for (partition, offset), breaches in sorted(self.social.items()):
            if any(breach not in arrived for breach in breaches):
                found.setdefault(partition, []).append(offset)
        return found


def locate(prefix: str, since: dict[int, int], events: int, timeout_s: float = 30.0) -> Placement:
    """Reads the events topic from `since` until `events` events of accounts starting with
    `prefix` were seen: which records (partition, offset) hold them."""
    reader = _reader(f"test-{uuid.uuid4()}")
    offsets: dict[int, list[int]] = {}
    account_partition: dict[str, int] = {}
    social: dict[tuple[int, int], list[str]] = {}
    seen = 0
    try:
        reader.assign([TopicPartition(EVENTS_TOPIC, p, o) for p, o in since.items()])
        deadline = time.monotonic() + timeout_s
        while seen < events and time.monotonic() < deadline:
            message = reader.poll(0.5)
            value = message.value() if message is not None and not message.error() else None
            if message is None or value is None:
                continue
            batch = events_pb2.EventBatch.FromString(value)
            ours = [event for event in batch.events if event.account.startswith(prefix)]
            if ours:
                partition, offset = int(message.partition() or 0), int(message.offset() or 0)
                offsets.setdefault(partition, []).append(offset)
                account_partition.update({event.account: partition for event in ours})
                social[partition, offset] = [
                    breach_id("NET-SOCIAL", SCHOOL, event.account, [event.event_id]) for event in ours
                ]
                seen += len(ours)
    finally:
        reader.close()
    assert seen == events, f"found {seen} of {events} events of {prefix}* on {EVENTS_TOPIC}"
    return Placement(offsets, account_partition, social)


def wait_until_committed(targets: dict[int, int], timeout_s: float, topic: str = EVENTS_TOPIC) -> float:
    """Waits until the engine group committed at least `targets` (partition → offset); seconds taken."""
    started = time.monotonic()
    committed: dict[int, int] = {}
    while time.monotonic() - started < timeout_s:
        committed = committed_offsets(topic)
        if all(committed.get(p, -1) >= offset for p, offset in targets.items()):
            return time.monotonic() - started
        time.sleep(0.5)
    pytest.fail(f"the policy-engine did not commit {topic} to {targets} within {timeout_s}s: {committed}")


def wait_until_engine_committed(topic: str, timeout_s: float = 30.0) -> None:
    """The engine's consumer group committed every offset of `topic` written so far (a partition
    nothing was ever written to has nothing to commit)."""
    targets = {partition: end for partition, end in end_offsets(topic).items() if end > 0}
    wait_until_committed(targets, timeout_s, topic)
