# shellcheck shell=bash
# Common settings and helpers for the local stack scripts. Source it:
#   . "$(dirname "${BASH_SOURCE[0]}")/env.sh"
#
# Everything binds to 127.0.0.1. Data, logs and pid files live in $ROOT/.local
# (git-ignored); downloaded/built tools live in $CACHE, outside the clone, so
# another clone on the same machine reuses them.

if [[ -n "${_INVIGILATOR_STACK_ENV:-}" ]]; then
  return 0
fi
_INVIGILATOR_STACK_ENV=1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$ROOT/.local"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/invigilator"
export ROOT LOCAL CACHE

# Pinned tool versions.
KAFKA_VERSION=4.1.1
OPA_VERSION=v1.10.1
BUF_VERSION=v1.59.0
export KAFKA_VERSION OPA_VERSION BUF_VERSION

# Loopback ports (override from the environment).
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
OPA_PORT="${OPA_PORT:-18181}"
PG_PORT="${PG_PORT:-15432}"
SMTP_PORT="${SMTP_PORT:-18025}"
export KAFKA_PORT KAFKA_CONTROLLER_PORT OPA_PORT PG_PORT SMTP_PORT
# Real protocol peers for the ingestion tests (scripts/peers/).
SQUID_PORT="${SQUID_PORT:-18128}"
SLAPD_PORT="${SLAPD_PORT:-18389}"
export SQUID_PORT SLAPD_PORT

# Connection settings read by the Python services.
KAFKA_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT"
OPA_URL="http://127.0.0.1:$OPA_PORT"
DATABASE_URL="postgresql+psycopg://invigilator:invigilator@127.0.0.1:$PG_PORT/invigilator"
SMTP_HOST=127.0.0.1
export KAFKA_BOOTSTRAP_SERVERS OPA_URL DATABASE_URL SMTP_HOST

# Where the policies come from (override to test against another folder).
POLICY_DIR="${POLICY_DIR:-$ROOT/policies-rego}"
export POLICY_DIR

# Tool locations (tools.sh checks/installs them; a preset value wins).
OPA_BIN="${OPA_BIN:-$CACHE/tools/opa-$OPA_VERSION/opa}"
BUF_BIN="${BUF_BIN:-$CACHE/tools/buf-$BUF_VERSION/buf}"
KAFKA_LIBS="$CACHE/kafka-$KAFKA_VERSION/libs"
export OPA_BIN BUF_BIN KAFKA_LIBS

mkdir -p "$LOCAL/logs" "$LOCAL/pids"

# log MSG... — progress/diagnostics to stderr.
log() {
  printf '[stack] %s\n' "$*" >&2
}

# die MSG... — log and exit non-zero.
die() {
  log "ERROR: $*"
  exit 1
}

_pidfile() {
  printf '%s/pids/%s.pid' "$LOCAL" "$1"
}

# is_running NAME — true when $LOCAL/pids/NAME.pid names a live process.
is_running() {
  local pidfile pid
  pidfile="$(_pidfile "$1")"
  [[ -f "$pidfile" ]] || return 1
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # A zombie is not running.
  if [[ -r "/proc/$pid/stat" ]]; then
    local state
    state="$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)"
    [[ "$state" != Z ]] || return 1
  fi
  return 0
}

# start_bg NAME CMD... — run CMD detached (own session/process group), output
# appended to $LOCAL/logs/NAME.log, pid in $LOCAL/pids/NAME.pid.
start_bg() {
  local name="$1"
  shift
  local logfile pidfile pid
  logfile="$LOCAL/logs/$name.log"
  pidfile="$(_pidfile "$name")"
  if is_running "$name"; then
    log "$name already running (pid $(cat "$pidfile"))"
    return 0
  fi
  rm -f "$pidfile"
  printf '\n===== %s starting %s: %s =====\n' "$(date -Is)" "$name" "$*" >>"$logfile"
  # Without job control the background child is not a group leader, so setsid
  # does not fork again: $! is the session/process-group leader.
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  log "$name started (pid $pid, log $logfile)"
}

# stop_bg NAME — TERM the recorded process group, wait up to 15 s, then KILL.
# Only ever signals what the pid file recorded.
stop_bg() {
  local name="$1"
  local pidfile pid i
  pidfile="$(_pidfile "$name")"
  if [[ ! -f "$pidfile" ]]; then
    log "$name not running (no pid file)"
    return 0
  fi
  pid="$(cat "$pidfile" 2>/dev/null || true)"
  if ! [[ "$pid" =~ ^[0-9]+$ ]] || ! is_running "$name"; then
    log "$name not running (stale pid file removed)"
    rm -f "$pidfile"
    return 0
  fi
  log "stopping $name (pid $pid)"
  # Process group first (start_bg made pid a group leader); fall back to the pid.
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 30; i++)); do
    if ! kill -0 -- "-$pid" 2>/dev/null && ! is_running "$name"; then
      break
    fi
    sleep 0.5
  done
  if kill -0 -- "-$pid" 2>/dev/null || is_running "$name"; then
    log "$name did not stop within 15 s: sending KILL"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$pidfile"
  log "$name stopped"
}

# log_tail NAME [LINES] — print the end of $LOCAL/logs/NAME.log to stderr.
log_tail() {
  local logfile="$LOCAL/logs/$1.log"
  local lines="${2:-40}"
  if [[ -f "$logfile" ]]; then
    printf '[stack] ---- last %s lines of %s ----\n' "$lines" "$logfile" >&2
    tail -n "$lines" "$logfile" >&2
    printf '[stack] ---- end of %s ----\n' "$logfile" >&2
  fi
}

# wait_until TIMEOUT_S DESCRIPTION CMD... — poll CMD every 0.5 s until it
# succeeds. On timeout report DESCRIPTION (plus the tail of
# $LOCAL/logs/$WAIT_LOG.log when WAIT_LOG=NAME is set) and return 1.
# If WAIT_PID_NAME=NAME is set and that process dies, fail at once.
# Example: WAIT_LOG=kafka WAIT_PID_NAME=kafka wait_until 90 "kafka on :19092" port_open 19092
wait_until() {
  local timeout="$1" desc="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  local logname="${WAIT_LOG:-}"
  while ! "$@" >/dev/null 2>&1; do
    if [[ -n "${WAIT_PID_NAME:-}" ]] && ! is_running "$WAIT_PID_NAME"; then
      log "ERROR: $desc: the process exited"
      [[ -z "$logname" ]] || log_tail "$logname"
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "ERROR: timed out after ${timeout}s waiting for: $desc"
      [[ -z "$logname" ]] || log_tail "$logname"
      return 1
    fi
    sleep 0.5
  done
}

# print_status NAME NOT_READY_STATE DETAIL CHECK... — one status line: running (CHECK succeeds),
# NOT_READY_STATE (alive but CHECK fails) or stopped (returns 3).
print_status() {
  local name="$1" not_ready="$2" detail="$3"
  shift 3
  if ! is_running "$name"; then
    printf '%-9s stopped\n' "$name"
    return 3
  fi
  local state=running
  "$@" >/dev/null 2>&1 || state="$not_ready"
  printf '%-9s %s  pid %s  %s\n' "$name" "$state" "$(cat "$LOCAL/pids/$name.pid")" "$detail"
}

# port_open PORT — true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# port_owner_hint PORT — explain who holds a port, if we can tell.
port_owner_hint() {
  if command -v ss >/dev/null 2>&1; then
    ss -ltnpH "sport = :$1" 2>/dev/null || true
  fi
}
