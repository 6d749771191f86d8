"""`ingest-endpoint-replay` against a real uvicorn server on a loopback port, with a fake producer."""

import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.ingest_support import FakeProduce, serving

from ingest_endpoint.app import create_app
from ingest_endpoint.replay import TOOL, run
from ingest_endpoint.settings import IngestEndpointSettings
from svckit.replay_files import Cut

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def server() -> Iterator[tuple[str, FakeProduce]]:
    written = FakeProduce("events.endpoint.v1")
    settings = IngestEndpointSettings(api_keys={"k-elms": "elms-farm"})
    with serving(create_app(settings, written)) as url:
        yield url, written


def test_every_format_is_cut_by_lines() -> None:
    assert (TOOL.default_url, TOOL.cut("ecs"), TOOL.cut("nxlog")) == (
        "http://127.0.0.1:18120",
        Cut.LINES,
        Cut.LINES,
    )


def test_replays_a_gzipped_nxlog_file_in_chunks(
    server: tuple[str, FakeProduce], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
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
    events = written.events()
    assert len(events) == 22
    assert {event.school_id for event in events} == {"elms-farm"}
