"""`ingest-directory-replay`: JSON lines cut between lines, an LDIF export sent whole to the trust."""

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.ingest_support import FakeProduce, serving

from ingest_directory.app import create_app
from ingest_directory.replay import TOOL, run
from ingest_directory.settings import IngestDirectorySettings
from invigilator.events.v1 import events_pb2
from svckit.replay_files import Cut

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def server() -> Iterator[tuple[str, FakeProduce]]:
    written = FakeProduce("events.directory.v1")
    settings = IngestDirectorySettings(api_keys={"k-trust": "trust", "k-elms": "elms-farm"})
    with serving(create_app(settings, written)) as url:
        yield url, written


def test_ldif_is_never_cut_and_json_lines_are() -> None:
    assert (TOOL.cut("ldif"), TOOL.cut("ecs"), TOOL.cut("nxlog")) == (Cut.WHOLE, Cut.LINES, Cut.LINES)
    assert TOOL.default_url == "http://127.0.0.1:18130"


def test_replays_the_trusts_export_and_a_schools_dc_log(server: tuple[str, FakeProduce]) -> None:
    url, written = server
    err = io.StringIO()
    ldif = SAMPLES / "directory.ldif"
    # Fewer lines per chunk than the export has: WHOLE still sends it in one request.
    five = ["--url", url, "--chunk-lines", "5"]
    args = [*five, "--format", "ldif", "--school", "trust", "--api-key", "k-trust"]
    assert run([*args, str(ldif)], err=err, tty=False) == 0, err.getvalue()
    assert "1 chunk(s)" in err.getvalue().splitlines()[-1]
    assert "accepted 7 events, rejected 1 lines" in err.getvalue()

    err = io.StringIO()
    dc_log = SAMPLES / "directory.nxlog.jsonl"
    args = [*five, "--format", "nxlog", "--school", "elms-farm", "--api-key", "k-elms"]
    assert run([*args, str(dc_log)], err=err, tty=False) == 0, err.getvalue()
    lines = len(dc_log.read_bytes().splitlines())
    assert f"{-(-lines // 5)} chunk(s)" in err.getvalue().splitlines()[-1]
    schools = {events_pb2.EventBatch.FromString(r.value).school_id for r in written.on("events.directory.v1")}
    assert schools == {"elms-farm", "st-peters"}
