"""HTTP adapter: proxies (or a shipper tailing access.log) POST text batches of log lines.

The syslog receiver runs in the same process, started and stopped by this app's lifespan.
"""

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Annotated
from zoneinfo import ZoneInfo

from confluent_kafka import KafkaException
from fastapi import Depends, FastAPI, Header, HTTPException, Path, Request, status
from pydantic import BaseModel

from ingest_proxy.auth import ApiKeys, Verdict, presented_key
from ingest_proxy.ingest import formats, parse_text
from ingest_proxy.output import Produce, batch_records
from ingest_proxy.settings import SCHOOL_ID_PATTERN, IngestProxySettings
from ingest_proxy.syslog_server import SyslogBatcher, SyslogServer
from ingest_proxy.vendor_csv import ColumnMapping
from svckit.health import health_router
from svckit.tracing import current_trace_id, inject_headers

log = logging.getLogger(__name__)

SchoolId = Annotated[str, Path(pattern=SCHOOL_ID_PATTERN, description="the school's id, e.g. elms-farm")]


class IngestResult(BaseModel):
    accepted: int
    rejected: int
    records: int
    trace_id: str


def _key_checker(keys: ApiKeys) -> Callable[..., Awaitable[None]]:
    async def require_key(
        school_id: SchoolId,
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
    ) -> None:
        verdict = keys.verdict(presented_key(authorization, x_api_key), school_id)
        if verdict is Verdict.UNAUTHENTICATED:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "an API key is required: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if verdict is Verdict.FORBIDDEN:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this API key may not post for {school_id!r}")

    return require_key


def create_app(
    settings: IngestProxySettings, produce: Produce, mappings: dict[str, ColumnMapping]
) -> FastAPI:
    known = formats(mappings)
    zone = ZoneInfo(settings.timezone)
    keys = ApiKeys(settings.api_keys)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if not keys.enforced:
            log.warning(
                "no INGEST_PROXY_API_KEYS in the %s environment: HTTP batches are accepted WITHOUT "
                "authentication",
                settings.environment,
            )
        server: SyslogServer | None = None
        if settings.syslog_port:
            server = SyslogServer(settings, SyslogBatcher(settings, produce, zone))
            await server.start()
        app.state.syslog = server
        try:
            yield
        finally:
            if server is not None:
                await server.stop()

    app = FastAPI(title="Invigilator ingest-proxy", version="0.1.0", lifespan=lifespan)
    app.include_router(health_router())

    @app.post(
        "/v1/schools/{school_id}/{format_name}",
        status_code=status.HTTP_202_ACCEPTED,
        summary="A text batch of proxy log records: squid, e2guardian, or <vendor>-csv (text/plain)",
        dependencies=[Depends(_key_checker(keys))],
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
        records = list(batch_records(parsed, school_id, settings, inject_headers()))
        try:
            await asyncio.to_thread(produce, records)
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
