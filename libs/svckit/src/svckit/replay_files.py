"""File replay without HTTP: files (plain or gzip) cut into chunks, progress and summary text."""

import gzip
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import BinaryIO, TextIO

GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True)
class Chunk:
    path: Path
    # Header (CSV, `#Fields:`) + whole lines, each ending in LF, valid UTF-8; a WHOLE file as it is.
    body: bytes
    lines: int
    # How far into the file (bytes on disk, compressed for gzip) this chunk reaches.
    position: int
    # Lines whose invalid UTF-8 bytes were replaced by U+FFFD.
    repaired: int = 0


def is_gzip(path: Path) -> bool:
    if path.suffix == ".gz":
        return True
    with path.open("rb") as file:
        return file.read(2) == GZIP_MAGIC


def _utf8(line: bytes) -> tuple[bytes, bool]:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("utf-8", "replace").encode("utf-8"), True
    return line, False


class Cut(Enum):
    """How a format's files may be cut into requests."""

    LINES = "lines"  # every line a record (squid, JSON lines)
    CSV_HEADER = "csv-header"  # the first line is a header, repeated at the start of each chunk
    HASH_HEADER = "hash-header"  # leading `#` lines (W3C `#Fields:` logs) repeated in each chunk
    WHOLE = "whole"  # one request per file, bytes as they are (.eml, JSON arrays, LDIF)


def _opened(raw: BinaryIO, path: Path) -> BinaryIO:
    return gzip.GzipFile(fileobj=raw, mode="rb") if is_gzip(path) else raw  # type: ignore[return-value]


def chunks(
    path: Path, chunk_lines: int, chunk_bytes: int, has_header: bool = False, cut: Cut | None = None
) -> Iterator[Chunk]:
    """Chunks of at most `chunk_lines` lines and `chunk_bytes` bytes (one longer line goes alone).

    A header (CSV first line, or leading `#` lines) is repeated at the start of every chunk; a
    WHOLE file is one chunk of its bytes, unchanged (a server's size limit answers if it is too big).
    """
    cut = cut or (Cut.CSV_HEADER if has_header else Cut.LINES)
    with path.open("rb") as raw:
        stream = _opened(raw, path)
        if cut is Cut.WHOLE:
            body = stream.read()
            yield Chunk(path, body, body.count(b"\n") + (not body.endswith(b"\n")), raw.tell())
            return
        header = b""
        in_header = cut is not Cut.LINES
        lines: list[bytes] = []
        size = repaired = 0
        for line in stream:
            line, fixed = _utf8(line if line.endswith(b"\n") else line + b"\n")
            if in_header:
                if cut is Cut.CSV_HEADER and not header:
                    header = line if line.strip() else header
                    in_header = not header
                    continue
                if cut is Cut.HASH_HEADER and line.startswith(b"#"):
                    header += line
                    continue
                in_header = False
            if lines and len(header) + size + len(line) > chunk_bytes:
                yield Chunk(path, header + b"".join(lines), len(lines), raw.tell(), repaired)
                lines, size, repaired = [], 0, 0
            lines.append(line)
            size += len(line)
            repaired += fixed
            if len(lines) >= chunk_lines:
                yield Chunk(path, header + b"".join(lines), len(lines), raw.tell(), repaired)
                lines, size, repaired = [], 0, 0
        end = raw.tell()
        if lines:
            yield Chunk(path, header + b"".join(lines), len(lines), end, repaired)


@dataclass
class Totals:
    files: int = 0
    bytes_total: int = 0
    # Bytes on disk of the files, up to the end of the last accepted chunk.
    bytes_done: int = 0
    lines: int = 0
    chunks: int = 0
    accepted: int = 0
    rejected: int = 0
    retries: int = 0
    repaired: int = 0


def human_bytes(count: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError("unreachable")


def progress_line(totals: Totals, elapsed_s: float) -> str:
    percent = 100 * totals.bytes_done / totals.bytes_total if totals.bytes_total else 100.0
    elapsed = max(elapsed_s, 1e-9)
    return (
        f"{human_bytes(totals.bytes_done)} / {human_bytes(totals.bytes_total)} ({percent:.0f}%)"
        f" · {totals.lines:,} lines · {totals.lines / elapsed:,.0f} lines/s"
        f" {human_bytes(totals.bytes_done / elapsed)}/s"
        f" · accepted {totals.accepted:,} rejected {totals.rejected:,}"
    )


def summary(totals: Totals, elapsed_s: float, error: str | None) -> str:
    outcome = "FAILED: " + error if error else "done"
    text = (
        f"{outcome}: {totals.files} file(s), {totals.chunks} chunk(s), {totals.lines:,} lines,"
        f" {human_bytes(totals.bytes_done)} of {human_bytes(totals.bytes_total)} in {elapsed_s:.1f}s;"
        f" accepted {totals.accepted:,} events, rejected {totals.rejected:,} lines"
        " (rejects are kept on the rejects topic with their reason)"
    )
    if totals.retries:
        text += f"; {totals.retries} retried request(s)"
    if totals.repaired:
        text += f"; {totals.repaired:,} line(s) were not UTF-8 (invalid bytes sent as U+FFFD)"
    return text


class Progress:
    """At most a few updates a second: one `\\r` line on a terminal, periodic lines otherwise."""

    def __init__(
        self,
        out: TextIO,
        tty: bool,
        clock: Callable[[], float] = time.monotonic,
        interval_s: float | None = None,
    ) -> None:
        self._out = out
        self._tty = tty
        self._clock = clock
        self._interval = interval_s if interval_s is not None else (0.25 if tty else 5.0)
        self.started = clock()
        self._last: float | None = None

    def elapsed(self) -> float:
        return self._clock() - self.started

    def update(self, totals: Totals, force: bool = False) -> None:
        now = self._clock()
        if not force and self._last is not None and now - self._last < self._interval:
            return
        self._last = now
        line = progress_line(totals, now - self.started)
        if self._tty:
            self._out.write(f"\r\x1b[K{line}")
        else:
            self._out.write(f"{line}\n")
        self._out.flush()

    def finish(self, text: str) -> None:
        self._out.write(("\n" if self._tty and self._last is not None else "") + text + "\n")
        self._out.flush()
