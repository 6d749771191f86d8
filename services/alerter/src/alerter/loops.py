"""The alerter's background work, each step callable on its own (tests drive them with a clock):
`OutboxSender.send_due` (the outbox), `Scheduler.run_once` (digests and escalations)."""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from opentelemetry import trace

from alerter.channels.senders import Channels, SendError
from alerter.config import TrustConfig
from alerter.db import outbox
from alerter.db.engine import SessionMaker
from alerter.db.models import Delivery
from alerter.db.schedule import escalate_due, raise_due_digests
from alerter.domain.content import ALERT
from alerter.domain.timing import Clock, backoff
from alerter.metrics import AlerterMetrics
from alerter.render import content_for
from alerter.settings import AlerterSettings

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)
RESTART_DELAY_S = 5.0
REFRESH_S = 30.0


@dataclass
class SendReport:
    """Outbox rows sent, to be retried, refused for good; and messages (a bundle is one)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    messages: int = 0


class OutboxSender:
    def __init__(
        self,
        settings: AlerterSettings,
        config: TrustConfig,
        sessions: SessionMaker,
        channels: Channels,
        metrics: AlerterMetrics,
        clock: Clock,
    ) -> None:
        self._settings = settings
        self._config = config
        self._sessions = sessions
        self._channels = channels
        self._metrics = metrics
        self._clock = clock
        self._refreshed = float("-inf")

    async def send_due(self, limit: int | None = None) -> SendReport:
        """Send rows that are due, one transaction each; a row is marked sent only after the
        server accepted it. Stops when none is due (or after `limit`)."""
        report = SendReport()
        limit = limit or self._settings.send_batch_size
        for _ in range(limit):
            async with self._sessions() as session, session.begin():
                now = self._clock()
                claimed = await outbox.claim_due(session, now)
                if claimed is None:
                    break
                delivery, alert = claimed
                batch = [claimed]
                bundle = timedelta(minutes=self._config.fatigue.bundle_minutes)
                if bundle and delivery.purpose == ALERT and not alert.critical:
                    batch += await outbox.claim_bundle(session, delivery, now + bundle)
                contents = [
                    content_for(
                        alert,
                        row,
                        self._config,
                        self._settings.public_url,
                        self._settings.link_key_bytes(),
                        now,
                    )
                    for row, alert in batch
                ]
                attributes = {"channel": delivery.channel, "purpose": delivery.purpose}
                try:
                    with tracer.start_as_current_span(
                        "alert.send", attributes={**attributes, "alerts": len(batch)}
                    ):
                        await self._channels.send(delivery.channel, delivery.destination, contents)
                except SendError as error:
                    self._failed([row for row, _alert in batch], now, error, report)
                    self._metrics.delivery_errors.add(1, {**attributes, "permanent": error.permanent})
                    continue
                for row, _alert in batch:
                    outbox.mark_sent(row, now)
                log.info(
                    "sent %s (%d alert(s): %s) by %s to %s",
                    delivery.purpose,
                    len(batch),
                    ", ".join(alert.id for _row, alert in batch),
                    delivery.channel,
                    delivery.destination,
                )
                self._metrics.deliveries_sent.add(len(batch), attributes)
                report.sent += len(batch)
                report.messages += 1
        # The failing-destinations gauge: after any attempt, and at least every REFRESH_S when idle.
        if report.sent + report.retrying + report.failed or time.monotonic() - self._refreshed > REFRESH_S:
            await self.refresh_failing()
        return report

    def _failed(self, rows: list[Delivery], now: datetime, error: SendError, report: SendReport) -> None:
        for row in rows:
            retry = None
            if not error.permanent:
                retry = backoff(row.attempts + 1, self._settings.retry_base_s, self._settings.retry_cap_s)
            outbox.mark_failed(row, now, str(error), retry)
            if retry is None:
                report.failed += 1
                log.error("delivery %s to %s refused for good: %s", row.id, row.channel, error)
            else:
                report.retrying += 1
                log.warning("delivery %s failed (attempt %d): %s", row.id, row.attempts, error)

    async def refresh_failing(self) -> None:
        self._refreshed = time.monotonic()
        async with self._sessions() as session:
            found = await outbox.failing_destinations(session, self._settings.failing_after_attempts)
        self._metrics.failing = {(f.channel, f.destination): f.failed + f.retrying for f in found}

    async def run(self, stop: asyncio.Event, wake: asyncio.Event) -> None:
        while not stop.is_set():
            report = await self.send_due()
            if report.sent + report.retrying + report.failed >= self._settings.send_batch_size:
                continue  # more may be due
            wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), self._settings.send_interval_s)


class Scheduler:
    def __init__(
        self, config: TrustConfig, sessions: SessionMaker, metrics: AlerterMetrics, clock: Clock
    ) -> None:
        self._config = config
        self._sessions = sessions
        self._metrics = metrics
        self._clock = clock

    async def run_once(self) -> tuple[list[str], list[tuple[str, int]]]:
        """Raise the digests and escalations due now: (digest alert ids, (alert id, step) pairs)."""
        async with self._sessions() as session, session.begin():
            now = self._clock()
            digests = await raise_due_digests(session, self._config, now)
            escalations = await escalate_due(session, self._config, now)
        if digests:
            self._metrics.digests.add(len(digests))
        if escalations:
            self._metrics.escalations.add(len(escalations))
        return digests, escalations

    async def run(self, stop: asyncio.Event, wake: asyncio.Event, interval_s: float) -> None:
        while not stop.is_set():
            digests, escalations = await self.run_once()
            if digests or escalations:
                wake.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)


async def supervise(name: str, run: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
    """Keep a background loop running: a crash is logged and the loop restarts after a pause."""
    while not stop.is_set():
        try:
            await run()
        except Exception:
            log.exception("background loop %s failed; restarting in %.0fs", name, RESTART_DELAY_S)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), RESTART_DELAY_S)
