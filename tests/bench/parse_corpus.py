"""Deterministic corpora of realistic log records, one per ingest format, for the parse benchmark.

`generate(format, records, seed)` gives a `Corpus`: the bytes a parser receives and the numbers of
events, rejects and skipped records a correct parse of them gives. About 1 % of the records are
malformed (at least one), so the reject path is measured too. The same seed gives the same bytes
on every machine (each format draws from its own `random.Random`, seeded by seed and format).

    uv run python -m tests.bench.parse_corpus --format proxy.squid --records 20 [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence

from tests.bench import corpus_ldif, corpus_mail, corpus_proxy, corpus_windows
from tests.bench.corpus_base import Corpus

__all__ = ["FORMATS", "GENERATORS", "Corpus", "generate", "main"]

Generator = Callable[[int, random.Random], Corpus]


def _proxy(name: str) -> Generator:
    return lambda records, rng: corpus_proxy.generate(name, records, rng)


def _windows(source: str, name: str) -> Generator:
    return lambda records, rng: corpus_windows.generate(source, name, records, rng)


# Named as the parsers name their source in events and rejects.
GENERATORS: dict[str, Generator] = {
    "proxy.squid": _proxy("squid"),
    "proxy.e2guardian": _proxy("e2guardian"),
    "proxy.smoothwall-csv": _proxy("smoothwall-csv"),
    "proxy.lightspeed-csv": _proxy("lightspeed-csv"),
    "endpoint.ecs": _windows("endpoint", "ecs"),
    "endpoint.nxlog": _windows("endpoint", "nxlog"),
    "directory.ecs": _windows("directory", "ecs"),
    "directory.nxlog": _windows("directory", "nxlog"),
    "directory.ldif": corpus_ldif.generate,
    "mail.eml": corpus_mail.eml,
    "mail.exchange-tracking": corpus_mail.exchange_tracking,
    "mail.m365-trace": corpus_mail.m365_trace,
    "mail.gmail": corpus_mail.gmail,
}
FORMATS = tuple(GENERATORS)


def generate(format_name: str, records: int, seed: int = 1) -> Corpus:
    """`records` records of `format_name` (one of FORMATS); the same arguments, the same bytes."""
    if format_name not in GENERATORS:
        raise ValueError(f"unknown format {format_name!r}; known: {', '.join(FORMATS)}")
    return GENERATORS[format_name](records, random.Random(f"{seed}/{format_name}"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--format", required=True, choices=FORMATS)
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    corpus = generate(args.format, args.records, args.seed)
    for data in corpus.inputs:
        sys.stdout.buffer.write(data)
    print(
        f"{corpus.format}: {corpus.records} records, {corpus.size:,} bytes; expect {corpus.events} events, "
        f"{corpus.rejects} rejects, {corpus.skipped} skipped",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
