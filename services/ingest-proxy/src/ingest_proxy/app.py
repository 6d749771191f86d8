"""HTTP adapter: proxies (or a shipper tailing access.log) POST text batches of log lines."""

import asyncio
import logging
from collections.abc import Iterator
from typing import Annotated
from zoneinfo import ZoneInfo

from confluent_kafka import KafkaException, Producer
from fastapi import FastAPI, HTTPException, Path, Request, status
from pydantic import BaseModel

from ingest_proxy.ingest import ParsedBatch, formats, parse_text
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.vendor_csv import ColumnMapping
from svckit.batching import event_batches
from svckit.health import health_router
from svckit.kafka import OutRecord, produce_all
from svckit.tracing import current_trace_id, inject_headers

log = logging.getLogger(__name__)

SchoolId = Annotated[
    str, Path(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$", description="the school's id, e.g. elms-farm")
]


class IngestResult(BaseModel):
    accepted: int
    rejected: int
    records: int
    trace_id: str


def _records(parsed: ParsedBatch, school_id: str, settings: IngestProxySettings) -> Iterator[OutRecord]:
    headers = inject_headers()
    for key, batch in event_batches(parsed.events, settings.shards, settings.max_batch_events):
        yield OutRecord(settings.events_topic, key, batch.SerializeToString(), headers)
    for reject in parsed.rejects:
        yield OutRecord(settings.rejected_topic, school_id, reject.SerializeToString(), headers)


def create_app(
    settings: IngestProxySettings, producer: Producer, mappings: dict[str, ColumnMapping]
) -> FastAPI:
    known = formats(mappings)
    zone = ZoneInfo(settings.timezone)

    app = FastAPI(title="Invigilator ingest-proxy", version="0.1.0")
    app.include_router(health_router())

    @app.post(
        "/v1/schools/{school_id}/{format_name}",
        status_code=status.HTTP_202_ACCEPTED,
        summary="A text batch of proxy log records: squid, e2guardian, or <vendor>-csv (text/plain)",
    )
    async def ingest(school_id: SchoolId, format_name: str, request: Request) -> IngestResult:
        if format_name not in known:
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                f"unknown format {format_name!r}; known: {', '.join(sorted(known))}",
            )
        body = await request.body()
        if len(body) > settings.max_body_bytes:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE,
                f"body over {settings.max_body_bytes} bytes: split the batch",
            )
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, f"body is not UTF-8 text: {error}") from None
        parsed = parse_text(format_name, text, school_id, zone, mappings)
        records = list(_records(parsed, school_id, settings))
        try:
            await asyncio.to_thread(produce_all, producer, records)
        except KafkaException as error:
            # Nothing was acknowledged to the sender: it keeps the lines and retries.
            log.error("kafka refused a batch for %s: %s", school_id, error)
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, "event stream unavailable, retry"
            ) from None
        return IngestResult(
            accepted=len(parsed.events),
            rejected=len(parsed.rejects),
            records=len(records),
            trace_id=current_trace_id(),
        )

    return app
