#!/usr/bin/env bash
# Regenerates libs/events/src/invigilator from proto/ (python + mypy stubs) with the locked
# grpcio-tools protoc, so the output is reproducible. `make proto-check` fails when it is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
out=libs/events/src
rm -rf "$out/invigilator"
mapfile -t protos < <(find proto -name '*.proto' | sort)
uv run --frozen python -m grpc_tools.protoc -I proto --python_out="$out" --mypy_out="$out" "${protos[@]}"
# Regular packages (not namespace ones) so mypy and importlib agree on what invigilator.* is.
find "$out/invigilator" -type d -exec touch {}/__init__.py \;
touch "$out/invigilator/py.typed"
