#!/usr/bin/env bash
# Every check the project has, in the order that fails fastest. Usage: test.sh all|lint|rego|chart|unit|integration
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
# shellcheck source=scripts/stack/tools.sh
. "$ROOT/scripts/stack/tools.sh"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*" >&2; }

prepare() {
  check_prereqs
  ensure_opa
  ensure_buf
  # Tests that run the pinned tools find them first on PATH.
  PATH="$(dirname "$OPA_BIN"):$(dirname "$BUF_BIN"):$PATH"
  export PATH
  step "uv sync --frozen"
  uv sync --frozen --quiet
}

lint() {
  step "ruff"
  uv run --frozen ruff check .
  uv run --frozen ruff format --check .
  step "mypy --strict"
  local test_dirs=()
  for dir in libs/svckit/tests services/*/tests tools/*/tests; do
    if compgen -G "$dir/*.py" >/dev/null; then test_dirs+=("$dir"); fi
  done
  uv run --frozen mypy libs/svckit/src services/*/src tools/*/src tests "${test_dirs[@]}"
  step "shellcheck"
  ensure_shellcheck
  shellcheck -x scripts/*.sh scripts/stack/*.sh scripts/peers/*.sh .ci/run
  step "buf lint"
  "$BUF_BIN" lint
  step "generated protobuf code is fresh"
  local before after
  before=$(git status --porcelain -- libs/events)
  scripts/gen-proto.sh 2>/dev/null
  after=$(git status --porcelain -- libs/events)
  if [[ -n "$(git diff --stat -- libs/events)" || "$before" != "$after" ]]; then
    git --no-pager diff --stat -- libs/events
    die "libs/events is stale: run 'make proto' and commit the result"
  fi
  step "opa fmt and check --strict"
  local unformatted
  unformatted=$("$OPA_BIN" fmt -l policies-rego)
  [[ -z "$unformatted" ]] || die "Rego not formatted (run '$OPA_BIN fmt -w policies-rego'): $unformatted"
  "$OPA_BIN" check --strict policies-rego
  step "docs/traceability.md is fresh"
  uv run --frozen python -m tests.contract.traceability --check
}

rego() {
  step "opa test --coverage (gate: 95% of policy lines, tests excluded)"
  local report
  report=$(mktemp)
  if ! "$OPA_BIN" test policies-rego --coverage >"$report"; then
    "$OPA_BIN" test policies-rego --var-values || true # the failures, in full
    rm -f "$report"
    die "opa test failed"
  fi
  uv run --frozen python -m tests.contract.coverage_gate --threshold 95 "$report" || die "Rego coverage below the gate"
  rm -f "$report"
}

chart() {
  # The Helm chart, without a cluster: the pinned helm lints and renders every scenario; the tests
  # validate what it renders (Kubernetes schemas, Strimzi/CloudNativePG CRDs, hardening, skaffold.yaml).
  local start=$SECONDS values
  ensure_helm
  step "chart: the OPA bundle in charts/invigilator/files and the renders in charts/rendered are fresh"
  uv run --frozen python -m tests.chart.policy_bundle --check
  uv run --frozen python -m tests.chart.renders --check
  step "chart: helm lint --strict and helm template, every scenario"
  for values in charts/invigilator/ci/*-values.yaml charts/invigilator/values-dev.yaml; do
    "$HELM_BIN" lint --strict charts/invigilator --values "$values" >/dev/null ||
      { "$HELM_BIN" lint --strict charts/invigilator --values "$values"; die "helm lint failed for $values"; }
    "$HELM_BIN" template invigilator charts/invigilator --values "$values" --kube-version 1.33.0 >/dev/null ||
      die "helm template failed for $values"
  done
  step "chart tests: manifests, CRDs, hardening, services map, skaffold.yaml"
  uv run --frozen pytest -q -m "not integration" tests/chart
  log "chart step: $((SECONDS - start)) s"
}

unit() {
  step "unit tests"
  uv run --frozen pytest -m "not integration" libs services tools tests/contract tests/bench
}

integration() {
  step "local stack"
  # Leave the machine as we found it: stop afterwards only what this run had to start.
  if ! is_running kafka; then trap 'scripts/stack/services.sh stop; scripts/stack/down.sh' EXIT; fi
  scripts/stack/up.sh
  scripts/stack/services.sh start
  ensure_chromium # the workspace's browser tests (services/web)
  step "integration tests (real Kafka, OPA, PostgreSQL, SMTP)"
  uv run --frozen pytest -m integration services tools tests
}

target="${1:-all}"
prepare
case "$target" in
  all) lint; rego; chart; unit; integration ;;
  lint | rego | chart | unit | integration) "$target" ;;
  *) die "usage: $0 all|lint|rego|chart|unit|integration" ;;
esac
