"""HTTP adapter: Winlogbeat (ECS) or NXLog JSON lines POSTed per school, written to Kafka.

`POST /v1/schools/{school}/ecs|nxlog` is the shared svckit batch route (API key per school, size
limit, 503 when Kafka refuses so the shipper retries); this module only supplies the parser.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from ingest_endpoint.ingest import FORMATS, ParsedBatch, parse
from ingest_endpoint.settings import IngestEndpointSettings
from svckit.apikeys import ApiKeys
from svckit.health import health_router
from svckit.ingest_http import Produce, batch_router, warn_if_open


def create_app(settings: IngestEndpointSettings, produce: Produce) -> FastAPI:
    zone = ZoneInfo(settings.timezone)
    keys = ApiKeys(settings.api_keys)

    def parse_body(school_id: str, format_name: str, body: bytes) -> ParsedBatch:
        # Bytes go straight in: a line that is not UTF-8 becomes a reject, not a failed batch.
        return parse(format_name, body, school_id, local_zone=zone)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warn_if_open(keys, settings)
        yield

    app = FastAPI(title="Invigilator ingest-endpoint", version="0.1.0", lifespan=lifespan)
    app.include_router(health_router())
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
