#!/usr/bin/env bash
# Parse throughput per ingest format (records/s), side by side in one run with the least work any
# parser of the format must do on the same bytes (split into records and fields), reported as
# ratios with the figures, plus the rate of serialising the events into EventBatch records.
#   scripts/bench-parse.sh                                  # every format, ~1 minute
#   scripts/bench-parse.sh --formats squid,eml --records 2000 --json /tmp/parse.json
# Arguments go to tests/bench/bench_parse.py (--help lists them). Results: docs/benchmarks/parse.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
uv run --frozen python -m tests.bench.bench_parse "$@"
