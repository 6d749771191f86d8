"""Kafka → the alerter's tables. Each case event is one database transaction (an alert and its
outbox rows, a digest line, or a suppression count); the offset is committed only after it.

A record that is not a usable `CaseEvent` goes to `events.rejected.v1` (raw bytes and reason) before
its offset is committed (house rule 9). A database that cannot be reached is waited out on the same
record. The consumer is created inside the loop: when the loop fails and is restarted, a new
consumer resumes from the last committed offset, so no record is skipped.
"""

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer
from google.protobuf.message import DecodeError
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry import trace
from sqlalchemy.exc import DBAPIError

from alerter.config import TrustConfig
from alerter.db.engine import SessionMaker
from alerter.db.ingest import ingest_case_event
from alerter.domain.facts import CaseFacts, facts_from_event
from alerter.domain.timing import Clock
from alerter.metrics import AlerterMetrics
from invigilator.cases.v1 import cases_pb2
from invigilator.events.v1 import events_pb2
from svckit.kafka import produce_sync
from svckit.tracing import ReceivedHeaders, consumer_span, current_trace_id, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

INVALID = "invalid"
REJECT_FORMAT = "alerter.case_event"
CONSUMER_ERROR_DELAY_S = 5.0
MAX_RETRY_DELAY_S = 30.0


def parse_case_event(value: bytes) -> CaseFacts:
    """The routing facts, or ValueError saying why the record cannot be routed."""
    try:
        return facts_from_event(cases_pb2.CaseEvent.FromString(value))
    except DecodeError as error:
        raise ValueError(f"not a CaseEvent: {error}") from None


async def handle_case_event(
    sessions: SessionMaker,
    config: TrustConfig,
    value: bytes,
    headers: ReceivedHeaders,
    clock: Clock,
    metrics: AlerterMetrics,
) -> str:
    """One record: "immediate", "digest", "suppressed", "duplicate" — or "invalid", written nowhere."""
    try:
        facts = parse_case_event(value)
    except ValueError as error:
        log.error("unusable case event (%d bytes): %s", len(value), error)
        metrics.case_events.add(1, {"outcome": INVALID})
        return INVALID
    with consumer_span(tracer, "alert", headers, case_id=facts.case_id, clause=facts.clause):
        async with sessions() as session, session.begin():
            outcome = await ingest_case_event(session, config, facts, clock(), current_trace_id())
    metrics.case_events.add(1, {"outcome": outcome, "severity": facts.severity})
    log.info("case event %s of case %s (%s): %s", facts.case_event_id, facts.case_id, facts.clause, outcome)
    return outcome


def rejected_record(message: Message, reason: str, now: datetime) -> bytes:
    key = message.key() or b""
    key_text = key.decode(errors="replace") if isinstance(key, bytes) else str(key)
    received_at = Timestamp()
    received_at.FromDatetime(now)
    return events_pb2.RejectedInput(
        format=REJECT_FORMAT,
        school_id=key_text.split("/", 1)[0],
        raw=message.value() or b"",
        reason=reason,
        received_at=received_at,
    ).SerializeToString()


class CaseEventConsumer:
    def __init__(
        self,
        consumer_factory: Callable[[], Consumer],
        rejects: Callable[[], Producer],
        rejects_topic: str,
        sessions: SessionMaker,
        config: TrustConfig,
        clock: Clock,
        metrics: AlerterMetrics,
    ) -> None:
        self._consumer_factory = consumer_factory
        self._rejects_factory = rejects
        self._rejects_topic = rejects_topic
        self._sessions = sessions
        self._config = config
        self._clock = clock
        self._metrics = metrics

    async def run(self, stop: asyncio.Event, wake: asyncio.Event) -> None:
        consumer = self._consumer_factory()
        rejects = self._rejects_factory()
        try:
            while not stop.is_set():
                message: Message | None = await asyncio.to_thread(consumer.poll, 1.0)
                if message is None:
                    continue
                if message.error() is not None:
                    await self._on_consumer_error(message)
                    continue
                outcome = await self._handle(message, rejects, stop)
                if outcome is None:
                    return  # stopping before the record's transaction committed: not committed
                await asyncio.to_thread(consumer.commit, message=message, asynchronous=False)
                if outcome == "immediate":
                    wake.set()
        finally:
            await asyncio.to_thread(consumer.close)
            await asyncio.to_thread(rejects.flush, 5.0)

    async def _handle(self, message: Message, rejects: Producer, stop: asyncio.Event) -> str | None:
        value = message.value() or b""
        try:
            parse_case_event(value)
        except ValueError as error:
            log.warning(
                "rejecting %s[%s]@%s: %s", message.topic(), message.partition(), message.offset(), error
            )
            record = rejected_record(message, str(error), datetime.now(UTC))
            key = message.key() or b""
            await asyncio.to_thread(produce_sync, rejects, self._rejects_topic, key, record, inject_headers())
            self._metrics.case_events.add(1, {"outcome": INVALID})
            return INVALID
        delay = 0.5
        while not stop.is_set():
            try:
                return await handle_case_event(
                    self._sessions, self._config, value, message.headers(), self._clock, self._metrics
                )
            except DBAPIError as error:  # the database away: wait it out on this very record
                log.warning("case event not stored, retrying in %.1fs: %s", delay, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_RETRY_DELAY_S)
        return None

    @staticmethod
    async def _on_consumer_error(message: Message) -> None:
        """Fatal errors end the loop (and the supervisor restarts it); others are waited out."""
        err = message.error()
        if err is None or err.code() == KafkaError._PARTITION_EOF:
            return
        if err.fatal():
            raise KafkaException(err)
        log.warning("consumer: %s; retrying in %.0fs", err.str(), CONSUMER_ERROR_DELAY_S)
        await asyncio.sleep(CONSUMER_ERROR_DELAY_S)
