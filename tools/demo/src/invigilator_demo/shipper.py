"""The log shipper: tails the demo Squid's access.log and posts new lines, split per school by the
client's subnet, to ingest-proxy (`POST /v1/schools/<school>/squid`, text/plain) — what a school's
Filebeat or syslog forwarder does for one trust-wide proxy."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ingest_proxy.replay import TOOL as SENDER
from invigilator_demo.plan import School
from svckit.replay import ReplayError, send_chunk
from svckit.replay_files import Chunk

Routes = Sequence[tuple[str, str]]  # (subnet prefix such as "127.31", school id)


def routes_for(schools: Iterable[School]) -> list[tuple[str, str]]:
    """Longest prefix first, so "127.31.1" would win over "127.31"."""
    return sorted(((s.subnet.rstrip("."), s.id) for s in schools), key=lambda r: -len(r[0]))


def school_of(client_ip: str, routes: Routes) -> str | None:
    for prefix, school in routes:
        if client_ip == prefix or client_ip.startswith(prefix + "."):
            return school
    return None


def split_complete(buffer: bytes) -> tuple[list[str], bytes]:
    """The complete lines in `buffer` and the unfinished rest (Squid may be mid-write)."""
    end = buffer.rfind(b"\n")
    if end < 0:
        return [], buffer
    lines = [line for line in buffer[:end].decode("utf-8", "replace").split("\n") if line.strip()]
    return lines, buffer[end + 1 :]


def client_ip_of(line: str) -> str:
    """Native Squid format: time elapsed client action/code bytes method URL user hierarchy type."""
    fields = line.split()
    return fields[2] if len(fields) > 2 else ""


def route_lines(lines: Iterable[str], routes: Routes) -> tuple[dict[str, list[str]], int]:
    """Lines per school, and how many belong to no school (e.g. the demo's own clock probe)."""
    by_school: dict[str, list[str]] = {}
    unrouted = 0
    for line in lines:
        school = school_of(client_ip_of(line), routes)
        if school is None:
            unrouted += 1
        else:
            by_school.setdefault(school, []).append(line)
    return by_school, unrouted


@dataclass
class ShipperStats:
    lines_read: int = 0
    unrouted: int = 0
    posted: Counter[str] = field(default_factory=Counter)
    accepted: Counter[str] = field(default_factory=Counter)
    rejected: Counter[str] = field(default_factory=Counter)
    failures: int = 0  # lines not delivered
    last_error: str = ""
    # ingest-proxy's trace id of each POST, with the lines it carried (to trace a breach later).
    traces: list[tuple[str, str, list[str]]] = field(default_factory=list)


class Shipper:
    """A thread posting new access.log lines every `interval_s`; `stop()` ships what is left."""

    def __init__(
        self,
        log_path: Path,
        routes: Routes,
        ingest_url: str,
        interval_s: float = 0.5,
        max_lines: int = 2000,
        client: httpx.Client | None = None,
    ) -> None:
        self._path = log_path
        self._routes = routes
        self._url = ingest_url.rstrip("/")
        self._interval = interval_s
        self._max_lines = max_lines
        self._client = client or httpx.Client(timeout=30)
        self._owns_client = client is None
        self._offset = 0
        self._rest = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="shipper")
        self._lock = threading.Lock()
        self.stats = ShipperStats()

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.ship_once()

    def ship_once(self) -> int:
        """Read what Squid wrote since the last call and post it; the number of lines read."""
        with self._lock:
            try:
                with self._path.open("rb") as log:
                    log.seek(self._offset)
                    data = log.read()
            except FileNotFoundError:
                return 0
            self._offset += len(data)
            lines, self._rest = split_complete(self._rest + data)
            if not lines:
                return 0
            self.stats.lines_read += len(lines)
            by_school, unrouted = route_lines(lines, self._routes)
            self.stats.unrouted += unrouted
            for school, school_lines in by_school.items():
                for start in range(0, len(school_lines), self._max_lines):
                    self._post(school, school_lines[start : start + self._max_lines])
            return len(lines)

    def _post(self, school: str, lines: list[str], attempts: int = 5) -> None:
        """Retries 503s and unreachable moments as the replay tools do; a 4xx is not retried."""
        body = "".join(line + "\n" for line in lines).encode()
        chunk = Chunk(Path(f"{self._path.name} ({school})"), body, len(lines), self._offset)
        try:
            answer, _retries = send_chunk(
                SENDER, self._client, f"{self._url}/v1/schools/{school}/squid", chunk, attempts
            )
        except (ReplayError, ValueError) as error:
            self.stats.failures += len(lines)
            self.stats.last_error = str(error)
            return
        self.stats.posted[school] += len(lines)
        self.stats.accepted[school] += int(answer.get("accepted", 0))
        self.stats.rejected[school] += int(answer.get("rejected", 0))
        trace_id = answer.get("trace_id")
        if trace_id:
            self.stats.traces.append((str(trace_id), school, lines))

    def stop(self, expect_lines: int, timeout_s: float = 30.0) -> None:
        """Keep shipping until `expect_lines` lines were read (or the timeout), then stop."""
        deadline = time.monotonic() + timeout_s
        while self.stats.lines_read < expect_lines and time.monotonic() < deadline:
            if not self.ship_once():
                time.sleep(0.2)
        self._stop.set()
        self._thread.join(10)
        self.ship_once()

    def close(self) -> None:
        """Stop the thread and close the client it made (idempotent)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)
        if self._owns_client:
            self._client.close()
