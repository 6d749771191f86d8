#!/usr/bin/env bash
# A real Squid (Debian's `squid` package) for the ingestion tests: a forward proxy on
# 127.0.0.1:$SQUID_PORT only, for loopback clients, to any destination including localhost,
# no disk cache, native `squid` log format to .local/squid/access.log (written line by line).
# Config, logs and pid file live in .local/squid/; as root the proxy runs as Debian's `proxy` user.
#
#   scripts/peers/squid.sh start|stop|status
#
# `start` installs the package with apt-get when no `squid` is found (root only; the package's own
# service is kept from starting) and returns once the port answers. `stop` ends only the Squid that
# `start` recorded in .local/pids/squid.pid.
set -euo pipefail
# shellcheck source=scripts/peers/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SQUID_DIR="$LOCAL/squid"
SQUID_CONF="$SQUID_DIR/squid.conf"
SQUID_ACCESS_LOG="$SQUID_DIR/access.log"
SQUID_USER="${SQUID_USER:-proxy}"
SQUID_BIN=""

_find_squid() {
  SQUID_BIN="$(command -v squid 2>/dev/null || true)"
  [[ -n "$SQUID_BIN" ]] || { [[ -x /usr/sbin/squid ]] && SQUID_BIN=/usr/sbin/squid; }
  [[ -n "$SQUID_BIN" ]]
}

_ensure_squid() {
  _find_squid && return 0
  peer_apt_install squid squid
  peer_keep_service_off squid
  _find_squid || die "squid: installed the package but still no squid binary"
}

_write_conf() {
  mkdir -p "$SQUID_DIR"
  touch "$SQUID_ACCESS_LOG" "$SQUID_DIR/cache.log"
  local user_line="# not root: Squid runs as the invoking user"
  [[ "$(id -u)" -ne 0 ]] || user_line="cache_effective_user $SQUID_USER"
  cat >"$SQUID_CONF" <<EOF
# Written by scripts/peers/squid.sh at every start — a test peer, not a production proxy.
http_port 127.0.0.1:$SQUID_PORT
visible_hostname invigilator-test-squid
$user_line
pid_filename $SQUID_DIR/squid.pid
coredump_dir $SQUID_DIR

# Loopback clients may go anywhere, including loopback servers: the tests' web server listens on
# 127.0.0.1, so Squid's usual "http_access deny to_localhost" is deliberately left out, and
# CONNECT is allowed to any port (curl --proxytunnel to a plain-HTTP test server).
acl invigilator_clients src 127.0.0.0/8 ::1
http_access allow invigilator_clients
http_access deny all

# Nothing is cached, in memory or on disk (no cache_dir at all).
cache deny all
cache_mem 8 MB

# Native format, one line flushed per request, never rotated by Squid itself. Query strings are
# logged in full (strip_query_terms off), as a careless school's Squid would: the tests prove that
# ingest-proxy drops them. Connections that never sent a request (port probes) are not logged.
acl has_request has request
access_log stdio:$SQUID_ACCESS_LOG squid has_request
strip_query_terms off
buffered_logs off
logfile_rotate 0
cache_log $SQUID_DIR/cache.log
cache_store_log none
netdb_filename none

# Quiet and quick: no ICMP helper, no outgoing ident, stop within a second.
pinger_enable off
shutdown_lifetime 1 seconds
forwarded_for delete
# Loopback only, DNS included: /etc/hosts answers for localhost; the tests use IP literals.
dns_nameservers 127.0.0.1
udp_incoming_address 127.0.0.1
EOF
  peer_owner_prepare "$SQUID_USER" "$SQUID_DIR"
}

_ready() {
  port_open "$SQUID_PORT"
}

squid_start() {
  if is_running squid && _ready; then
    log "squid: already running (pid $(cat "$LOCAL/pids/squid.pid")) on 127.0.0.1:$SQUID_PORT"
    return 0
  fi
  local start=$SECONDS
  _ensure_squid
  if ! is_running squid && port_open "$SQUID_PORT"; then
    port_owner_hint "$SQUID_PORT"
    die "squid: port $SQUID_PORT is already in use by another process (set SQUID_PORT)"
  fi
  _write_conf
  "$SQUID_BIN" -k parse -f "$SQUID_CONF" >>"$LOCAL/logs/squid.log" 2>&1 || {
    log_tail squid 30
    die "squid: $SQUID_CONF does not parse"
  }
  # -N: one process in the foreground (start_bg records it); -d 1: important messages to our log.
  start_bg squid "$SQUID_BIN" -N -d 1 -f "$SQUID_CONF"
  WAIT_LOG=squid WAIT_PID_NAME=squid wait_until 30 "squid on 127.0.0.1:$SQUID_PORT" _ready || {
    stop_bg squid
    die "squid: not ready (cache log: $SQUID_DIR/cache.log)"
  }
  log "squid: ready on http://127.0.0.1:$SQUID_PORT in $((SECONDS - start)) s, access log $SQUID_ACCESS_LOG"
}

squid_stop() {
  stop_bg squid
}

squid_status() {
  print_status squid starting "127.0.0.1:$SQUID_PORT  $SQUID_ACCESS_LOG" _ready
}

case "${1:-}" in
  start)
    peer_locked squid start
    squid_start
    ;;
  stop)
    peer_locked squid stop
    squid_stop
    ;;
  status) squid_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
