import gzip
import io
from pathlib import Path

from svckit.replay_files import Cut, Progress, Totals, chunks, human_bytes, progress_line, summary

LINES = [
    f"1700000000.{n:03d} 1 10.0.0.5 TCP_MISS/200 1 GET http://a.example/ u{n} HIER_NONE/- -" for n in range(7)
]


def write(path: Path, text: str, gz: bool = False) -> Path:
    data = text.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    return path


def test_chunks_cut_by_lines_and_keep_every_line(tmp_path: Path) -> None:
    path = write(tmp_path / "access.log", "\n".join(LINES))  # no final newline
    out = list(chunks(path, chunk_lines=3, chunk_bytes=10**9))
    assert [c.lines for c in out] == [3, 3, 1]
    assert b"".join(c.body for c in out).decode() == "\n".join(LINES) + "\n"
    assert out[-1].position == path.stat().st_size


def test_chunks_cut_by_bytes(tmp_path: Path) -> None:
    path = write(tmp_path / "access.log", "\n".join(LINES) + "\n")
    out = list(chunks(path, chunk_lines=100, chunk_bytes=(len(LINES[0]) + 1) * 3))
    assert [c.lines for c in out] == [3, 3, 1]
    assert all(len(c.body) <= (len(LINES[0]) + 1) * 3 for c in out)
    assert [c.lines for c in chunks(path, chunk_lines=100, chunk_bytes=5)] == [1] * 7  # longer lines go alone


def test_gzip_is_read_transparently_by_suffix_or_magic(tmp_path: Path) -> None:
    text = "\n".join(LINES) + "\n"
    for name in ("access.log.1.gz", "rotated-without-suffix"):
        path = write(tmp_path / name, text, gz=True)
        out = list(chunks(path, chunk_lines=5, chunk_bytes=10**9))
        assert b"".join(c.body for c in out).decode() == text
        assert out[-1].position == path.stat().st_size


def test_csv_header_repeats_in_every_chunk(tmp_path: Path) -> None:
    path = write(tmp_path / "export.csv", "\nTime,User,URL\n1,a,x\n2,b,y\n3,c,z\n")
    out = list(chunks(path, chunk_lines=2, chunk_bytes=10**9, has_header=True))
    assert [c.body for c in out] == [b"Time,User,URL\n1,a,x\n2,b,y\n", b"Time,User,URL\n3,c,z\n"]
    assert sum(c.lines for c in out) == 3


def test_invalid_utf8_is_repaired_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "bad.log"
    path.write_bytes(b"ok\nbad \xff byte\n")
    [chunk] = chunks(path, chunk_lines=10, chunk_bytes=10**9)
    assert chunk.repaired == 1
    assert chunk.body.decode() == "ok\nbad \ufffd byte\n"


def test_progress_and_summary_text() -> None:
    totals = Totals(files=1, bytes_total=2_000_000, bytes_done=500_000, lines=10_000, chunks=2)
    totals.accepted, totals.rejected = 9_990, 10
    line = progress_line(totals, elapsed_s=2.0)
    assert line.startswith("500.0 KB / 2.0 MB (25%) · 10,000 lines · 5,000 lines/s 250.0 KB/s")
    assert line.endswith("accepted 9,990 rejected 10")
    assert summary(totals, 2.0, None).startswith("done: 1 file(s), 2 chunk(s), 10,000 lines")
    assert "rejected 10 lines" in summary(totals, 2.0, None)
    assert summary(totals, 2.0, "HTTP 403").startswith("FAILED: HTTP 403")
    assert human_bytes(999) == "999 B"
    assert human_bytes(5e12) == "5000.0 GB"


def test_progress_is_throttled_and_uses_carriage_return_on_a_tty() -> None:
    now = [0.0]
    out = io.StringIO()
    progress = Progress(out, tty=True, clock=lambda: now[0])
    totals = Totals(bytes_total=10)
    for step in range(10):  # 10 updates within 0.09 s: one shown
        now[0] = step * 0.01
        progress.update(totals)
    now[0] = 1.0
    progress.update(totals)
    progress.finish("done")
    assert out.getvalue().count("\r") == 2
    assert out.getvalue().endswith("\ndone\n")


def test_progress_writes_plain_lines_when_not_a_tty() -> None:
    now = [0.0]
    out = io.StringIO()
    progress = Progress(out, tty=False, clock=lambda: now[0])
    for second in range(12):
        now[0] = float(second)
        progress.update(Totals())
    assert "\r" not in out.getvalue()
    assert len(out.getvalue().splitlines()) == 3  # at 0, 5 and 10 s


def test_hash_header_lines_repeat_in_every_chunk(tmp_path: Path) -> None:
    path = tmp_path / "MSGTRK.LOG"
    header = b"#Software: Microsoft Exchange Server\n#Fields: date-time,event-id\n"
    path.write_bytes(header + b"r1\nr2\nr3\n#late\n")
    out = list(chunks(path, chunk_lines=2, chunk_bytes=10**9, cut=Cut.HASH_HEADER))
    assert [c.body for c in out] == [header + b"r1\nr2\n", header + b"r3\n#late\n"]  # only leading # lines


def test_whole_files_are_one_chunk_of_unchanged_bytes(tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    data = b"Subject: x\r\n\r\n\xff body \xfe\r\n"
    path.write_bytes(data)
    [chunk] = chunks(path, chunk_lines=1, chunk_bytes=1, cut=Cut.WHOLE)
    assert chunk.body == data
    assert (chunk.position, chunk.repaired) == (len(data), 0)
