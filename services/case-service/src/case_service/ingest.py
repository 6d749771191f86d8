"""Adapter: consume breaches.v1 and turn each record into one committed database transaction.

The Kafka offset is committed only after the transaction committed (house rule 9), so a crash
replays the record, and the idempotent breach insert makes the replay change nothing.
"""

import asyncio
import logging
from datetime import UTC, datetime

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer
from google.protobuf.timestamp_pb2 import Timestamp
from opentelemetry import trace
from sqlalchemy.exc import DataError, DBAPIError

from case_service.db.engine import SessionMaker
from case_service.db.store import store_breach
from case_service.domain.breaches import InvalidBreachError, parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.settings import CaseServiceSettings
from invigilator.events.v1 import events_pb2
from svckit.kafka import make_consumer, make_producer, produce_sync
from svckit.tracing import consumer_span, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

REJECT_FORMAT = "case-service.breach"
POLL_TIMEOUT_S = 1.0
MAX_RETRY_DELAY_S = 30.0
CONSUMER_ERROR_DELAY_S = 5.0


class BreachIngest:
    def __init__(
        self, settings: CaseServiceSettings, sessions: SessionMaker, stop: asyncio.Event, wake: asyncio.Event
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._stop = stop
        self._wake = wake  # tells the outbox publisher that a new row is waiting
        self._key = settings.pseudonym_key_bytes()

    async def run(self) -> None:
        bootstrap = self._settings.kafka_bootstrap_servers
        consumer = make_consumer(bootstrap, self._settings.consumer_group_id, [self._settings.breaches_topic])
        rejects = make_producer(bootstrap, "case-service-rejects")
        log.info("consuming %s as %s", self._settings.breaches_topic, self._settings.consumer_group_id)
        try:
            while not self._stop.is_set():
                message: Message | None = await asyncio.to_thread(consumer.poll, POLL_TIMEOUT_S)
                if message is None:
                    continue
                if message.error() is not None:
                    await self._on_consumer_error(message)
                    continue
                if await self._handle(message, rejects):
                    await asyncio.to_thread(self._commit, consumer, message)
        finally:
            await asyncio.to_thread(consumer.close)
            await asyncio.to_thread(rejects.flush, 5.0)

    @staticmethod
    async def _on_consumer_error(message: Message) -> None:
        """Fatal errors end the loop; others (a topic not created yet, a broker away) are waited out."""
        err = message.error()
        if err is None or err.code() == KafkaError._PARTITION_EOF:
            return
        if err.fatal():
            raise KafkaException(err)
        log.warning("consumer: %s; retrying in %.0fs", err.str(), CONSUMER_ERROR_DELAY_S)
        await asyncio.sleep(CONSUMER_ERROR_DELAY_S)

    @staticmethod
    def _commit(consumer: Consumer, message: Message) -> None:
        consumer.commit(message=message, asynchronous=False)

    async def _handle(self, message: Message, rejects: Producer) -> bool:
        """Process one record; False only when stopping before its transaction committed."""
        attributes: dict[str, str | int] = {
            "messaging.system": "kafka",
            "messaging.destination.name": message.topic() or "",
            "messaging.kafka.partition": message.partition() or 0,
            "messaging.kafka.offset": message.offset() or 0,
        }
        span_name = f"{self._settings.breaches_topic} process"
        with consumer_span(tracer, span_name, message.headers(), **attributes):
            try:
                breach = parse_breach(message.value())
            except InvalidBreachError as exc:
                await self._reject(rejects, message, str(exc))
                return True
            trace.get_current_span().set_attribute("invigilator.breach_id", breach.breach_id)
            staff = pseudonym(self._key, breach.school_id, breach.account)
            trace_headers = inject_headers()
            delay = 0.5
            while not self._stop.is_set():
                try:
                    async with self._sessions() as session, session.begin():
                        event = await store_breach(
                            session,
                            breach,
                            staff,
                            case_events_topic=self._settings.case_events_topic,
                            headers=trace_headers,
                            now=datetime.now(UTC),
                        )
                except DataError as exc:  # the database refuses this record's values: a poison pill
                    await self._reject(rejects, message, f"database refused the breach: {exc.orig}")
                    return True
                except DBAPIError as exc:  # unreachable, or a concurrent writer opened the case first
                    log.warning("breach %s not stored, retrying in %.1fs: %s", breach.breach_id, delay, exc)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, MAX_RETRY_DELAY_S)
                    continue
                if event is None:
                    log.info("breach %s already stored; nothing to do", breach.breach_id)
                else:
                    log.info("breach %s → case %s (%s)", breach.breach_id, event.case_id, event.type)
                    self._wake.set()
                return True
            return False

    async def _reject(self, rejects: Producer, message: Message, reason: str) -> None:
        key = message.key() or b""
        key_text = key.decode(errors="replace") if isinstance(key, bytes) else str(key)
        log.warning("rejecting %s[%s]@%s: %s", message.topic(), message.partition(), message.offset(), reason)
        received_at = Timestamp()
        received_at.FromDatetime(datetime.now(UTC))
        rejected = events_pb2.RejectedInput(
            format=REJECT_FORMAT,
            school_id=key_text.split("/", 1)[0],
            raw=message.value() or b"",
            reason=reason,
            received_at=received_at,
        )
        await asyncio.to_thread(
            produce_sync,
            rejects,
            self._settings.rejects_topic,
            key,
            rejected.SerializeToString(),
            inject_headers(),
        )
