"""Kafka and process plumbing of the engine benchmark: offsets, the engine's committed progress,
producing the stream (as fast as possible or paced), the breach listener, the plain-consumer
ceiling and the engine's memory.

Every wait is bounded; every client talks to the loopback broker the stack runs.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer, ConsumerGroupTopicPartitions, KafkaError, TopicPartition
from confluent_kafka.admin import AdminClient

from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2
from svckit.kafka import make_producer
from tests.bench.engine_stream import Record

Offsets = dict[tuple[str, int], int]
TIMEOUT_S = 10.0


def plain_consumer(bootstrap: str, name: str, **overrides: Any) -> Consumer:
    """A consumer that never joins a group or commits: partitions are assigned explicitly."""
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "group.id": name,  # required by librdkafka; never used (assign, no commits)
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
        "enable.partition.eof": False,
    }
    config.update(overrides)
    return Consumer(config)


def end_offsets(consumer: Consumer, topics: Iterable[str]) -> Offsets:
    """The high watermark of every partition of `topics`."""
    metadata = consumer.list_topics(timeout=TIMEOUT_S)
    offsets: Offsets = {}
    for topic in topics:
        if topic not in metadata.topics or metadata.topics[topic].error is not None:
            raise RuntimeError(f"topic {topic} does not exist: is the stack up (scripts/stack/up.sh)?")
        for partition in metadata.topics[topic].partitions:
            _low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=TIMEOUT_S)
            offsets[(topic, partition)] = high
    return offsets


def committed(admin: AdminClient, group: str) -> Offsets:
    """The group's committed offsets (partitions it never committed are absent)."""
    futures = admin.list_consumer_group_offsets(
        [ConsumerGroupTopicPartitions(group)], request_timeout=TIMEOUT_S
    )
    result = futures[group].result(timeout=TIMEOUT_S)
    return {(tp.topic, tp.partition): tp.offset for tp in result.topic_partitions if tp.offset >= 0}


def group_members(admin: AdminClient, group: str) -> int:
    futures = admin.describe_consumer_groups([group], request_timeout=TIMEOUT_S)
    return len(futures[group].result(timeout=TIMEOUT_S).members)


def behind(done: Offsets, target: Offsets, since: Offsets | None = None) -> int:
    """Records of `target` (end offsets) the group has not committed yet; partitions that did not
    grow beyond `since` count only when the group is behind on them already."""
    missing = 0
    for partition, end in target.items():
        start = (since or {}).get(partition, 0)
        if end <= start and partition not in done:
            continue
        missing += max(0, end - done.get(partition, 0))
    return missing


def wait_caught_up(
    admin: AdminClient, group: str, target: Offsets, timeout_s: float, since: Offsets | None = None
) -> tuple[bool, float]:
    """Polls the group's committed offsets until it has committed `target`: (caught up, when)."""
    deadline = time.perf_counter() + timeout_s
    while True:
        now = time.perf_counter()
        if behind(committed(admin, group), target, since) == 0:
            return True, now
        if now >= deadline:
            return False, now
        time.sleep(0.25)


def produce(
    bootstrap: str,
    records: Sequence[Record],
    paced: bool,
    on_produced: Callable[[Record, float], None] | None = None,
    timeout_s: float = 600.0,
) -> tuple[float, float]:
    """Produces `records` with the ingest services' producer settings (svckit.kafka): as fast as
    possible, or each at its `at` seconds after the start. Returns (first produce, all acked)."""
    producer = make_producer(bootstrap, "bench-engine")
    errors: list[KafkaError] = []

    def delivered(err: KafkaError | None, _msg: object) -> None:
        if err is not None:
            errors.append(err)

    start = time.perf_counter()
    deadline = start + timeout_s
    for record in records:
        if paced:
            wait = start + record.at - time.perf_counter()
            if wait > 0:
                producer.poll(wait)  # serves delivery reports while it waits
        while True:
            try:
                producer.produce(
                    record.topic,
                    value=record.value,
                    key=record.key,
                    headers=[("traceparent", record.traceparent.encode())],
                    on_delivery=delivered,
                )
                break
            except BufferError:  # the local queue is full: let it drain
                producer.poll(0.05)
                if time.perf_counter() > deadline:
                    raise TimeoutError("producing the benchmark stream took too long") from None
        if on_produced is not None:
            on_produced(record, time.perf_counter())
        producer.poll(0)
    remaining = producer.flush(max(1.0, deadline - time.perf_counter()))
    acked = time.perf_counter()
    if remaining or errors:
        raise RuntimeError(f"{remaining} record(s) not acknowledged; errors: {errors[:3]}")
    return start, acked


