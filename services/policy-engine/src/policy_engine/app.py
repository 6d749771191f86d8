"""faust-streaming adapter: one agent per event topic takes micro-batch records, judges them per
record key (`school/shard`) with OPA and the correlations, and produces breaches.

Each key's correlation state lives in a table of its agent (`state_table`). Offsets of a take are
acked only after its breaches were delivered and its state written, so a crash replays the take;
replays give the same breach ids (decisions.breach_id, correlation/emit.py) and downstream
dedupes on them.
"""

import asyncio
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import faust
from google.protobuf.message import DecodeError
from opentelemetry import trace
from opentelemetry.trace import Link

from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2
from policy_engine import telemetry
from policy_engine.correlation import Correlator
from policy_engine.directory import enricher, snapshots
from policy_engine.judging import Judge, Judgement
from policy_engine.opa import OpaClient
from policy_engine.recovery import SeekFirstTableManager
from policy_engine.settings import PolicyEngineSettings
from policy_engine.state_table import DecodedStates, DirectoryTable, PartitionedTable, writing_to
from svckit.tracing import extract_context, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass
class KeyBatch:
    """The events of one record key in a take, and the partition they came from."""

    partition: int
    school_id: str
    events: list[events_pb2.Event] = field(default_factory=list)


def create_app(settings: PolicyEngineSettings, opa: OpaClient) -> faust.App:
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        value_serializer="raw",
        key_serializer="raw",
        topic_partitions=settings.partitions,
        topic_disable_leader=True,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        TableManager=SeekFirstTableManager,
        web_bind=settings.web_host,
        web_port=settings.web_port,
        web_host=settings.web_host,
    )
    # Every worker holds the whole directory (a global table over its compacted changelog); faust
    # recovers it before any stream runs, so events are enriched from what was known.
    profiles = DirectoryTable(
        app,
        name="directory",
        default=None,
        partitions=settings.partitions,
        key_type=bytes,
        value_type=bytes,
        help="account profile per school/account, from the directory snapshots",
    )
    app.tables.add(profiles)
    judge = Judge(
        opa,
        Correlator(retention=timedelta(hours=settings.correlation_retention_hours)),
        enrich=enricher(profiles),
    )
    lag = timedelta(seconds=settings.watermark_lag_s)
    max_skew = timedelta(seconds=settings.max_clock_skew_s)
    breaches_topic = app.topic(settings.breaches_topic, value_type=bytes, key_type=bytes)
    rejected_topic = app.topic(settings.rejected_topic, value_type=bytes, key_type=bytes)

    async def reject(raw: bytes, reason: str) -> None:
        rejected = events_pb2.RejectedInput(format="events.batch", raw=raw, reason=reason)
        rejected.received_at.FromDatetime(datetime.now(UTC))
        log.error("rejected a record: %s", reason)
        await (await rejected_topic.send(value=rejected.SerializeToString()))

    async def publish(found: list[breaches_pb2.Breach]) -> None:
        headers = inject_headers()
        pending = [
            await breaches_topic.send(
                key=f"{breach.school_id}/{breach.account}".encode(),
                value=breach.SerializeToString(),
                headers=headers,
            )
            for breach in found
        ]
        for delivery in pending:  # all delivered before the source offsets can be committed
            await delivery

    async def judge_take(
        table: PartitionedTable, decoded: DecodedStates, by_key: dict[bytes, KeyBatch]
    ) -> int:
        """One OPA query per school for the take's events (then one for their observations), each
        key counted on its own state; the states are written only after the breaches are out."""
        now = datetime.now(UTC)
        stored = {key: table.get(key) for key in by_key}
        states = {key: decoded.get(key, value) for key, value in stored.items()}
        by_school: dict[str, list[bytes]] = defaultdict(list)
        for key, group in by_key.items():
            by_school[group.school_id].append(key)
        # Schools hold disjoint keys, so their queries run side by side (OpaClient bounds how many
        # are in flight across all agents); results are added in a fixed order.
        judgement = Judgement()
        for judged in await asyncio.gather(
            *(
                judge.judge_groups(school_id, [(states[k].correlation, by_key[k].events) for k in keys], now)
                for school_id, keys in by_school.items()
            )
        ):
            judgement.add(judged)
        for key, group in by_key.items():
            states[key].saw(group.events, now + max_skew)
        watermarks = [(state.correlation, state.newest - lag) for state in states.values() if state.newest]
        judgement.add(await judge.advance_all(watermarks, now))
        for error in judgement.errors:
            log.error("policy configuration problem: %s", error)
        await publish(judgement.breaches)
        for key, state in states.items():
            dumped = state.dump()
            if dumped != stored[key]:
                with writing_to(by_key[key].partition):
                    table[key] = dumped
                decoded.wrote(key, dumped, state)
        return len(judgement.breaches)

    async def judge_records(
        table: PartitionedTable, decoded: DecodedStates, events: Sequence[faust.EventT[bytes]]
    ) -> None:
        by_key: dict[bytes, KeyBatch] = {}
        for event in events:
            message = event.message
            try:
                batch = events_pb2.EventBatch.FromString(cast(bytes, event.value))
            except DecodeError as error:
                await reject(cast(bytes, event.value), f"not an EventBatch: {error}")
                continue
            key = message.key if isinstance(message.key, bytes) else batch.school_id.encode()
            group = by_key.setdefault(key, KeyBatch(message.partition, batch.school_id))
            group.events.extend(batch.events)
            for profile_key, profile in snapshots(batch.events):  # before the take is judged
                profiles[profile_key] = profile.SerializeToString()
        contexts = [extract_context(event.message.headers or []) for event in events]
        producers = [trace.get_current_span(ctx).get_span_context() for ctx in contexts]
        links = [Link(span) for span in producers if span.is_valid]
        # Records of one trace (one HTTP post) continue it; a take mixing traces links to each.
        parent = contexts[0] if len({span.trace_id for span in producers}) == 1 else None
        with tracer.start_as_current_span(
            "judge",
            context=parent,
            links=links,
            kind=trace.SpanKind.CONSUMER,
            attributes={"records": len(events), "keys": len(by_key)},
        ) as span:
            judged = sum(len(group.events) for group in by_key.values())
            with decoded.take(by_key):
                found = await judge_take(
                    table, decoded, {key: group for key, group in by_key.items() if group.events}
                )
            span.set_attribute("breaches", found)
            telemetry.take_events.record(judged)
            telemetry.events_judged.add(judged)
            telemetry.breaches_produced.add(found)

    def register(topic_name: str) -> None:
        short = topic_name.removeprefix("events.").split(".")[0]
        # One table per agent, co-partitioned with its topic (see state_table).
        table = app.tables.add(
            PartitionedTable(
                app,
                name=f"correlation-{short}",
                default=None,
                partitions=settings.partitions,
                key_type=bytes,
                value_type=bytes,
                help=f"correlation state of {topic_name} per school/shard",
            )
        )

        decoded = DecodedStates()

        async def judge_events(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
            # StreamT does not declare take_events; the concrete faust.Stream does.
            async for events in cast(faust.Stream[bytes], stream).take_events(
                settings.take_records, within=settings.take_within_s
            ):
                await judge_records(cast(PartitionedTable, table), decoded, events)
                yield None

        topic = app.topic(topic_name, value_type=bytes, key_type=bytes)
        app.agent(topic, name=f"judge-{short}")(judge_events)

    for topic_name in settings.events_topics:
        register(topic_name)

    def lags() -> list[tuple[str, int, int]]:
        consumer = app.consumer
        # faust keeps the last committed offset per assigned partition (no public accessor).
        committed: dict[Any, int | None] = getattr(consumer, "_committed_offset", {})
        return [
            (tp.topic, tp.partition, max(0, consumer.highwater(tp) - (committed.get(tp) or 0)))
            for tp in consumer.assignment()
            if tp.topic in settings.events_topics
        ]

    telemetry.observe_lag(lags)

    @app.page("/healthz")
    async def healthz(_web: Any, request: Any) -> Any:
        return _web.json({"status": "ok"})

    return app
