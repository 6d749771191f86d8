"""Replays a DayPlan on the demo clock through the real peers: web requests through the demo Squid
(proxy auth as the account, from the staff's own loopback address), mail by SMTP to ingest-mail's
journal receiver, endpoint documents by kcat in small paced chunks. Every wait has a deadline."""

from __future__ import annotations

import base64
import contextlib
import http.client
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from invigilator_demo.clock import DemoClock
from invigilator_demo.peers import SmtpJournal, kcat_produce
from invigilator_demo.plan import DayPlan, EndpointEvent, MailMessage, Record, WebRequest

SOURCES = ("proxy", "mail", "endpoint")
MAX_UPLOAD = 64 * 1024 * 1024


def source_of(record: Record) -> str:
    if isinstance(record, WebRequest):
        return "proxy"
    if isinstance(record, MailMessage):
        return "mail"
    return "endpoint"


def totals(records: list[Record]) -> dict[str, int]:
    counts = dict.fromkeys(SOURCES, 0)
    for record in records:
        counts[source_of(record)] += 1
    return counts


def proxy_authorization(account: str, password: str = "x") -> str:  # noqa: S107 (fake auth)
    return "Basic " + base64.b64encode(f"{account}:{password}".encode()).decode()


class RateColumn(ProgressColumn):
    """Records per second since the task started."""

    def render(self, task: Task) -> Text:
        elapsed = task.elapsed or 0.0
        rate = task.completed / elapsed if elapsed > 0 else 0.0
        return Text(f"{rate:7.1f}/s", style="progress.data.speed")


def make_progress() -> Progress:
    return Progress(
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[note]}"),
    )


@dataclass
class ReplayReport:
    totals: dict[str, int]
    done: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    failed: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SOURCES, 0))
    errors: list[str] = field(default_factory=list)
    max_lag_s: float = 0.0  # demo seconds a record went out after its time
    wall_s: float = 0.0


