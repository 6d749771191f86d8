#!/usr/bin/env bash
# Regenerates docs/traceability.md with the pinned opa first on PATH (the generator runs `opa inspect`).
#   scripts/traceability.sh            # write docs/traceability.md
#   scripts/traceability.sh --check    # exit 1 when it is stale (scripts/test.sh lint does this)
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
# shellcheck source=scripts/stack/tools.sh
. "$ROOT/scripts/stack/tools.sh"
cd "$ROOT"
ensure_opa
PATH="$(dirname "$OPA_BIN"):$PATH"
export PATH
uv run --frozen python -m tests.contract.traceability "$@"
