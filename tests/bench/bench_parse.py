"""Parse throughput per ingest format, side by side with the least work any parser must do.

For each format a deterministic corpus (tests/bench/parse_corpus.py) is parsed by the service's
own entry point into events and rejects; in the same run, interleaved repeat by repeat, the same
bytes go through the baseline (tests/bench/parse_targets.py: split into records and fields, no
meaning). `ratio` = parse time / baseline time: how many times the floor the parse costs. The
events are then grouped and serialised into `EventBatch` records (svckit.batching.event_batches),
as the services write them to Kafka.

One warm-up run of each, then up to `--repeats` timed runs, each after `gc.collect()`, stopped
early once a format has used `--budget` seconds; the best run is reported (the least disturbed by
the rest of the machine), the median beside it in the JSON output.

    uv run python -m tests.bench.bench_parse [--records 10000] [--repeats 5] [--budget 3]
        [--formats squid,mail.eml] [--seed 1] [--json results.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import google.protobuf
from google.protobuf.internal import api_implementation

from invigilator.events.v1 import events_pb2
from svckit.batching import event_batches
from tests.bench.corpus_base import Corpus
from tests.bench.parse_corpus import FORMATS, generate
from tests.bench.parse_targets import TARGETS, Batch, Target

DEFAULT_RECORDS = 10_000
DEFAULT_EML_RECORDS = 500


@dataclass(frozen=True)
class Result:
    format: str
    records: int
    bytes: int
    events: int
    rejects: int
    # What the corpus promised; a parse that disagrees is reported, not hidden.
    expected_events: int
    expected_rejects: int
    runs: int
    parse_best_s: float
    parse_median_s: float
    baseline_best_s: float
    baseline_median_s: float
    serialise_best_s: float
    batches: int

    @property
    def parse_rate(self) -> float:
        return self.records / self.parse_best_s

    @property
    def baseline_rate(self) -> float:
        return self.records / self.baseline_best_s

    @property
    def ratio(self) -> float:
        return self.parse_best_s / self.baseline_best_s

    @property
    def us_per_record(self) -> float:
        return self.parse_best_s / self.records * 1e6

    @property
    def batch_rate(self) -> float:
        return self.events / self.serialise_best_s if self.serialise_best_s else 0.0

    @property
    def as_expected(self) -> bool:
        return (self.events, self.rejects) == (self.expected_events, self.expected_rejects)


def parse_all(target: Target, corpus: Corpus) -> list[Batch]:
    return [target.parse(data) for data in corpus.inputs]


def baseline_all(target: Target, corpus: Corpus) -> int:
    return sum(target.baseline(data) for data in corpus.inputs)


def serialise(events: list[events_pb2.Event]) -> tuple[int, int]:
    """(records, bytes) of the EventBatch records the events make, as the services produce them."""
    records = size = 0
    for _key, batch in event_batches(events):
        records += 1
        size += len(batch.SerializeToString())
    return records, size


def _timed(run: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def bench(corpus: Corpus, repeats: int, budget_s: float) -> Result:
    """Warm up, then time parse, baseline and serialisation in turn, repeat by repeat."""
    target = TARGETS[corpus.format]
    batches = parse_all(target, corpus)
    baseline_all(target, corpus)
    events = [event for batch in batches for event in batch.events]
    rejects = sum(len(batch.rejects) for batch in batches)
    batch_records, _ = serialise(events)
    parse_s: list[float] = []
    baseline_s: list[float] = []
    serialise_s: list[float] = []
    started = time.perf_counter()
    for _ in range(max(repeats, 1)):
        parse_s.append(_timed(lambda: parse_all(target, corpus)))
        baseline_s.append(_timed(lambda: baseline_all(target, corpus)))
        serialise_s.append(_timed(lambda: serialise(events)))
        if time.perf_counter() - started > budget_s:
            break
    return Result(
        format=corpus.format,
        records=corpus.records,
        bytes=corpus.size,
        events=len(events),
        rejects=rejects,
        expected_events=corpus.events,
        expected_rejects=corpus.rejects,
        runs=len(parse_s),
        parse_best_s=min(parse_s),
        parse_median_s=statistics.median(parse_s),
        baseline_best_s=min(baseline_s),
        baseline_median_s=statistics.median(baseline_s),
        serialise_best_s=min(serialise_s),
        batches=batch_records,
    )


def machine() -> dict[str, Any]:
    """What a reader needs to weigh the figures: cores, load, interpreter, protobuf backend."""
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "protobuf": f"{google.protobuf.__version__} ({api_implementation.Type()})",
        "platform": platform.platform(),
    }


COLUMNS = (
    ("format", "<"),
    ("records", ">"),
    ("parse rec/s", ">"),
    ("baseline rec/s", ">"),
    ("ratio", ">"),
    ("events", ">"),
    ("rejects", ">"),
    ("µs/record", ">"),
    ("batch ev/s", ">"),
    ("runs", ">"),
)


def _row(result: Result) -> list[str]:
    mark = "" if result.as_expected else " !"
    return [
        result.format + mark,
        f"{result.records:,}",
        f"{result.parse_rate:,.0f}",
        f"{result.baseline_rate:,.0f}",
        f"{result.ratio:.1f}x",
        f"{result.events:,}",
        f"{result.rejects:,}",
        f"{result.us_per_record:.1f}",
        f"{result.batch_rate:,.0f}",
        str(result.runs),
    ]


def render_table(results: Sequence[Result]) -> str:
    """A Markdown table, one row per format (a format whose counts are off is marked `!`)."""
    rows = [[name for name, _ in COLUMNS], *(_row(result) for result in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]

    def line(cells: Sequence[str]) -> str:
        aligned = (
            f"{cell:{align}{width}}" for cell, (_, align), width in zip(cells, COLUMNS, widths, strict=True)
        )
        return "| " + " | ".join(aligned) + " |"

    rules = (
        "-" * (width + 1) + ":" if align == ">" else ":" + "-" * (width + 1)
        for (_, align), width in zip(COLUMNS, widths, strict=True)
    )
    rule = "|" + "|".join(rules) + "|"
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def render_machine(before: dict[str, Any], load_after: Sequence[float]) -> str:
    return (
        f"nproc {before['nproc']}, load average {' '.join(map(str, before['load_average']))} before and "
        f"{' '.join(map(str, load_after))} after; {before['implementation']} {before['python']}, "
        f"protobuf {before['protobuf']}; {before['platform']}"
    )


def default_records(format_name: str) -> int:
    """A whole message per parse call is ~50x dearer than a log line: fewer, so the run stays short."""
    return DEFAULT_EML_RECORDS if format_name == "mail.eml" else DEFAULT_RECORDS


def select(names: str) -> list[str]:
    """Formats by full name (`proxy.squid`) or by a unique tail (`squid`, `mail.eml`, `eml`)."""
    if not names:
        return list(FORMATS)
    chosen = []
    for name in (part.strip() for part in names.split(",") if part.strip()):
        matches = [f for f in FORMATS if f == name or f.endswith("." + name)]
        if len(matches) != 1:
            raise ValueError(f"format {name!r} matches {matches or 'nothing'}; formats: {', '.join(FORMATS)}")
        chosen.append(matches[0])
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--records",
        type=int,
        help=f"records per format (default {DEFAULT_RECORDS}, RFC 5322 {DEFAULT_EML_RECORDS})",
    )
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per format at most (default 5)")
    parser.add_argument(
        "--budget", type=float, default=3.0, help="seconds of timed runs per format (default 3)"
    )
    parser.add_argument(
        "--formats", default="", help="comma-separated, e.g. squid,ecs,mail.eml (default all)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if (args.records is not None and args.records < 1) or args.repeats < 1:
        parser.error("--records and --repeats must be at least 1")
    try:
        formats = select(args.formats)
    except ValueError as error:
        parser.error(str(error))
    before = machine()
    results = []
    for name in formats:
        corpus = generate(name, args.records or default_records(name), args.seed)
        print(
            f"  {name}: {corpus.records:,} records, {corpus.size / 1e6:.1f} MB", file=sys.stderr, flush=True
        )
        results.append(bench(corpus, args.repeats, args.budget))
    load_after = [round(load, 2) for load in os.getloadavg()]
    print(f"\nParse throughput, best of up to {args.repeats} runs after a warm-up (seed {args.seed})\n")
    print(render_table(results))
    print(f"\n{render_machine(before, load_after)}")
    off = [result.format for result in results if not result.as_expected]
    if off:
        print(f"! events/rejects differ from what the corpus expects: {', '.join(off)}", file=sys.stderr)
    if args.json:
        figures = [
            {**asdict(r), "parse_rate": r.parse_rate, "baseline_rate": r.baseline_rate, "ratio": r.ratio}
            for r in results
        ]
        document = {
            "machine": {**before, "load_average_after": load_after},
            "seed": args.seed,
            "results": figures,
        }
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
