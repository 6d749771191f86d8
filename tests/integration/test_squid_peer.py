"""A real Squid (Debian's package, scripts/peers/squid.sh) proxies curl to a loopback web server;
its own access.log lines, replayed with `ingest-proxy-replay`, arrive on events.proxy.v1 — and the
secret in the query string, which this Squid logs in full, is in no byte ingest-proxy produced."""

import http.server
import os
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from confluent_kafka import Consumer

from invigilator.events.v1 import events_pb2
from svckit.ingest import event_id
from tests.kafka_support import end_offsets
from tests.peers import running_peer
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.integration

SQUID_PROXY = f"http://127.0.0.1:{os.environ.get('SQUID_PORT', '18128')}"
ACCESS_LOG = ROOT / ".local" / "squid" / "access.log"
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
EVENTS_TOPIC = "events.proxy.v1"
REJECTED_TOPIC = "events.rejected.v1"
SCHOOL = "elms-farm"


class _Quiet(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"lesson resources\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def squid() -> Iterator[None]:
    with running_peer("squid"):
        yield


@pytest.fixture
def web_server() -> Iterator[int]:
    """A plain-HTTP server on an ephemeral loopback port; yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def curl(url: str, *extra: str) -> None:
    """One request through the Squid under test; it must answer 200."""
    command = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10"]
    result = subprocess.run(
        [*command, "-x", SQUID_PROXY, *extra, url], capture_output=True, text=True, timeout=20, check=False
    )
    assert (result.returncode, result.stdout) == (0, "200"), result.stderr


def new_log_lines(offset: int, marker: str, count: int, timeout_s: float = 15.0) -> list[str]:
    """The access.log lines after `offset` that mention `marker`, once there are `count` of them."""
    deadline = time.monotonic() + timeout_s
    lines: list[str] = []
    while time.monotonic() < deadline:
        with ACCESS_LOG.open("rb") as log:
            log.seek(offset)
            tail = log.read().decode("utf-8", "replace")
        complete = tail[: tail.rfind("\n") + 1]
        lines = [line for line in complete.splitlines() if marker in line]
        if len(lines) >= count:
            return lines
        time.sleep(0.2)
    pytest.fail(f"Squid logged {len(lines)} of {count} lines for {marker} within {timeout_s}s: {lines}")


def test_real_squid_lines_reach_events_topic_without_the_query(
    stack: Stack, squid: None, web_server: int, tmp_path: Path
) -> None:
    secret = f"tok{uuid.uuid4().hex}"
    origin = f"127.0.0.1:{web_server}"
    urls = [
        f"http://{origin}/lessons/plan?token={secret}",
        f"http://{origin}/search?q=homework&session={secret}",
        f"http://{origin}/?{secret}",
    ]
    consumer = Consumer(
        {
            "bootstrap.servers": BOOTSTRAP,
            "group.id": f"it-squid-{uuid.uuid4().hex}",
            "enable.auto.commit": False,
            "isolation.level": "read_committed",
        }
    )
    try:
        # Read from where the topics end now: only what this test causes (and the shared stack's
        # concurrent traffic, which the event ids tell apart).
        positions = end_offsets(consumer, EVENTS_TOPIC) + end_offsets(consumer, REJECTED_TOPIC)
        assert any(p.topic == EVENTS_TOPIC for p in positions), f"{EVENTS_TOPIC} does not exist"

        offset = ACCESS_LOG.stat().st_size
        for url in urls:
            curl(url)
        curl(f"http://{origin}/tunnelled?token={secret}", "--proxytunnel")
        lines = new_log_lines(offset, origin, len(urls) + 1)
        methods = sorted(line.split()[5] for line in lines)
        assert methods == ["CONNECT", "GET", "GET", "GET"], lines
        assert sum(secret in line for line in lines) == len(urls), "this Squid logs query strings in full"

        replayed = tmp_path / "access.log"
        replayed.write_text("".join(line + "\n" for line in lines))
        replay = [
            str(ROOT / ".venv" / "bin" / "ingest-proxy-replay"),
            "--school",
            SCHOOL,
            "--format",
            "squid",
        ]
        result = subprocess.run(
            [*replay, "--url", stack.ingest_proxy_url, str(replayed)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr

        expected = {event_id("proxy.squid", SCHOOL, line): line for line in lines}
        consumer.assign(positions)
        found: dict[str, events_pb2.Event] = {}
        produced: list[bytes] = []
        deadline = time.monotonic() + 30
        quiet_until = 0.0
        # Until every event arrived, then one more quiet second so a stray reject would show too.
        while time.monotonic() < deadline and (len(found) < len(expected) or time.monotonic() < quiet_until):
            message = consumer.poll(0.5)
            if message is None:
                continue
            assert message.error() is None, message.error()
            value = message.value() or b""
            headers = message.headers() or []
            pairs = headers.items() if isinstance(headers, dict) else headers
            produced += [value, message.key() or b""]
            produced += [h.encode() if isinstance(h, str) else h or b"" for _name, h in pairs]
            if message.topic() == EVENTS_TOPIC:
                batch = events_pb2.EventBatch.FromString(value)
                found.update({e.event_id: e for e in batch.events if e.event_id in expected})
                if len(found) == len(expected) and not quiet_until:
                    quiet_until = time.monotonic() + 1.0
    finally:
        consumer.close()

    assert sorted(found) == sorted(expected), f"missing on {EVENTS_TOPIC}: {set(expected) - set(found)}"
    for eid, event in found.items():
        request = event.proxy
        assert event.school_id == SCHOOL
        assert (request.host, request.port, request.status) == ("127.0.0.1", web_server, 200), expected[eid]
        assert request.path == "", "an allowed request keeps scheme and host only"
        assert request.result_code in {"TCP_MISS", "TCP_TUNNEL"}
    assert sorted(e.proxy.method for e in found.values()) == ["CONNECT", "GET", "GET", "GET"]
    assert not any(secret.encode() in chunk for chunk in produced), "the query string left ingest-proxy"
