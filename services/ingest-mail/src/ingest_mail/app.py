"""HTTP adapter: mail exports and `.eml` files POSTed in batches, and the SMTP journal receiver.

The receiver runs in the same process and loop, started and stopped by this app's lifespan.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException, status

from ingest_mail.ingest import FORMATS, ParsedBatch, parse
from ingest_mail.settings import IngestMailSettings
from ingest_mail.smtp import JournalHandler, SmtpReceiver
from svckit.apikeys import ApiKeys
from svckit.health import ReadinessCheck, health_router
from svckit.ingest_http import Produce, batch_router, warn_if_open


def create_app(settings: IngestMailSettings, produce: Produce) -> FastAPI:
    keys = ApiKeys(settings.api_keys)
    domains = {school: frozenset(names) for school, names in settings.own_domains.items()}
    receiver = SmtpReceiver(settings, JournalHandler(settings, produce)) if settings.smtp_port else None

    def parse_body(school_id: str, format_name: str, body: bytes) -> ParsedBatch:
        own = domains.get(school_id)
        if own is None:
            # Without its own domains no message of the school has a direction or an account.
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                f"no mail domains configured for {school_id!r} (INGEST_MAIL_OWN_DOMAINS)",
            )
        return parse(format_name, body, school_id, own)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warn_if_open(keys, settings)
        if receiver is not None:
            await receiver.start()
        try:
            yield
        finally:
            if receiver is not None:
                await receiver.stop()

    checks: dict[str, ReadinessCheck] = {}
    if receiver is not None:

        async def smtp_serving() -> bool:
            return receiver.serving

        checks["smtp"] = smtp_serving

    app = FastAPI(title="Invigilator ingest-mail", version="0.1.0", lifespan=lifespan)
    app.state.smtp = receiver
    app.include_router(health_router(checks))
    app.include_router(
        batch_router(
            settings,
            produce,
            FORMATS,
            parse_body,
            "A mail export or one message: eml, exchange-tracking, m365-trace or gmail (envelopes only)",
            keys,
        )
    )
    return app
