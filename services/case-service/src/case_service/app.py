"""The FastAPI application: GraphQL, health, and the two background loops in its lifespan."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from sqlalchemy.exc import SQLAlchemyError

from case_service.auth.authorizer import Authorizer
from case_service.auth.tokens import TokenValidator
from case_service.db.engine import database_ready, make_engine, make_sessionmaker
from case_service.db.schools import record_school_names
from case_service.graphql.context import utc_now
from case_service.graphql.router import graphql_router
from case_service.graphql.schema import build_schema
from case_service.ingest import BreachIngest
from case_service.outbox import OutboxPublisher
from case_service.settings import CaseServiceSettings
from svckit.health import health_router

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 10.0
RESTART_DELAY_S = 5.0


async def _supervise(name: str, run: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
    """Keep a background loop running: a crash is logged and the loop restarts after a pause."""
    while not stop.is_set():
        try:
            await run()
        except Exception:
            log.exception("background loop %s failed; restarting in %.0fs", name, RESTART_DELAY_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESTART_DELAY_S)


def create_app(
    settings: CaseServiceSettings,
    *,
    run_loops: bool = True,
    validator: TokenValidator | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> FastAPI:
    """`run_loops=False` serves the API only (tests, or a read replica without Kafka).

    `validator` defaults to one trusting the configured issuer's JWKS (tests may pass one holding
    a key set directly); `clock` is "now" for the workflow (tests pass a settable one).
    """
    engine = make_engine(settings.database_url, settings.db_pool_size, settings.db_max_overflow)
    sessions = make_sessionmaker(engine)
    auth = settings.auth_settings
    validator = validator or TokenValidator.from_settings(auth)
    authorizer = Authorizer(auth.opa_url, auth.opa_timeout_s)
    schema = build_schema(
        max_depth=settings.graphql_max_depth,
        max_tokens=settings.graphql_max_tokens,
        max_aliases=settings.graphql_max_aliases,
    )
    tasks: list[asyncio.Task[None]] = []

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop, wake = asyncio.Event(), asyncio.Event()
        try:
            await record_school_names(sessions, settings.school_names or {})
        except (SQLAlchemyError, OSError):  # the API still serves; School.name shows ids meanwhile
            log.exception("could not record the schools' names")
        if run_loops:
            for name, loop in (
                ("ingest", BreachIngest(settings, sessions, stop, wake).run),
                ("outbox", OutboxPublisher(settings, sessions, stop, wake).run),
            ):
                tasks.append(asyncio.create_task(_supervise(name, loop, stop), name=name))
        try:
            yield
        finally:
            stop.set()
            wake.set()
            if tasks:
                _done, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                tasks.clear()
            await authorizer.aclose()
            await engine.dispose()

    async def database() -> bool:
        return await database_ready(engine)

    async def loops_running() -> bool:
        return all(not task.done() for task in tasks) if run_loops else True

    app = FastAPI(title="case-service", lifespan=lifespan)
    app.include_router(health_router({"database": database, "loops": loops_running}))
    router = graphql_router(
        schema,
        sessions,
        validator,
        authorizer,
        pseudonym_key=settings.pseudonym_key_bytes(),
        clock=clock,
        workflow_config=settings.workflow_config,
        max_page_size=settings.graphql_max_page_size,
    )
    app.include_router(router, prefix="/graphql")
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz")
    return app
