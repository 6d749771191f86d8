"""A school's log files read by the ingest services' own parsers, each event with where it came from.

`read(format, path, school)` gives events (with their source and a `file:line` reference) and the
records that could not be read (with their reasons). Windows JSON (ecs, nxlog) holds endpoint and
domain-controller events alike: each line goes to the endpoint parser and, when that does not
monitor its event id, to the directory parser; an event id neither monitors is skipped, not
unreadable (a full export holds thousands of them).

Where a record spans lines, `file:line` is where it starts: an LDIF entry's `dn:` line; for mail,
the record's own line when it is one line, else the first line holding its Message-ID (an .eml
file's header, the first trace row of a message). `file#n` (the n-th event) only when neither is
found.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path

from ingest_directory import ingest as directory
from ingest_directory.ldif import read_ldif
from ingest_directory.snapshot import Layout
from ingest_endpoint import ingest as endpoint
from ingest_mail import ingest as mail
from ingest_proxy import ingest as proxy
from ingest_proxy.vendor_csv import PRESETS
from invigilator.events.v1 import events_pb2
from svckit.ingest import event_id, json_lines

PROXY_FORMATS = ("squid", "e2guardian", "csv")
WINDOWS_FORMATS = ("ecs", "nxlog")
MAIL_FORMATS = mail.FORMATS
FORMATS = (*PROXY_FORMATS, *WINDOWS_FORMATS, "ldif", *MAIL_FORMATS)


@dataclass(frozen=True)
class Context:
    school_id: str
    zone: tzinfo
    own_domains: frozenset[str]
    csv_vendor: str = "smoothwall"
    # The school's OU in an LDIF export (entries of other OUs are other schools').
    school_ou: str = ""


@dataclass(frozen=True)
class Located:
    event: events_pb2.Event
    source: str
    ref: str


@dataclass
class FileInput:
    events: list[Located] = field(default_factory=list)
    # (ref, reason) of every record that could not be read.
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    # Records deliberately not judged (e.g. DELIVER rows, OUs, other schools' directory entries).
    skipped: int = 0
    # Windows events no rule reads, by reason ("event id 4688 not monitored"); counted in `skipped`.
    not_monitored: Counter[str] = field(default_factory=Counter)


def load(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def _line_refs(path: Path, data: bytes, source: str, school_id: str) -> dict[str, str]:
    """event id → `file:line`, for sources whose events hash one line (the ingest's event_id)."""
    return {event_id(source, school_id, line): f"{path}:{number}" for number, line in json_lines(data)}


def _located(
    path: Path, data: bytes, source: str, context: Context, events: Sequence[events_pb2.Event]
) -> list[Located]:
    refs = _line_refs(path, data, source, context.school_id)
    return [
        Located(event, source, refs.get(event.event_id, f"{path}#{number}"))
        for number, event in enumerate(events, start=1)
    ]


_WHERE = re.compile(r"^(?:entry at )?line (\d+): ")


def _unreadable(path: Path, reason: str) -> tuple[str, str]:
    """(`file:line`, reason) from a reject reason that starts with "line N: " (or LDIF's
    "entry at line N: ")."""
    where = _WHERE.match(reason)
    if where:
        return f"{path}:{where.group(1)}", reason[where.end() :]
    return str(path), reason


def _text_lines(data: bytes) -> list[str]:
    """The file's lines as text (UTF-16 with a BOM, as Windows PowerShell writes, or UTF-8)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", "replace")
    else:
        text = data.decode("utf-8", "replace").removeprefix("\ufeff")
    return text.split("\n")


def _first_mention(lines: list[str], needle: str) -> int | None:
    """The number of the first line holding `needle` (case-insensitive)."""
    lowered = needle.lower()
    return next((number for number, line in enumerate(lines, start=1) if lowered in line.lower()), None)


def _proxy(format_name: str, path: Path, data: bytes, context: Context) -> FileInput:
    name = f"{context.csv_vendor}-csv" if format_name == "csv" else format_name
    text = data.decode("utf-8", "replace")
    batch = proxy.parse_text(name, text, context.school_id, context.zone, dict(PRESETS))
    source = f"proxy.{name}"
    return FileInput(
        _located(path, text.encode(), source, context, batch.events),
        [_unreadable(path, r.reason) for r in batch.rejects],
    )


def _not_monitored(reason: str) -> bool:
    return "not monitored" in reason


def _windows(format_name: str, path: Path, data: bytes, context: Context) -> FileInput:
    out = FileInput()
    for number, line in json_lines(data):
        ref = f"{path}:{number}"
        first = endpoint.parse(format_name, line, context.school_id, local_zone=context.zone)
        source = f"endpoint.{format_name}"
        if not first.events and first.rejects and _not_monitored(first.rejects[0].reason):
            second = directory.parse(format_name, line, context.school_id, local_zone=context.zone)
            if second.events or not _not_monitored(second.rejects[0].reason):
                first, source = second, f"directory.{format_name}"  # type: ignore[assignment]
            else:
                out.skipped += 1
                out.not_monitored[second.rejects[0].reason.removeprefix("line 1: ")] += 1
                continue
        out.events += [Located(event, source, ref) for event in first.events]
        out.unreadable += [(ref, r.reason.removeprefix("line 1: ")) for r in first.rejects]
    return out


def _ldif_records(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(number of the `dn:` line, the record) for each blank-line separated LDIF record."""
    lines: list[tuple[int, bytes]] = []
    for number, line in enumerate([*data.split(b"\n"), b""], start=1):
        if line.strip():
            lines.append((number, line.rstrip(b"\r")))
            continue
        if lines:
            dn = next((n for n, text in lines if text.lower().startswith(b"dn:")), lines[0][0])
            yield dn, b"\n".join(text for _, text in lines)
            lines = []


def _ldif_refs(path: Path, data: bytes, school_id: str) -> dict[str, str]:
    """event id → `file:line` of its entry's `dn:` (read one record at a time, as the parser does)."""
    refs: dict[str, str] = {}
    for line, record in _ldif_records(data.removeprefix(b"\xef\xbb\xbf")):
        entries, _ = read_ldif(record)
        for entry in entries:
            refs[event_id(directory.LDIF_SOURCE, school_id, entry.raw)] = f"{path}:{line}"
    return refs


def _ldif(path: Path, data: bytes, context: Context) -> FileInput:
    ou = context.school_ou or context.school_id.replace("-", " ").title()
    batch = directory.parse_ldif(data, Layout(ou_to_school={ou: context.school_id}))
    ours = [event for event in batch.events if event.school_id == context.school_id]
    refs = _ldif_refs(path, data, context.school_id)
    return FileInput(
        [
            Located(event, directory.LDIF_SOURCE, refs.get(event.event_id, f"{path}#{n}"))
            for n, event in enumerate(ours, start=1)
        ],
        [_unreadable(path, r.reason) for r in batch.rejects if r.school_id in ("", context.school_id)],
        sum(batch.skipped.values()) + len(batch.events) - len(ours),
    )


def _mail(format_name: str, path: Path, data: bytes, context: Context) -> FileInput:
    batch = mail.parse(format_name, data, context.school_id, context.own_domains)
    source = mail.source_name(format_name)
    lines = _text_lines(data)
    located = []
    for found in _located(path, data, source, context, batch.events):
        message_id = found.event.mail.message_id.strip("<>")
        if found.ref.startswith(f"{path}#") and message_id:
            line = _first_mention(lines, message_id)
            if line is not None:
                found = Located(found.event, found.source, f"{path}:{line}")
        located.append(found)
    return FileInput(located, [_unreadable(path, r.reason) for r in batch.rejects], batch.skipped)


def read(format_name: str, path: Path, context: Context) -> FileInput:
    """Every record of the file as an event or an unreadable record; nothing raised for bad input."""
    if format_name not in FORMATS:
        raise ValueError(f"unknown format {format_name!r}; known: {', '.join(FORMATS)}")
    data = load(path)
    if format_name in PROXY_FORMATS:
        return _proxy(format_name, path, data, context)
    if format_name in WINDOWS_FORMATS:
        return _windows(format_name, path, data, context)
    if format_name == "ldif":
        return _ldif(path, data, context)
    return _mail(format_name, path, data, context)
