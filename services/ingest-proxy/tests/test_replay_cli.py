"""`ingest-proxy-replay` against a real uvicorn server on a loopback port, with a fake producer."""

import gzip
import io
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.ingest_support import FakeProduce, serving

from ingest_proxy.app import create_app
from ingest_proxy.replay import run
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.vendor_csv import PRESETS

LINES = [
    f"1700000000.{n:03d} 1 10.0.0.5 TCP_MISS/200 1 GET http://a.example/ u{n} HIER_NONE/- -" for n in range(7)
]


@pytest.fixture
def server() -> Iterator[tuple[str, FakeProduce]]:
    producer = FakeProduce("events.proxy.v1")
    settings = IngestProxySettings(api_keys={"k-elms": "elms-farm"}, syslog_port=0)
    with serving(create_app(settings, producer, dict(PRESETS))) as url:
        yield url, producer


def test_replays_plain_and_gzip_files_with_a_retry_on_503(
    server: tuple[str, FakeProduce], tmp_path: Path
) -> None:
    url, producer = server
    plain = tmp_path / "access.log"
    plain.write_text("\n".join([*LINES[:4], "garbage"]) + "\n")
    rotated = tmp_path / "access.log.1.gz"
    rotated.write_bytes(gzip.compress(("\n".join(LINES[4:]) + "\n").encode()))
    producer.failures = 1  # the first chunk is refused once with 503, then retried
    err = io.StringIO()
    args = [
        "--school",
        "elms-farm",
        "--format",
        "squid",
        "--url",
        url,
        "--api-key",
        "k-elms",
        "--chunk-lines",
        "3",
    ]
    code = run([*args, str(plain), str(rotated)], err=err, tty=False)
    output = err.getvalue()
    assert code == 0, output
    assert sorted(e.account for e in producer.events()) == [f"u{n}" for n in range(7)]
    summary = output.splitlines()[-1]
    assert summary.startswith("done: 2 file(s), 3 chunk(s), 8 lines")
    assert "accepted 7 events, rejected 1 lines" in summary
    assert "1 retried request(s)" in summary
    assert "100%" in output


def test_a_key_of_another_school_stops_with_a_clear_message(
    server: tuple[str, FakeProduce], tmp_path: Path
) -> None:
    url, producer = server
    path = tmp_path / "access.log"
    path.write_text("\n".join(LINES) + "\n")
    err = io.StringIO()
    code = run(
        ["--school", "st-peters", "--format", "squid", "--url", url, "--api-key", "k-elms", str(path)],
        err=err,
    )
    assert code == 1
    assert "FAILED:" in err.getvalue()
    assert "HTTP 403 (the key belongs to another school)" in err.getvalue()
    assert not producer.records


def test_missing_key_is_401_with_a_hint(server: tuple[str, FakeProduce], tmp_path: Path) -> None:
    url, _ = server
    path = tmp_path / "access.log"
    path.write_text(LINES[0] + "\n")
    err = io.StringIO()
    assert run(["--school", "elms-farm", "--format", "squid", "--url", url, str(path)], err=err) == 1
    assert "HTTP 401 (pass --api-key" in err.getvalue()


def test_unreachable_server_gives_up_after_bounded_attempts(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    path = tmp_path / "access.log"
    path.write_text(LINES[0] + "\n")
    err = io.StringIO()
    args = [
        "--school",
        "elms-farm",
        "--format",
        "squid",
        "--url",
        f"http://127.0.0.1:{port}",
        "--max-attempts",
        "1",
    ]
    assert run([*args, str(path)], err=err) == 1
    assert "gave up after 1 attempts" in err.getvalue()
