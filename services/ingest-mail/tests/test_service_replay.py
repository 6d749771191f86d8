"""`ingest-mail-replay` against a real uvicorn server on a loopback port, with a fake producer."""

import gzip
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from tests.ingest_support import FakeProduce, serving

from ingest_mail.app import create_app
from ingest_mail.ingest import FORMATS, parse
from ingest_mail.replay import TOOL, run
from ingest_mail.settings import IngestMailSettings
from svckit.replay_files import Cut

SAMPLES = Path(__file__).parent / "samples"
OWN = {"elms-farm": ["elmsfarm.sch.uk"]}


@pytest.fixture
def server() -> Iterator[tuple[str, FakeProduce]]:
    written = FakeProduce("events.mail.v1")
    settings = IngestMailSettings(api_keys={"k-elms": "elms-farm"}, own_domains=OWN, smtp_port=0)
    with serving(create_app(settings, written)) as url:
        yield url, written


def test_cuts_keep_each_message_in_one_request() -> None:
    assert {name: TOOL.cut(name) for name in FORMATS} == {
        "eml": Cut.WHOLE,
        "exchange-tracking": Cut.HASH_HEADER,
        "m365-trace": Cut.WHOLE,
        "gmail": Cut.WHOLE,
    }


def replay(url: str, format_name: str, *paths: Path, extra: Sequence[str] = ()) -> tuple[int, str]:
    err = io.StringIO()
    args = ["--school", "elms-farm", "--format", format_name, "--url", url, "--api-key", "k-elms", *extra]
    return run([*args, *map(str, paths)], err=err, tty=False), err.getvalue()


def test_eml_files_go_whole_and_tracking_logs_in_chunks_with_their_header(
    server: tuple[str, FakeProduce], tmp_path: Path
) -> None:
    url, written = server
    emls = [SAMPLES / "private.eml", SAMPLES / "journal-report.eml"]
    gz = tmp_path / "forward-chain.eml.gz"
    gz.write_bytes(gzip.compress((SAMPLES / "forward-chain.eml").read_bytes()))
    code, err = replay(url, "eml", *emls, gz)
    assert code == 0, err
    assert "3 file(s), 3 chunk(s)" in err
    assert len(written.events()) == 3
    tracking = SAMPLES / "MSGTRK2024030408-1.LOG"
    expected = parse("exchange-tracking", tracking.read_bytes(), "elms-farm", frozenset(OWN["elms-farm"]))
    code, err = replay(url, "exchange-tracking", tracking, extra=["--chunk-lines", "2"])
    assert code == 0, err
    assert "rejected 0" in err
    tracked = written.events()[3:]
    assert sorted(e.mail.message_id for e in tracked) == sorted(e.mail.message_id for e in expected.events)


def test_a_wrong_key_stops_with_a_hint(server: tuple[str, FakeProduce]) -> None:
    url, written = server
    err = io.StringIO()
    code = run(
        [
            "--school",
            "elms-farm",
            "--format",
            "eml",
            "--url",
            url,
            "--api-key",
            "nope",
            str(SAMPLES / "private.eml"),
        ],
        err=err,
        tty=False,
    )
    assert code == 1
    assert "HTTP 401" in err.getvalue()
    assert "INGEST_MAIL_REPLAY_API_KEY" in err.getvalue()
    assert not written.records
