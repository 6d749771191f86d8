"""`ingest-endpoint-replay` against a real uvicorn server on a loopback port, with a fake producer."""

import gzip
import io
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
import uvicorn

from ingest_endpoint.app import create_app
from ingest_endpoint.replay import TOOL, run
from ingest_endpoint.settings import IngestEndpointSettings
from invigilator.events.v1 import events_pb2
from svckit.kafka import OutRecord
from svckit.replay_files import Cut

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def server() -> Iterator[tuple[str, list[OutRecord]]]:
    written: list[OutRecord] = []

    def produce(records: Sequence[OutRecord]) -> int:
        written.extend(records)
        return len(records)

    settings = IngestEndpointSettings(api_keys={"k-elms": "elms-farm"})
    config = uvicorn.Config(create_app(settings, produce), host="127.0.0.1", port=0, log_level="warning")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    port = uv.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", written
    uv.should_exit = True
    thread.join(10)


def test_every_format_is_cut_by_lines() -> None:
    assert (TOOL.default_url, TOOL.cut("ecs"), TOOL.cut("nxlog")) == (
        "http://127.0.0.1:18120",
        Cut.LINES,
        Cut.LINES,
    )


def test_replays_a_gzipped_nxlog_file_in_chunks(
    server: tuple[str, list[OutRecord]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, written = server
    path = tmp_path / "nxlog.json.gz"
    path.write_bytes(gzip.compress((SAMPLES / "endpoint.nxlog.jsonl").read_bytes()))
    monkeypatch.setenv("INGEST_ENDPOINT_REPLAY_API_KEY", "k-elms")
    err = io.StringIO()
    args = ["--school", "elms-farm", "--format", "nxlog", "--url", url, "--chunk-lines", "10", str(path)]
    code = run(args, err=err, tty=False)
    summary = err.getvalue().splitlines()[-1]
    assert code == 0, err.getvalue()
    assert summary.startswith("done: 1 file(s), 3 chunk(s), 23 lines")
    assert "accepted 22 events, rejected 1 lines" in summary
    events = [
        event
        for record in written
        if record.topic == "events.endpoint.v1"
        for event in events_pb2.EventBatch.FromString(record.value).events
    ]
    assert len(events) == 22
    assert {event.school_id for event in events} == {"elms-farm"}
