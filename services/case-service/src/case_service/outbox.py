"""Adapter: publish outbox rows to Kafka, marking each published only after the broker acknowledged.

Rows are read in id order with `FOR UPDATE SKIP LOCKED`; a restart resumes from the unpublished
rows. Delivery is at-least-once: the alerter dedupes on `case_event_id`.
"""

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from confluent_kafka import KafkaException, Producer
from opentelemetry import trace
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from case_service.db.engine import SessionMaker
from case_service.db.models import Outbox
from case_service.settings import CaseServiceSettings
from svckit.kafka import make_producer, produce_sync
from svckit.tracing import extract_context, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

RETRY_DELAY_S = 5.0


def _publish(producer: Producer, row: Outbox) -> None:
    stored = [(name, value.encode()) for name, value in row.headers]
    with tracer.start_as_current_span(
        f"{row.topic} publish",
        context=extract_context(stored),
        kind=trace.SpanKind.PRODUCER,
        attributes={"messaging.system": "kafka", "messaging.destination.name": row.topic},
    ):
        # Same trace as the transaction that wrote the row, one span further down.
        produce_sync(producer, row.topic, row.key, row.payload, inject_headers())


async def publish_pending(sessions: SessionMaker, producer: Producer, limit: int) -> int:
    """Publish up to `limit` unpublished rows in order; return how many were acknowledged."""
    published = 0
    async with sessions() as session, session.begin():
        rows = (
            await session.scalars(
                select(Outbox)
                .where(Outbox.published_at.is_(None))
                .order_by(Outbox.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        for row in rows:
            try:
                await asyncio.to_thread(_publish, producer, row)
            except KafkaException as exc:
                log.warning("outbox row %s not acknowledged, will retry: %s", row.id, exc)
                break  # keep order: nothing after an unacknowledged row is sent
            row.published_at = datetime.now(UTC)
            published += 1
    return published


class OutboxPublisher:
    def __init__(
        self, settings: CaseServiceSettings, sessions: SessionMaker, stop: asyncio.Event, wake: asyncio.Event
    ) -> None:
        self._settings = settings
        self._sessions = sessions
        self._stop = stop
        self._wake = wake

    async def run(self) -> None:
        # No linger: each row waits for its acknowledgement before the next is sent.
        producer = make_producer(
            self._settings.kafka_bootstrap_servers, "case-service-outbox", **{"linger.ms": 0}
        )
        limit = self._settings.outbox_batch_size
        try:
            while not self._stop.is_set():
                try:
                    sent = await publish_pending(self._sessions, producer, limit)
                except DBAPIError as exc:
                    log.warning("outbox not readable, retrying in %.0fs: %s", RETRY_DELAY_S, exc)
                    await self._pause(RETRY_DELAY_S)
                    continue
                if sent:
                    log.info("published %d case event(s)", sent)
                if sent < limit:
                    await self._pause(self._settings.outbox_poll_interval_s)
        finally:
            await asyncio.to_thread(producer.flush, 5.0)

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()