@dataclass
class Breaches:
    """What the listener saw of the benchmark's breaches (accounts with its prefix)."""

    count: int = 0
    # First arrival (perf_counter) of a breach citing each event id.
    first_by_event: dict[str, float] = field(default_factory=dict)
    clauses: dict[str, int] = field(default_factory=dict)
    last_at: float = 0.0


class BreachListener(threading.Thread):
    """Reads breaches.v1 from the given offsets on and records when each cited event id arrived."""

    def __init__(self, bootstrap: str, start: Offsets, prefix: str) -> None:
        super().__init__(name="breach-listener", daemon=True)
        self._consumer = plain_consumer(bootstrap, "bench-engine-breaches", **{"fetch.wait.max.ms": 10})
        self._consumer.assign([TopicPartition(t, p, offset) for (t, p), offset in start.items()])
        self._prefix = prefix
        self._halt = threading.Event()
        self.seen = Breaches()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                messages = self._consumer.consume(num_messages=500, timeout=0.05)
                arrived = time.perf_counter()
                for message in messages:
                    if message.error() is None:
                        self._note(message.value(), arrived)
        except BaseException as error:  # reported by the main thread
            self.failure = error
        finally:
            self._consumer.close()

    def _note(self, value: bytes | None, arrived: float) -> None:
        breach = breaches_pb2.Breach.FromString(value or b"")
        if not breach.account.startswith(self._prefix):
            return
        seen = self.seen
        seen.count += 1
        seen.last_at = arrived
        seen.clauses[breach.clause] = seen.clauses.get(breach.clause, 0) + 1
        for event_id in breach.evidence_event_ids:
            seen.first_by_event.setdefault(event_id, arrived)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=TIMEOUT_S)


def wait_for(
    listener: BreachListener, expected: set[str], timeout_s: float, quiet_s: float | None = None
) -> bool:
    """Until every expected event id was cited by a breach (True), or the timeout; with `quiet_s`,
    also gives up after that long without a new breach."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if listener.failure is not None:
            raise RuntimeError("the breach listener failed") from listener.failure
        if expected <= listener.seen.first_by_event.keys():
            return True
        last = listener.seen.last_at
        if quiet_s is not None and last and time.perf_counter() - last > quiet_s:
            return False
        time.sleep(0.05)
    return expected <= listener.seen.first_by_event.keys()


@dataclass(frozen=True)
class Ceiling:
    records: int
    events: int
    seconds: float


def ceiling(bootstrap: str, start: Offsets, end: Offsets, timeout_s: float) -> Ceiling:
    """A plain confluent-kafka consumer reading [start, end) of every partition and decoding each
    record as an EventBatch: the most one Python process can take from the topics."""
    consumer = plain_consumer(bootstrap, "bench-engine-ceiling")
    wanted = {partition: stop for partition, stop in end.items() if stop > start.get(partition, 0)}
    consumer.assign([TopicPartition(t, p, start.get((t, p), 0)) for (t, p) in wanted])
    records = events = 0
    began = time.perf_counter()
    deadline = began + timeout_s
    try:
        while wanted and time.perf_counter() < deadline:
            for message in consumer.consume(num_messages=1000, timeout=0.5):
                if message.error() is not None:
                    continue
                partition = (message.topic(), message.partition())
                if partition not in wanted:
                    continue
                batch = events_pb2.EventBatch.FromString(message.value() or b"")
                records += 1
                events += len(batch.events)
                if (message.offset() or 0) + 1 >= wanted[partition]:
                    del wanted[partition]
        seconds = time.perf_counter() - began
    finally:
        consumer.close()
    if wanted:
        raise TimeoutError(f"the ceiling consumer did not reach the end of {sorted(wanted)}")
    return Ceiling(records, events, seconds)


class MemoryWatch(threading.Thread):
    """Samples a process's resident memory (VmRSS) while the benchmark runs; VmHWM is read at the end."""

    def __init__(self, pid: int, every_s: float = 0.25) -> None:
        super().__init__(name="memory-watch", daemon=True)
        self.pid = pid
        self.every_s = every_s
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(self.every_s):
            rss = proc_status_kb(self.pid, "VmRSS")
            if rss is None:
                return
            self.peak_kb = max(self.peak_kb, rss)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=TIMEOUT_S)


def proc_status_kb(pid: int, field_name: str) -> int | None:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM), or None when the process is gone."""
    try:
        text = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{field_name}:"):
            return int(line.split()[1])
    return None


def reset_peak(pid: int) -> bool:
    """Resets the process's VmHWM to its current RSS (clear_refs 5); False when not permitted."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5", encoding="utf-8")
    except OSError:
        return False
    return True


def engine_pid(pidfile: Path) -> int | None:
    try:
        pid = int(pidfile.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None
    return pid if Path(f"/proc/{pid}").exists() else None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time the process has used so far (/proc/<pid>/stat), or None when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    # After the command: state is field 3, utime field 14 and stime field 15 (proc(5)).
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
