"""The periodic LDAP sync inside the service: one run now, then one every interval, in a thread.

A failing run (DC unreachable, bind refused, Kafka down, a bug) is logged and recorded in the
status, and the next run comes at the next interval as usual: the HTTP ingest never stops because
the directory is unwell. `status()` is what `GET /v1/ldap-sync/status` shows.
"""

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

from confluent_kafka import KafkaException
from pydantic import BaseModel

from ingest_directory.ldap_connect import LdapConnectError
from ingest_directory.sync_job import SyncReport

log = logging.getLogger(__name__)
MAX_ERROR_CHARS = 500


class SyncRun(BaseModel):
    started_at: datetime
    finished_at: datetime
    ok: bool
    # Counts of a run that finished; None when it failed (nothing certain was written).
    accounts: int | None = None
    events: int | None = None
    rejects: int | None = None
    skipped: dict[str, int] | None = None
    records: int | None = None
    trace_id: str = ""
    error: str | None = None


class SyncStatus(BaseModel):
    enabled: bool
    interval_s: float | None = None
    running: bool = False
    runs: int = 0
    consecutive_failures: int = 0
    last_run: SyncRun | None = None
    last_success_at: datetime | None = None
    next_run_at: datetime | None = None


def _describe(error: Exception) -> str:
    text = str(error) if isinstance(error, LdapConnectError) else f"{type(error).__name__}: {error}"
    return text[:MAX_ERROR_CHARS]


class SyncScheduler:
    def __init__(
        self,
        run_once: Callable[[], SyncReport],
        interval_s: float,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._run_once = run_once
        self._interval_s = interval_s
        self._clock = clock
        self._status = SyncStatus(enabled=True, interval_s=interval_s)

    def status(self) -> SyncStatus:
        return self._status.model_copy(deep=True)

    async def run_now(self) -> SyncRun:
        """One sync in a worker thread (ldap3 blocks); never raises."""
        started = self._clock()
        self._status.running = True
        try:
            report = await asyncio.to_thread(self._run_once)
        except Exception as error:
            run = SyncRun(started_at=started, finished_at=self._clock(), ok=False, error=_describe(error))
            if isinstance(error, LdapConnectError | KafkaException):
                log.error("ldap sync failed: %s", run.error)  # expected outages: no traceback
            else:
                log.exception("ldap sync failed")
            self._status.consecutive_failures += 1
        else:
            run = SyncRun(ok=True, **asdict(report))
            log.info(
                "ldap sync: %d account(s), %d event(s), %d reject(s), %d record(s), skipped %s",
                run.accounts,
                run.events,
                run.rejects,
                run.records,
                run.skipped,
            )
            self._status.consecutive_failures = 0
            self._status.last_success_at = run.finished_at
        finally:
            self._status.running = False
        self._status.runs += 1
        self._status.last_run = run
        return run

    async def run_forever(self, stop: asyncio.Event) -> None:
        """Runs until `stop` is set; the interval is counted from the start of each run."""
        while not stop.is_set():
            started = self._clock()
            await self.run_now()
            elapsed = (self._clock() - started).total_seconds()
            delay = max(0.0, self._interval_s - elapsed)
            self._status.next_run_at = self._clock() + timedelta(seconds=delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
        self._status.next_run_at = None
