"""faust-streaming adapter: take micro-batch records, judge them with OPA, produce breaches."""

import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import faust
from google.protobuf.message import DecodeError
from opentelemetry import trace
from opentelemetry.trace import Link

from invigilator.events.v1 import events_pb2
from policy_engine.decisions import breaches, opa_input
from policy_engine.opa import OpaClient
from policy_engine.settings import PolicyEngineSettings
from svckit.tracing import extract_context, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


def create_app(settings: PolicyEngineSettings, opa: OpaClient) -> faust.App:
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        value_serializer="raw",
        key_serializer="raw",
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_host=settings.web_host,
    )
    sources = app.topic(*settings.events_topics, value_type=bytes, key_type=bytes)
    breaches_topic = app.topic(settings.breaches_topic, value_type=bytes, key_type=bytes)
    rejected_topic = app.topic(settings.rejected_topic, value_type=bytes, key_type=bytes)

    async def reject(raw: bytes, reason: str) -> None:
        rejected = events_pb2.RejectedInput(format="events.batch", raw=raw, reason=reason)
        rejected.received_at.FromDatetime(datetime.now(UTC))
        log.error("rejected a record: %s", reason)
        await (await rejected_topic.send(value=rejected.SerializeToString()))

    async def judge(school_id: str, events: list[events_pb2.Event]) -> int:
        decision = await opa.decide(opa_input(school_id, events))
        for error in decision.errors:
            log.error("policy configuration problem for %s: %s", school_id, error)
        found = breaches(school_id, events, decision, datetime.now(UTC))
        headers = inject_headers()
        for breach in found:
            pending = await breaches_topic.send(
                key=f"{breach.school_id}/{breach.account}".encode(),
                value=breach.SerializeToString(),
                headers=headers,
            )
            await pending  # delivered before the source offsets can be committed
        return len(found)

    async def judge_records(records: Sequence[Any]) -> None:
        by_school: dict[str, list[events_pb2.Event]] = defaultdict(list)
        for record in records:
            try:
                batch = events_pb2.EventBatch.FromString(record.value)
            except DecodeError as error:
                await reject(record.value, f"not an EventBatch: {error}")
                continue
            by_school[batch.school_id].extend(batch.events)
        contexts = [extract_context(record.headers) for record in records]
        producers = [trace.get_current_span(ctx).get_span_context() for ctx in contexts]
        links = [Link(span) for span in producers if span.is_valid]
        # Records of one trace (one HTTP post) continue it; a take mixing traces links to each.
        parent = contexts[0] if len({span.trace_id for span in producers}) == 1 else None
        with tracer.start_as_current_span(
            "judge",
            context=parent,
            links=links,
            kind=trace.SpanKind.CONSUMER,
            attributes={"records": len(records)},
        ) as span:
            total = 0
            for school_id, events in by_school.items():
                total += await judge(school_id, events)
            span.set_attribute("breaches", total)

    @app.agent(sources)
    async def judge_events(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        # StreamT does not declare take_events; the concrete faust.Stream does.
        async for records in cast(faust.Stream[bytes], stream).take_events(
            settings.take_records, within=settings.take_within_s
        ):
            await judge_records(records)
            yield None

    @app.page("/healthz")
    async def healthz(_web: Any, request: Any) -> Any:
        return _web.json({"status": "ok"})

    return app
