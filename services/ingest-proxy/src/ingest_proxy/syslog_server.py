"""asyncio adapter of the syslog receiver: TCP connections in, `EventBatch` records out.

Lines are buffered per (school, format) and written as one parse + produce when
`syslog_flush_lines` are buffered or `syslog_flush_interval_s` has passed. Plain TCP syslog has no
acknowledgement but the TCP window itself, so on Kafka failure the buffer is kept and retried; while
it is over `syslog_max_buffered_lines` connections are not read (the sender's own queue holds the
data) and, after `syslog_stall_timeout_s`, closed. Nothing read is dropped.
"""

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo

from opentelemetry import trace

from ingest_proxy.ingest import parse_lines
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.syslog import FrameDecoder, SyslogFrameError, SyslogParseError, parse_message
from invigilator.events.v1 import events_pb2
from svckit.ingest import reject as ingest_reject
from svckit.ingest_http import Produce, batch_records
from svckit.kafka import OutRecord
from svckit.tracing import inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)

SYSLOG_SOURCE = "proxy.syslog"
READ_BYTES = 64 * 1024
MAX_BACKOFF_S = 5.0


@dataclass
class Pending:
    # (school, format) → (where, line) in arrival order.
    lines: dict[tuple[str, str], list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    # (Kafka key, reject) of frames that never became a line.
    rejects: list[tuple[str, events_pb2.RejectedInput]] = field(default_factory=list)

    def __len__(self) -> int:
        return sum(map(len, self.lines.values())) + len(self.rejects)

    def put_back(self, older: "Pending") -> None:
        """Older lines (a failed flush) go back in front of what arrived meanwhile."""
        for key, lines in older.lines.items():
            self.lines[key] = lines + self.lines.get(key, [])
        self.rejects = older.rejects + self.rejects


class SyslogBatcher:
    def __init__(self, settings: IngestProxySettings, produce: Produce, zone: tzinfo) -> None:
        self._settings = settings
        self._produce = produce
        self._zone = zone
        self._pending = Pending()
        self._size = 0
        self._first_at: float | None = None
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def buffered(self) -> int:
        return self._size

    def add(self, frame: bytes | SyslogFrameError, peer: str) -> None:
        """One frame of a connection: a line for its school, or a reject saying why not."""
        if isinstance(frame, SyslogFrameError):
            self._reject(f"syslog/{peer}", frame.raw, f"syslog frame from {peer}: {frame}")
            return
        try:
            message = parse_message(frame)
        except SyslogParseError as error:
            self._reject(f"syslog/{peer}", frame, f"syslog message from {peer}: {error}")
            return
        source = self._settings.syslog_sources.get(message.hostname.lower())
        if source is None:
            self._reject(
                f"syslog/{message.hostname or peer}",
                frame,
                f"unknown syslog host {message.hostname!r} (from {peer}): not in INGEST_PROXY_SYSLOG_SOURCES",
            )
        elif not message.msg.strip():
            self._reject(
                source.school, frame, f"empty syslog message from {message.hostname!r}", source.school
            )
        else:
            self._pending.lines[(source.school, source.format)].append(
                (f"syslog from {message.hostname}", message.msg)
            )
            self._grew()

    def reject_leftover(self, raw: bytes, peer: str) -> None:
        if raw:
            self._reject(f"syslog/{peer}", raw, f"syslog from {peer}: connection closed inside a frame")

    def _reject(self, key: str, raw: bytes, reason: str, school_id: str = "") -> None:
        reject = ingest_reject(SYSLOG_SOURCE, school_id, raw, reason, datetime.now(UTC))
        self._pending.rejects.append((key, reject))
        self._grew()

    def _grew(self) -> None:
        self._size += 1
        if self._first_at is None:
            self._first_at = asyncio.get_running_loop().time()
        if self._size >= self._settings.syslog_max_buffered_lines:
            self._room.clear()
        if self._size == 1 or self._size >= self._settings.syslog_flush_lines:
            self._wake.set()

    async def wait_for_room(self) -> bool:
        """True once the buffer is under its bound; False after `syslog_stall_timeout_s`."""
        if self._room.is_set():
            return True
        try:
            await asyncio.wait_for(self._room.wait(), self._settings.syslog_stall_timeout_s)
        except TimeoutError:
            return False
        return True

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="syslog-flusher")

    async def stop(self) -> None:
        """Let a write under way finish (never cancel it), then try once more to write what is left."""
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._size and not await self.flush():
            log.error("syslog: %d buffered entr(ies) could NOT be written at shutdown", self._size)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        interval = self._settings.syslog_flush_interval_s
        backoff = interval
        while not self._stopping.is_set():
            self._wake.clear()
            if self._first_at is None:
                await self._wake.wait()
                continue
            due = self._first_at + interval - loop.time()
            if self._size < self._settings.syslog_flush_lines and due > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), due)
                continue
            if await self.flush():
                backoff = interval
            else:  # new lines must not cut the backoff short; stopping does
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    async def flush(self) -> bool:
        """Write everything buffered; on failure keep it (in order) for the next attempt."""
        batch, size = self._pending, self._size
        self._pending, self._size, self._first_at = Pending(), 0, None
        try:
            with tracer.start_as_current_span("syslog flush", attributes={"syslog.entries": size}):
                await asyncio.to_thread(self._write, batch)
        except Exception as error:  # Kafka down or anything else: keep the lines, never drop them
            log.error(
                "syslog: writing %d buffered entr(ies) failed, keeping them for retry (%d now buffered): %s",
                size,
                size + self._size,
                error,
            )
            batch.put_back(self._pending)
            self._pending, self._size = batch, size + self._size
            self._first_at = asyncio.get_running_loop().time()
            if self._size >= self._settings.syslog_max_buffered_lines:
                self._room.clear()
            return False
        if self._size < self._settings.syslog_max_buffered_lines:
            self._room.set()
        return True

    def _write(self, batch: Pending) -> None:
        """Runs in a worker thread: parse (pure) and produce until the broker acknowledged all."""
        settings = self._settings
        headers = inject_headers()
        records: list[OutRecord] = []
        for (school, format_name), lines in batch.lines.items():
            parsed = parse_lines(format_name, lines, school, self._zone)
            records.extend(batch_records(parsed, school, settings, headers))
        for key, reject in batch.rejects:
            records.append(OutRecord(settings.rejected_topic, key, reject.SerializeToString(), headers))
        self._produce(records)


