"""The alerter's FastAPI app: health, GraphQL, the acknowledgement link, and in its lifespan the
three loops (Kafka consumer, outbox sender, scheduler of digests and escalations)."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from confluent_kafka import Consumer, Producer
from fastapi import FastAPI

from alerter.api.ack import ack_router
from alerter.api.auth import TokenValidator, validator_from_settings
from alerter.api.graphql import GraphQLDeps, graphql_router
from alerter.channels.senders import Channels
from alerter.config import TrustConfig
from alerter.consumer import CaseEventConsumer
from alerter.db.engine import database_ready, make_engine, make_sessionmaker
from alerter.domain.timing import Clock, utc_now
from alerter.loops import OutboxSender, Scheduler, supervise
from alerter.metrics import AlerterMetrics
from alerter.settings import AlerterSettings
from svckit.health import health_router

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_S = 10.0


@dataclass
class Parts:
    """What a test may reach into: the loops' single steps run under its own clock."""

    sender: OutboxSender
    scheduler: Scheduler
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def create_app(
    settings: AlerterSettings,
    config: TrustConfig,
    *,
    consumer_factory: Callable[[], Consumer] | None = None,
    rejects_factory: Callable[[], Producer] | None = None,
    run_loops: bool = True,
    validator: TokenValidator | None = None,
    clock: Clock = utc_now,
    metrics: AlerterMetrics | None = None,
) -> FastAPI:
    engine = make_engine(settings.database_url)
    sessions = make_sessionmaker(engine)
    http = httpx.AsyncClient()
    metrics = metrics or AlerterMetrics()
    channels = Channels(settings, config, http)
    parts = Parts(
        OutboxSender(settings, config, sessions, channels, metrics, clock),
        Scheduler(config, sessions, metrics, clock),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop, wake = asyncio.Event(), asyncio.Event()
        if run_loops:
            loops = {
                "sender": lambda: parts.sender.run(stop, wake),
                "scheduler": lambda: parts.scheduler.run(stop, wake, settings.schedule_interval_s),
            }
            if consumer_factory is not None and rejects_factory is not None:
                consumer = CaseEventConsumer(
                    consumer_factory,
                    rejects_factory,
                    settings.rejects_topic,
                    sessions,
                    config,
                    clock,
                    metrics,
                )
                loops["consumer"] = lambda: consumer.run(stop, wake)
            for name, loop in loops.items():
                parts.tasks.append(asyncio.create_task(supervise(name, loop, stop), name=name))
        try:
            yield
        finally:
            stop.set()
            wake.set()
            if parts.tasks:
                _done, pending = await asyncio.wait(parts.tasks, timeout=SHUTDOWN_GRACE_S)
                for task in pending:
                    task.cancel()
                await asyncio.gather(*parts.tasks, return_exceptions=True)
                parts.tasks.clear()
            await http.aclose()
            await engine.dispose()

    async def database() -> bool:
        return await database_ready(engine)

    async def loops_running() -> bool:
        return all(not task.done() for task in parts.tasks) if run_loops else True

    app = FastAPI(title="alerter", lifespan=lifespan)
    app.state.parts = parts
    app.include_router(health_router({"database": database, "loops": loops_running}))
    deps = GraphQLDeps(
        sessions,
        validator or validator_from_settings(settings),
        config,
        clock,
        settings.failing_after_attempts,
    )
    app.include_router(graphql_router(deps), prefix="/graphql")
    app.include_router(ack_router(sessions, settings.link_key_bytes(), clock, settings.ack_confirm))
    return app
