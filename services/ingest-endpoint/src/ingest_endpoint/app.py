"""HTTP adapter: Winlogbeat (ECS) or NXLog JSON lines POSTed per school, written to Kafka.

`POST /v1/schools/{school}/ecs|nxlog` is the shared svckit batch route (API key per school, size
limit, 503 when Kafka refuses so the shipper retries); this module only supplies the parser. With
`kafka_input_enabled` the lifespan also runs the Kafka input (`kafka_input.py`: Winlogbeat's Kafka
output read from `raw.winlogbeat.v1`), and /readyz reports it.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from ingest_endpoint.ingest import FORMATS, ParsedBatch, parse
from ingest_endpoint.kafka_input import BatchConsumer, KafkaInput, consumer_factory
from ingest_endpoint.settings import IngestEndpointSettings
from svckit.apikeys import ApiKeys
from svckit.health import ReadinessCheck, health_router
from svckit.ingest_http import Produce, batch_router, warn_if_open


def create_app(
    settings: IngestEndpointSettings,
    produce: Produce,
    make_consumer: Callable[[], BatchConsumer] | None = None,
) -> FastAPI:
    """`make_consumer`: the Kafka input's consumer (a real one from the settings when None)."""
    zone = ZoneInfo(settings.timezone)
    keys = ApiKeys(settings.api_keys)
    kafka_input = (
        KafkaInput(settings, produce, make_consumer or consumer_factory(settings))
        if settings.kafka_input_enabled
        else None
    )
    checks: dict[str, ReadinessCheck] = {}
    if kafka_input is not None:
        ready = kafka_input.ready

        async def kafka_input_ready() -> bool:
            return ready()

        checks["kafka_input"] = kafka_input_ready

    def parse_body(school_id: str, format_name: str, body: bytes) -> ParsedBatch:
        # Bytes go straight in: a line that is not UTF-8 becomes a reject, not a failed batch.
        return parse(format_name, body, school_id, local_zone=zone)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warn_if_open(keys, settings)
        if kafka_input is not None:
            kafka_input.start()
        try:
            yield
        finally:
            if kafka_input is not None:
                await asyncio.to_thread(kafka_input.stop)

    app = FastAPI(title="Invigilator ingest-endpoint", version="0.1.0", lifespan=lifespan)
    app.include_router(health_router(checks))
    app.include_router(
        batch_router(
            settings,
            produce,
            FORMATS,
            parse_body,
            "JSON lines of Windows endpoint events: ecs (Winlogbeat) or nxlog (NXLog to_json)",
            keys,
        )
    )
    return app