class _SquidClient:
    """Plain HTTP/1.1 to the proxy from a chosen loopback address, absolute-form request targets
    (what a browser configured with a proxy sends). One idle connection kept per client address."""

    def __init__(self, proxy_port: int, max_idle: int = 256) -> None:
        self._port = proxy_port
        self._idle: dict[str, http.client.HTTPConnection] = {}
        self._lock = threading.Lock()
        self._max_idle = max_idle

    def _take(self, client_ip: str, fresh: bool) -> tuple[http.client.HTTPConnection, bool]:
        """A connection from this client address, and whether it is a kept-alive one."""
        with self._lock:
            connection = None if fresh else self._idle.pop(client_ip, None)
        if connection is not None:
            return connection, True
        new = http.client.HTTPConnection("127.0.0.1", self._port, timeout=60, source_address=(client_ip, 0))
        return new, False

    def _give(self, client_ip: str, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if client_ip not in self._idle and len(self._idle) < self._max_idle:
                self._idle[client_ip] = connection
                return
        connection.close()

    def request(self, record: WebRequest) -> int:
        body = (
            b"x" * min(record.upload_bytes, MAX_UPLOAD) if record.method.upper() in {"POST", "PUT"} else None
        )
        headers = {
            "Proxy-Authorization": proxy_authorization(record.account),
            "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) invigilator-demo",
        }
        for attempt in range(2):
            connection, reused = self._take(record.client_ip, fresh=attempt > 0)
            try:
                connection.request(record.method.upper(), record.url, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    connection.close()
                else:
                    self._give(record.client_ip, connection)
                return status
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                # Squid closed a kept-alive connection before reading the request: send it again
                # on a new one. Any other failure may have reached Squid's log, so it is not retried.
                if not reused:
                    raise
            except (OSError, http.client.HTTPException):
                connection.close()
                raise
        raise AssertionError("unreachable: a fresh connection either answers or raises")

    def close(self) -> None:
        with self._lock:
            for connection in self._idle.values():
                connection.close()
            self._idle.clear()


def schedule(records: list[Record], clock: DemoClock) -> list[tuple[float, Record]]:
    """When (wall time) each record goes out, in that order (records of the same moment in the
    order given)."""
    due = [(clock.wall_at(r.at), n, r) for n, r in enumerate(records)]
    return [(wall, record) for wall, _n, record in sorted(due, key=lambda item: (item[0], item[1]))]


class Replayer:
    def __init__(
        self,
        plan: DayPlan,
        clock: DemoClock,
        squid_port: int,
        smtp: SmtpJournal,
        kcat: str,
        kafka: str,
        progress: Progress | None = None,
        web_workers: int = 12,
        in_flight: int = 48,
        chunk_interval_s: float = 0.2,
        chunk_max: int = 500,
        produce: Callable[[str, str, list[dict[str, Any]]], None] = kcat_produce,
    ) -> None:
        self._records = sorted(plan.records, key=lambda r: r.at)
        self._clock = clock
        self._squid = _SquidClient(squid_port)
        self._smtp = smtp
        self._kcat, self._kafka = kcat, kafka
        self._progress = progress
        self._web = ThreadPoolExecutor(web_workers, thread_name_prefix="web")
        self._slots = threading.BoundedSemaphore(in_flight)
        self._mail: queue.Queue[MailMessage | None] = queue.Queue(maxsize=2000)
        self._endpoint: queue.Queue[EndpointEvent | None] = queue.Queue(maxsize=20000)
        self._chunk_interval, self._chunk_max = chunk_interval_s, chunk_max
        self._produce = produce
        self._lock = threading.Lock()
        self.report = ReplayReport(totals=totals(self._records))
        self._tasks: dict[str, TaskID] = {}
        self._clock_span = 1.0

    # -- progress ---------------------------------------------------------------------------------
    def _add_tasks(self) -> None:
        if self._progress is None:
            return
        labels = {"proxy": "web via Squid", "mail": "mail via SMTP", "endpoint": "endpoint via kcat"}
        for source in SOURCES:
            self._tasks[source] = self._progress.add_task(
                labels[source], total=self.report.totals[source], note=""
            )
        if self._records:
            self._clock_span = max((self._records[-1].at - self._clock.demo_start).total_seconds(), 1.0)
            self._tasks["clock"] = self._progress.add_task("demo clock", total=self._clock_span, note="")

    def _advance(self, source: str, ok: bool, error: str = "") -> None:
        with self._lock:
            self.report.done[source] += 1
            if not ok:
                self.report.failed[source] += 1
                if error and len(self.report.errors) < 20:
                    self.report.errors.append(f"{source}: {error}")
            failed = self.report.failed[source]
        if self._progress is not None:
            note = f"[red]{failed} failed[/red]" if failed else ""
            self._progress.update(self._tasks[source], advance=1, note=note)

    def _tick(self, now: datetime) -> None:
        if self._progress is not None and "clock" in self._tasks:
            # The bar ends with the last record; the time beside it goes on while the peers catch up.
            elapsed = min((now - self._clock.demo_start).total_seconds(), self._clock_span)
            self._progress.update(self._tasks["clock"], completed=elapsed, note=now.strftime("%H:%M:%S"))

    # -- workers ----------------------------------------------------------------------------------
    def _fetch(self, record: WebRequest) -> None:
        try:
            status = self._squid.request(record)
            self._advance("proxy", status < 400, f"HTTP {status} for {record.url}")
        except Exception as error:
            self._advance("proxy", False, f"{type(error).__name__}: {error}")
        finally:
            self._slots.release()

    def _mail_worker(self) -> None:
        while (message := self._mail.get()) is not None:
            try:
                self._smtp.send(message.sender, message.school, message.raw)
                self._advance("mail", True)
            except Exception as error:
                self._advance("mail", False, f"{type(error).__name__}: {error}")
        self._smtp.close()

    def _endpoint_worker(self) -> None:
        chunk: list[EndpointEvent] = []
        last = time.monotonic()
        finished = False
        while not finished:
            try:
                item = self._endpoint.get(timeout=0.1)
                if item is None:
                    finished = True
                else:
                    chunk.append(item)
            except queue.Empty:
                pass
            due = time.monotonic() - last >= self._chunk_interval
            if chunk and (finished or due or len(chunk) >= self._chunk_max):
                try:
                    self._produce(self._kcat, self._kafka, [event.doc for event in chunk])
                    for _ in chunk:
                        self._advance("endpoint", True)
                except Exception as error:
                    for _ in chunk:
                        self._advance("endpoint", False, f"{type(error).__name__}: {error}")
                chunk = []
                last = time.monotonic()

    # -- the day ----------------------------------------------------------------------------------
    def run(self, timeout_s: float) -> ReplayReport:
        started = time.monotonic()
        deadline = started + timeout_s
        self._add_tasks()
        mail = threading.Thread(target=self._mail_worker, daemon=True, name="mail")
        endpoint = threading.Thread(target=self._endpoint_worker, daemon=True, name="endpoint")
        mail.start()
        endpoint.start()
        try:
            for due, record in schedule(self._records, self._clock):
                while (wait := due - time.time()) > 0:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"the replay did not finish within {timeout_s:.0f}s")
                    time.sleep(min(wait, 0.1))
                    self._tick(self._clock.now(time.time()))
                now = self._clock.now(time.time())
                lag = (now - record.at).total_seconds()
                self.report.max_lag_s = max(self.report.max_lag_s, lag)
                if isinstance(record, WebRequest):
                    while not self._slots.acquire(timeout=1.0):
                        if time.monotonic() > deadline:
                            raise TimeoutError("web requests stopped completing")
                    self._web.submit(self._fetch, record)
                elif isinstance(record, MailMessage):
                    self._mail.put(record, timeout=max(1.0, deadline - time.monotonic()))
                else:
                    self._endpoint.put(record, timeout=max(1.0, deadline - time.monotonic()))
                self._tick(now)
        finally:
            # Workers take their queue's end mark; a full queue (a stuck peer) must not hang here.
            for queue_ in (self._mail, self._endpoint):
                with contextlib.suppress(queue.Full):
                    queue_.put(None, timeout=5)
            self._web.shutdown(wait=True, cancel_futures=False)
            remaining = max(5.0, deadline - time.monotonic())
            mail.join(remaining)
            endpoint.join(max(5.0, deadline - time.monotonic()))
            self._squid.close()
            self.report.wall_s = time.monotonic() - started
        return self.report
