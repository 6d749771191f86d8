"""Kafka adapter: Winlogbeat's Kafka output (`raw.winlogbeat.v1`) read inside the service.

A background thread consumes micro-batches (up to `kafka_input_batch` records, waiting at most
`kafka_input_wait_s`), parses each batch with `shipped.parse_shipped` (the HTTP route's ECS path),
writes the events and rejects with the service's producer, and commits the batch's offsets only
after the producer has flushed and the broker acknowledged everything (house rule 9). A refused
write is retried on the same batch until it succeeds or the service stops (then nothing is
committed and the batch is read again); a commit that fails only means the batch may be read again:
event ids are deterministic, so duplicates collapse downstream. When the consumer itself fails it is
closed and a new one resumes from the last committed offsets.
"""

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Literal, Protocol

from confluent_kafka import KafkaError, KafkaException, Message, TopicPartition
from opentelemetry import metrics, trace

from ingest_endpoint.ingest import ParsedBatch
from ingest_endpoint.settings import IngestEndpointSettings
from ingest_endpoint.shipped import Shipped, parse_shipped
from svckit.batching import event_batches
from svckit.ingest_http import Produce
from svckit.kafka import OutRecord, make_consumer
from svckit.tracing import KafkaHeaders, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
meter = metrics.get_meter("ingest-endpoint")
RECORDS = meter.create_counter(
    "ingest_endpoint.kafka_input.records", description="raw records read from Kafka, by outcome"
)

MAX_RETRY_DELAY_S = 30.0
CONSUMER_ERROR_DELAY_S = 5.0


class BatchConsumer(Protocol):
    """The part of `confluent_kafka.Consumer` the input uses (a fake in unit tests)."""

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[Message]: ...

    def commit(
        self, *, offsets: list[TopicPartition], asynchronous: Literal[False]
    ) -> list[TopicPartition]: ...

    def close(self) -> None: ...


def consumer_factory(settings: IngestEndpointSettings) -> Callable[[], BatchConsumer]:
    def make() -> BatchConsumer:
        return make_consumer(
            settings.kafka_bootstrap_servers,
            settings.group_id,
            [settings.kafka_input_topic],
            **{"client.id": "ingest-endpoint"},
        )

    return make


def records_of(
    parsed: ParsedBatch, settings: IngestEndpointSettings, headers: KafkaHeaders
) -> Iterator[OutRecord]:
    """One `EventBatch` per school/shard key and chunk; one record per reject, keyed by its school."""
    for key, batch in event_batches(parsed.events, settings.shards, settings.max_batch_events):
        yield OutRecord(settings.events_topic, key, batch.SerializeToString(), headers)
    for reject in parsed.rejects:
        yield OutRecord(settings.rejected_topic, reject.school_id, reject.SerializeToString(), headers)


def shipped_of(messages: Sequence[Message]) -> list[Shipped]:
    """The data records of a consumed batch (error events carry no record)."""
    return [
        Shipped(
            message.value() or b"", message.topic() or "", message.partition() or 0, message.offset() or 0
        )
        for message in messages
        if message.error() is None
    ]


def next_offsets(messages: Sequence[Message]) -> list[TopicPartition]:
    """Per partition, the offset after the last record of the batch: what to commit."""
    after: dict[tuple[str, int], int] = {}
    for message in messages:
        topic, partition, offset = message.topic(), message.partition(), message.offset()
        if message.error() is None and topic is not None and partition is not None and offset is not None:
            after[topic, partition] = max(after.get((topic, partition), 0), offset + 1)
    return [TopicPartition(topic, partition, offset) for (topic, partition), offset in sorted(after.items())]


