#!/usr/bin/env bash
# The engine benchmark (make bench, not part of make test): a trust's working day of events
# (default 1,000,000; proxy ≫ endpoint > mail > directory, 0.5 % breaching) through the running
# policy-engine, beside a plain confluent-kafka consumer (the ceiling) and one OPA request per event
# (the naive design), on the same data in one run; prints one table with the ratios, the p50/p99
# event-to-breach latency at half the sustained rate and the engine's peak memory.
#   scripts/bench.sh                                  # the default day; several minutes
#   scripts/bench.sh --events 50000 --json /tmp/engine.json
# Starts the stack and the services when they are not running (both idempotent). Arguments go to
# tests/bench/bench_engine.py (--help lists them). Results: docs/benchmarks/engine.md.
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
cd "$ROOT"

scripts/stack/up.sh
scripts/stack/services.sh start
uv run --frozen python -m tests.bench.bench_engine \
  --bootstrap "$KAFKA_BOOTSTRAP_SERVERS" --opa-url "$OPA_URL" --pidfile "$LOCAL/pids/policy-engine.pid" "$@"
