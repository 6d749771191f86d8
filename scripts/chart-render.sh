#!/usr/bin/env bash
# Renders every chart scenario (charts/invigilator/ci/*-values.yaml, values-dev.yaml) with the pinned
# helm into charts/rendered/<scenario>.yaml, committed so a review sees the manifests (house rule 8).
# Run it (or `make chart-render`) after changing the chart or a scenario; `make chart` fails while a
# committed render is stale.
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
# shellcheck source=scripts/stack/tools.sh
. "$ROOT/scripts/stack/tools.sh"
cd "$ROOT"
ensure_helm
uv run --frozen python -m tests.chart.renders --write
