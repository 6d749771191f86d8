"""HTTP adapter: proxies (or a shipper tailing access.log) POST text batches of log lines.

The syslog receiver runs in the same process, started and stopped by this app's lifespan.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

from fastapi import FastAPI

from ingest_proxy.ingest import ParsedBatch, formats, parse_text
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.syslog_server import SyslogBatcher, SyslogServer
from ingest_proxy.vendor_csv import ColumnMapping
from svckit.apikeys import ApiKeys
from svckit.health import health_router
from svckit.ingest_http import BadInputError, Produce, batch_router, warn_if_open


def create_app(
    settings: IngestProxySettings, produce: Produce, mappings: dict[str, ColumnMapping]
) -> FastAPI:
    zone = ZoneInfo(settings.timezone)
    keys = ApiKeys(settings.api_keys)

    def parse(school_id: str, format_name: str, body: bytes) -> ParsedBatch:
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BadInputError(f"body is not UTF-8 text: {error}") from None
        return parse_text(format_name, text, school_id, zone, mappings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warn_if_open(keys, settings)
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
    app.include_router(
        batch_router(
            settings,
            produce,
            formats(mappings),
            parse,
            "A text batch of proxy log records: squid, e2guardian, or <vendor>-csv (text/plain)",
            keys,
        )
    )
    return app
