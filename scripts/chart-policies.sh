#!/usr/bin/env bash
# Packs policies-rego/ into the Helm chart as an OPA bundle (charts/invigilator/files/policies-bundle.tar.gz),
# which the chart puts in a ConfigMap for each OPA sidecar. Run it (or `make chart-policies`) after
# changing policies-rego/ and commit the result (it also re-renders charts/rendered/); `scripts/test.sh
# chart` fails while either is stale.
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
cd "$ROOT"
uv run --frozen python -m tests.chart.policy_bundle --write
# The renders carry the bundle's digest: bring them up to date too.
"$ROOT/scripts/chart-render.sh"
