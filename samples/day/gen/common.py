"""Shared pieces of the sample-day generator: the day, planted breaches, files that know their lines.

A sample file is built from records (one or more lines each) added in any order; `render` sorts
them by time, numbers the lines, and tells every planted breach which line its record landed on.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Tuesday 24 November 2026. London keeps GMT in November, so local time is UTC.
DAY = datetime(2026, 11, 24, tzinfo=UTC)


def at(clock: str) -> datetime:
    """`at("09:15:02")` is that local (= UTC) time on the sample day."""
    parts = [int(part) for part in clock.split(":")]
    hours, minutes, seconds = [*parts, 0, 0][:3]
    return DAY + timedelta(hours=hours, minutes=minutes, seconds=seconds)


def rng(name: str) -> random.Random:
    """A generator per file, so editing one file's records never reshuffles another's."""
    return random.Random(f"invigilator-sample-day-{name}")  # noqa: S311 (sample data, not secrets)


def compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


@dataclass(frozen=True)
class Plant:
    """A breach planted on a record: the clause and account `invigilator check` must report, with
    the record its `ref` points at. `known_miss` names the bug that keeps it from being found today;
    `false_positive` marks a finding the check reports although nothing was breached (a bug too)."""

    clause: str
    account: str
    what: str
    known_miss: str = ""
    false_positive: str = ""


@dataclass
class Record:
    moment: datetime
    lines: list[str]
    plants: tuple[Plant, ...]
    # The record's line that a finding's ref points at, counted from 0 (e.g. an m365 MessageId).
    ref_offset: int = 0


@dataclass
class SampleFile:
    """A line-oriented sample file: header lines, then records in time order."""

    school: str
    name: str
    header: list[str] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    keep_order: bool = False

    def add(self, moment: datetime, line: str | list[str], *plants: Plant, ref_offset: int = 0) -> None:
        lines = [line] if isinstance(line, str) else line
        self.records.append(Record(moment, lines, plants, ref_offset))

    def render(self) -> Rendered:
        ordered = self.records if self.keep_order else sorted(self.records, key=lambda r: r.moment)
        out = list(self.header)
        planted: list[tuple[Plant, int]] = []
        for record in ordered:
            first = len(out) + 1
            out.extend(record.lines)
            planted += [(plant, first + record.ref_offset) for plant in record.plants]
        return Rendered(self.name, "\n".join(out) + "\n", planted)


@dataclass(frozen=True)
class Rendered:
    """A sample file's content and the line each planted breach's finding cites."""

    name: str
    data: str | bytes
    planted: list[tuple[Plant, int]]


def first_line(data: str | bytes, needle: str) -> int:
    """The number of the first line holding `needle`."""
    text = data.decode() if isinstance(data, bytes) else data
    return next(n for n, line in enumerate(text.split("\n"), start=1) if needle in line)


@dataclass
class Expected:
    """The ground truth: every planted breach with the `file:line` its finding cites."""

    rows: list[dict[str, Any]] = field(default_factory=list)

    def add(self, school: str, path: str, planted: list[tuple[Plant, int]]) -> None:
        for plant, line in planted:
            row: dict[str, Any] = {
                "school": school,
                "clause": plant.clause,
                "account": plant.account,
                "ref": f"{path}:{line}",
                "what": plant.what,
            }
            if plant.known_miss:
                row["known_miss"] = plant.known_miss
            if plant.false_positive:
                row["false_positive"] = plant.false_positive
            self.rows.append(row)


def write(root: Path, relative: str, text: str | bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="\n")