class KafkaInput:
    """`start()` in the app's lifespan, `stop()` at shutdown; `ready()` for /readyz."""

    def __init__(
        self,
        settings: IngestEndpointSettings,
        produce: Produce,
        make: Callable[[], BatchConsumer],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._produce = produce
        self._make = make
        self._clock = clock
        self._schools = frozenset(settings.kafka_input_schools)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        # Set after each consume that was handled; cleared while writes fail or the consumer is down.
        self._healthy = False
        self._last_tick = 0.0
        self._stale_s = max(30.0, 4 * settings.kafka_input_wait_s)

    def start(self) -> None:
        log.info(
            "kafka input: reading %s as group %s (batches of %d, schools %s)",
            self._settings.kafka_input_topic,
            self._settings.group_id,
            self._settings.kafka_input_batch,
            ",".join(sorted(self._schools)) or "none",
        )
        self._thread = threading.Thread(target=self._run, name="kafka-input", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 45.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)

    def ready(self) -> bool:
        alive = self._thread is not None and self._thread.is_alive()
        return alive and self._healthy and self._clock() - self._last_tick < self._stale_s

    def _run(self) -> None:
        delay = 1.0
        while not self._stop.is_set():
            consumer: BatchConsumer | None = None
            try:
                consumer = self._make()
                self._loop(consumer)
            except Exception:
                log.exception("kafka input: consumer failed; a new one starts in %.0fs", delay)
            finally:
                self._healthy = False
                if consumer is not None:
                    try:
                        consumer.close()
                    except Exception as error:
                        log.warning("kafka input: closing the consumer: %s", error)
            if self._stop.wait(delay):
                break
            delay = min(delay * 2, MAX_RETRY_DELAY_S)

    def _loop(self, consumer: BatchConsumer) -> None:
        settings = self._settings
        while not self._stop.is_set():
            messages = consumer.consume(settings.kafka_input_batch, settings.kafka_input_wait_s)
            errors = [message.error() for message in messages if message.error() is not None]
            for error in errors:
                if error is not None and error.fatal():
                    raise KafkaException(error)
            records = shipped_of(messages)
            if records:
                if not self.handle(records):
                    return  # stopping before the batch was written: nothing committed
                try:
                    consumer.commit(offsets=next_offsets(messages), asynchronous=False)
                except KafkaException as error:
                    # Written but not committed (e.g. a rebalance took the partitions): read again later.
                    log.warning("kafka input: commit failed, the batch may be read again: %s", error)
            self._last_tick = self._clock()
            self._healthy = True
            shown = [e for e in errors if e is not None and e.code() != KafkaError._PARTITION_EOF]
            if shown:
                log.warning("kafka input: %s", "; ".join(sorted({e.str() for e in shown})))
                if not records:
                    self._stop.wait(CONSUMER_ERROR_DELAY_S)

    def handle(self, records: Sequence[Shipped]) -> bool:
        """Parse and write one micro-batch; False only when stopping before it was written."""
        parsed = parse_shipped(records, self._schools)
        first = records[0]
        with tracer.start_as_current_span(
            "kafka input batch",
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.source.name": first.topic,
                "messaging.batch.message_count": len(records),
            },
        ):
            out = list(records_of(parsed, self._settings, inject_headers()))
            delay = 0.5
            while True:
                try:
                    self._produce(out)
                    break
                except KafkaException as error:
                    self._healthy = False
                    log.error("kafka input: kafka refused a batch, retrying in %.1fs: %s", delay, error)
                    if self._stop.wait(delay):
                        return False
                    delay = min(delay * 2, MAX_RETRY_DELAY_S)
        RECORDS.add(len(parsed.events), {"outcome": "event"})
        RECORDS.add(len(parsed.rejects), {"outcome": "reject"})
        if parsed.rejects:
            log.warning(
                "kafka input: %d reject(s) to %s, the first: %s",
                len(parsed.rejects),
                self._settings.rejected_topic,
                parsed.rejects[0].reason,
            )
        log.info(
            "kafka input: %d record(s) from %s (first %s) → %d event(s), %d reject(s) in %d record(s)",
            len(records),
            first.topic,
            first.position,
            len(parsed.events),
            len(parsed.rejects),
            len(out),
        )
        return True
