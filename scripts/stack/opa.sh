#!/usr/bin/env bash
# Local OPA server on 127.0.0.1:$OPA_PORT serving a bundle built from
# $POLICY_DIR (default policies-rego/, *_test.rego excluded).
#
#   scripts/stack/opa.sh start|stop|status
#
# `start` rebuilds the bundle; the revision is the first 12 hex chars of a
# sha256 over the policy files (paths + contents). Already running with the
# same revision: nothing happens. Revision changed: OPA is restarted.
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

OPA_DIR="$LOCAL/opa"
OPA_BUNDLE="$OPA_DIR/bundle.tar.gz"
OPA_REV_FILE="$OPA_DIR/revision"

# policy_revision — sha256 over the sorted (path, sha256) list of the bundle's files.
policy_revision() {
  [[ -d "$POLICY_DIR" ]] || die "opa: policy folder $POLICY_DIR does not exist (set POLICY_DIR)"
  (
    cd "$POLICY_DIR"
    find . -type f \( -name '*.rego' -o -name '*.json' \) ! -name '*_test.rego' -print0 |
      LC_ALL=C sort -z | xargs -0 -r sha256sum
  ) | sha256sum | cut -c1-12
}

_healthy() {
  curl -fs -o /dev/null --max-time 2 "$OPA_URL/health"
}

opa_start() {
  [[ -x "$OPA_BIN" ]] || die "opa: $OPA_BIN not found: run scripts/stack/tools.sh first"
  mkdir -p "$OPA_DIR"
  local rev running_rev=""
  rev="$(policy_revision)"
  [[ -f "$OPA_REV_FILE" ]] && running_rev="$(cat "$OPA_REV_FILE")"
  if is_running opa && [[ "$rev" == "$running_rev" ]]; then
    log "opa: already running with policy revision $rev"
  else
    log "opa: building bundle from $POLICY_DIR (revision $rev)"
    # Build from inside the folder so file paths in the bundle are relative.
    if ! (cd "$POLICY_DIR" && "$OPA_BIN" build -b . --ignore '*_test.rego' \
      -o "$OPA_BUNDLE.tmp" --revision "$rev") >"$OPA_DIR/build.log" 2>&1; then
      cat "$OPA_DIR/build.log" >&2
      rm -f "$OPA_BUNDLE.tmp"
      die "opa: 'opa build' of $POLICY_DIR failed${running_rev:+ (OPA keeps serving revision $running_rev if running)}"
    fi
    mv -f "$OPA_BUNDLE.tmp" "$OPA_BUNDLE"
    if is_running opa; then
      log "opa: policy revision changed ($running_rev -> $rev): restarting"
      stop_bg opa
    fi
    if port_open "$OPA_PORT"; then
      port_owner_hint "$OPA_PORT"
      die "opa: port $OPA_PORT is already in use by another process (set OPA_PORT)"
    fi
    # Decision logs (inputs masked by policies-rego/system/log.rego) give every decision an id
    # that breaches keep as evidence.
    start_bg opa "$OPA_BIN" run --server --addr "127.0.0.1:$OPA_PORT" --log-level error \
      --disable-telemetry --set decision_logs.console=true --bundle "$OPA_BUNDLE"
    echo "$rev" >"$OPA_REV_FILE"
  fi
  WAIT_LOG=opa WAIT_PID_NAME=opa wait_until 30 "opa answering GET $OPA_URL/health" _healthy ||
    die "opa: did not start (log: $LOCAL/logs/opa.log)"
  log "opa: ready on $OPA_URL (policy revision $rev)"
}

opa_stop() {
  stop_bg opa
}

opa_status() {
  print_status opa unhealthy "$OPA_URL  revision $(cat "$OPA_REV_FILE" 2>/dev/null || echo '?')" _healthy
}

case "${1:-}" in
  start) opa_start ;;
  stop) opa_stop ;;
  status) opa_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
