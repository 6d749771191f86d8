"""Kafka → the alerter's tables. Each case event is one database transaction (an alert and its
outbox rows, a digest line, or a suppression count); the offset is committed only after it."""

import asyncio
import logging

from confluent_kafka import Consumer, Message
from google.protobuf.message import DecodeError
from opentelemetry import trace

from alerter.config import TrustConfig
from alerter.db.engine import SessionMaker
from alerter.db.ingest import ingest_case_event
from alerter.domain.facts import facts_from_event
from alerter.domain.timing import Clock
from alerter.metrics import AlerterMetrics
from invigilator.cases.v1 import cases_pb2
from svckit.kafka import raise_on_error
from svckit.tracing import ReceivedHeaders, consumer_span, current_trace_id

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


async def handle_case_event(
    sessions: SessionMaker,
    config: TrustConfig,
    value: bytes,
    headers: ReceivedHeaders,
    clock: Clock,
    metrics: AlerterMetrics,
) -> str:
    """One record: what it became ("immediate", "digest", "suppressed", "duplicate", "invalid")."""
    try:
        facts = facts_from_event(cases_pb2.CaseEvent.FromString(value))
    except (DecodeError, ValueError) as error:
        # Not a case event this version understands: nothing can be routed; logged, never retried.
        log.error("unusable case event (%d bytes): %s", len(value), error)
        metrics.case_events.add(1, {"outcome": "invalid"})
        return "invalid"
    with consumer_span(tracer, "alert", headers, case_id=facts.case_id, clause=facts.clause):
        async with sessions() as session, session.begin():
            outcome = await ingest_case_event(session, config, facts, clock(), current_trace_id())
    metrics.case_events.add(1, {"outcome": outcome, "severity": facts.severity})
    log.info("case event %s of case %s (%s): %s", facts.case_event_id, facts.case_id, facts.clause, outcome)
    return outcome


async def consume(
    consumer: Consumer,
    sessions: SessionMaker,
    config: TrustConfig,
    clock: Clock,
    metrics: AlerterMetrics,
    stop: asyncio.Event,
    wake: asyncio.Event,
) -> None:
    while not stop.is_set():
        message: Message | None = await asyncio.to_thread(consumer.poll, 1.0)
        if message is None:
            continue
        raise_on_error(message)
        if message.error() is not None:  # the end of a partition: nothing to handle
            continue
        outcome = await handle_case_event(
            sessions, config, message.value() or b"", message.headers(), clock, metrics
        )
        consumer.commit(message=message, asynchronous=False)
        if outcome == "immediate":
            wake.set()