class SyslogServer:
    def __init__(self, settings: IngestProxySettings, batcher: SyslogBatcher) -> None:
        self._settings = settings
        self.batcher = batcher
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        """The bound port (the real one when the setting asked for an ephemeral one)."""
        assert self._server is not None, "not started"
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self, port: int | None = None) -> None:
        self.batcher.start()
        self._server = await asyncio.start_server(
            self._connection, self._settings.syslog_host, self._settings.syslog_port if port is None else port
        )
        log.info("syslog receiver on tcp %s:%d", self._settings.syslog_host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self.batcher.stop()

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        peer = str(writer.get_extra_info("peername", ("?",))[0])
        decoder = FrameDecoder(self._settings.syslog_max_frame_bytes)
        try:
            while True:
                if not await self.batcher.wait_for_room():
                    log.error(
                        "syslog: buffer full (%d entries, Kafka unavailable?): "
                        "closing %s so the sender keeps its data",
                        self.batcher.buffered,
                        peer,
                    )
                    self.batcher.reject_leftover(decoder.discard(), peer)
                    return
                data = await reader.read(READ_BYTES)
                if not data:
                    for frame in decoder.close():
                        self.batcher.add(frame, peer)
                    return
                for frame in decoder.feed(data):
                    self.batcher.add(frame, peer)
        except ConnectionError:
            self.batcher.reject_leftover(decoder.discard(), peer)
        except asyncio.CancelledError:
            self.batcher.reject_leftover(decoder.discard(), peer)
            raise
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
