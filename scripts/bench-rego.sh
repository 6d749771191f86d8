#!/usr/bin/env bash
# Benchmarks the one batched entrypoint, data.invigilator.decide, with `opa bench` on realistic
# mixed batches (tests/contract/bench_events.py) of 1, 100 and 1,000 events, and prints a table:
# ns per decide call, µs per event and events per second (one core, in-process: no HTTP).
#   scripts/bench-rego.sh                  # elms-farm, sizes 1 100 1000
#   SIZES="1 10 100" SCHOOL=st-peters COUNT=3 scripts/bench-rego.sh
#   POLICY_DIR=/tmp/old/policies-rego scripts/bench-rego.sh   # another version of the policies
# The policy is built into a bundle first, as scripts/stack/opa.sh serves it (*_test.rego excluded).
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
# shellcheck source=scripts/stack/tools.sh
. "$ROOT/scripts/stack/tools.sh"
cd "$ROOT"
ensure_opa

read -r -a sizes <<<"${SIZES:-1 100 1000}"
school="${SCHOOL:-elms-farm}"
count="${COUNT:-1}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$OPA_BIN" build -b "$POLICY_DIR" --ignore '*_test.rego' -o "$work/bundle.tar.gz"
results=()
for size in "${sizes[@]}"; do
  log "bench: $size event(s), school $school"
  uv run --frozen python -m tests.contract.bench_events --size "$size" --school "$school" >"$work/batch-$size.json"
  "$OPA_BIN" eval -b "$work/bundle.tar.gz" -i "$work/batch-$size.json" -f json 'data.invigilator.decide' \
    >"$work/decide-$size.json"
  "$OPA_BIN" bench -b "$work/bundle.tar.gz" -i "$work/batch-$size.json" --count "$count" -f json \
    'data.invigilator.decide' >"$work/bench-$size.json"
  results+=("$size" "$work/batch-$size.json" "$work/decide-$size.json" "$work/bench-$size.json")
done

uv run --frozen python - "$OPA_BIN" "$school" "${results[@]}" <<'PY'
import json, subprocess, sys

opa, school, *args = sys.argv[1:]
version = subprocess.run([opa, "version"], capture_output=True, text=True).stdout.splitlines()[0]
print(f"\ndata.invigilator.decide, school {school}, {version}")
print(f"{'batch size':>10} | {'ns/op':>14} | {'µs per event':>12} | {'events/s':>10} | {'MB alloc/op':>11} | findings")
print(f"{'-' * 10}-+-{'-' * 14}-+-{'-' * 12}-+-{'-' * 10}-+-{'-' * 11}-+-{'-' * 8}")
for i in range(0, len(args), 4):
    size, batch, decide, bench = int(args[i]), *args[i + 1 : i + 4]
    decoder, runs, text = json.JSONDecoder(), [], open(bench, encoding="utf-8").read()
    position = 0
    while position < len(text.rstrip()):  # --count > 1 prints one JSON document per run
        run, end = decoder.raw_decode(text, position)
        runs.append(run)
        position = end + len(text[end:]) - len(text[end:].lstrip())
    ns = min(run["T"] / run["N"] for run in runs)  # best of --count runs
    mb = min(run["MemBytes"] / run["N"] for run in runs) / 1e6
    result = json.load(open(decide, encoding="utf-8"))["result"][0]["expressions"][0]["value"]
    findings = sum(len(found) for found in result["events"].values())
    print(f"{size:>10} | {ns:>14,.0f} | {ns / size / 1e3:>12.1f} | {size * 1e9 / ns:>10,.0f} | {mb:>11.2f} | {findings}")
PY
