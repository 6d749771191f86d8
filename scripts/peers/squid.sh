#!/usr/bin/env bash
# A real Squid (Debian's `squid` package) for the ingestion tests: a forward proxy on
# 127.0.0.1:$SQUID_PORT only, for loopback clients, to any destination including localhost,
# no disk cache, native `squid` log format to .local/squid/access.log (written line by line).
# Config, logs and pid file live in .local/squid/; as root the proxy runs as Debian's `proxy` user.
#
#   scripts/peers/squid.sh start|stop|status
#   scripts/peers/squid.sh start-demo 'YYYY-MM-DD HH:MM:SS' SPEED SITE_PORT | stop-demo | status-demo
#
# `start` installs the package with apt-get when no `squid` is found (root only; the package's own
# service is kept from starting) and returns once the port answers. `stop` ends only the Squid that
# `start` recorded in .local/pids/squid.pid.
#
# Demo mode (tools/demo, `invigilator-demo run`) is a second, separate instance — its own port
# ($SQUID_DEMO_PORT), folder (.local/squid-demo/) and pid file (squid-demo) — so it never disturbs
# the test peer. It runs under libfaketime (Debian's `faketime`, installed when missing): its clock
# starts at the given UTC time and runs SPEED times faster, so access.log shows the demo day. Clients
# must authenticate (Squid's own basic_fake_auth helper: any password, the user name is logged), and
# every request goes to the demo's local site server on 127.0.0.1:SITE_PORT as an origin server
# (cache_peer ... originserver, never_direct): any host name is answered without DNS. `start-demo`
# always restarts the instance, since the fake clock starts when Squid does.
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

# ---- demo mode -------------------------------------------------------------------------------
SQUID_DEMO_PORT="${SQUID_DEMO_PORT:-18129}"
SQUID_DEMO_DIR="$LOCAL/squid-demo"
SQUID_DEMO_CONF="$SQUID_DEMO_DIR/squid.conf"
SQUID_DEMO_ACCESS_LOG="$SQUID_DEMO_DIR/access.log"
FAKETIME_BIN=""

_find_faketime() {
  FAKETIME_BIN="$(command -v faketime 2>/dev/null || true)"
  [[ -n "$FAKETIME_BIN" ]]
}

_ensure_faketime() {
  _find_faketime && return 0
  peer_apt_install faketime faketime
  _find_faketime || die "faketime: installed the package but still no faketime binary"
}

_find_fake_auth() {
  local helper
  for helper in /usr/lib/squid/basic_fake_auth /usr/lib/squid3/basic_fake_auth /usr/libexec/squid/basic_fake_auth; do
    if [[ -x "$helper" ]]; then
      printf '%s' "$helper"
      return 0
    fi
  done
  return 1
}

_write_demo_conf() {
  local site_port="$1" helper
  helper="$(_find_fake_auth)" || die "squid: no basic_fake_auth helper (Debian ships it in the squid package)"
  mkdir -p "$SQUID_DEMO_DIR"
  # A fresh log per demo run: the shipper reads it from the start.
  : >"$SQUID_DEMO_ACCESS_LOG"
  touch "$SQUID_DEMO_DIR/cache.log"
  local user_line="# not root: Squid runs as the invoking user"
  [[ "$(id -u)" -ne 0 ]] || user_line="cache_effective_user $SQUID_USER"
  cat >"$SQUID_DEMO_CONF" <<EOF
# Written by scripts/peers/squid.sh start-demo — the demo trust's proxy, not a production proxy.
http_port 127.0.0.1:$SQUID_DEMO_PORT
visible_hostname invigilator-demo-squid
$user_line
pid_filename $SQUID_DEMO_DIR/squid.pid
coredump_dir $SQUID_DEMO_DIR

# Proxy authentication as a school's Squid does it; basic_fake_auth accepts any password and the
# user name lands in access.log, which is how ingest-proxy attributes a request to an account.
auth_param basic program $helper
auth_param basic children 5 startup=5 idle=1
auth_param basic realm invigilator-demo
auth_param basic credentialsttl 30 days
acl lo src 127.0.0.0/8 ::1
acl authed proxy_auth REQUIRED
http_access allow lo authed
http_access deny all

# Every host name is the demo's local site list: one origin server on loopback, never DNS.
cache_peer 127.0.0.1 parent $site_port 0 no-query no-digest originserver name=demo_site
cache_peer_access demo_site allow all
never_direct allow all

# The clock runs many times faster than real time (libfaketime): timeouts are given in days so
# that they stay long in real seconds.
connect_timeout 30 days
peer_connect_timeout 30 days
read_timeout 30 days
write_timeout 30 days
request_timeout 30 days
client_lifetime 300 days
pconn_timeout 30 days
client_idle_pconn_timeout 30 days
forward_timeout 30 days
shutdown_lifetime 1 seconds

cache deny all
cache_mem 8 MB
# Squid's native line, but with the total bytes of request and reply (%st) where native logs the
# reply's (%<st): an upload's size shows, as a school that watches uploads configures it.
logformat demo %ts.%03tu %6tr %>a %Ss/%03>Hs %st %rm %ru %[un %Sh/%<a %mt
acl has_request has request
access_log stdio:$SQUID_DEMO_ACCESS_LOG demo has_request
strip_query_terms off
buffered_logs off
logfile_rotate 0
cache_log $SQUID_DEMO_DIR/cache.log
cache_store_log none
netdb_filename none
pinger_enable off
forwarded_for delete
dns_nameservers 127.0.0.1
udp_incoming_address 127.0.0.1
EOF
  peer_owner_prepare "$SQUID_USER" "$SQUID_DEMO_DIR"
}

_demo_ready() {
  port_open "$SQUID_DEMO_PORT"
}

squid_demo_start() {
  local start_at="${1:-}" speed="${2:-}" site_port="${3:-}"
  [[ "$start_at" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}:[0-9]{2}$ ]] ||
    die "usage: $0 start-demo 'YYYY-MM-DD HH:MM:SS' SPEED SITE_PORT (the start is UTC)"
  [[ "$speed" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "squid: SPEED must be a number, not '$speed'"
  [[ "$site_port" =~ ^[0-9]+$ ]] || die "squid: SITE_PORT must be a port number, not '$site_port'"
  local start=$SECONDS
  _ensure_squid
  _ensure_faketime
  # The fake clock starts with the process: a demo run always gets a fresh Squid.
  stop_bg squid-demo
  if port_open "$SQUID_DEMO_PORT"; then
    port_owner_hint "$SQUID_DEMO_PORT"
    die "squid: port $SQUID_DEMO_PORT is already in use by another process (set SQUID_DEMO_PORT)"
  fi
  _write_demo_conf "$site_port"
  "$SQUID_BIN" -k parse -f "$SQUID_DEMO_CONF" >>"$LOCAL/logs/squid-demo.log" 2>&1 || {
    log_tail squid-demo 30
    die "squid: $SQUID_DEMO_CONF does not parse"
  }
  start_bg squid-demo env TZ=UTC "$FAKETIME_BIN" -f "@$start_at x$speed" \
    "$SQUID_BIN" -N -d 1 -f "$SQUID_DEMO_CONF"
  WAIT_LOG=squid-demo WAIT_PID_NAME=squid-demo wait_until 30 "demo squid on 127.0.0.1:$SQUID_DEMO_PORT" _demo_ready || {
    stop_bg squid-demo
    die "squid: demo instance not ready (cache log: $SQUID_DEMO_DIR/cache.log)"
  }
  log "squid: demo instance ready on http://127.0.0.1:$SQUID_DEMO_PORT in $((SECONDS - start)) s" \
    "(clock from $start_at UTC x$speed, origin 127.0.0.1:$site_port), access log $SQUID_DEMO_ACCESS_LOG"
}

squid_demo_status() {
  print_status squid-demo starting "127.0.0.1:$SQUID_DEMO_PORT  $SQUID_DEMO_ACCESS_LOG" _demo_ready
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
  start-demo)
    peer_locked squid-demo start-demo "${@:2}"
    squid_demo_start "${@:2}"
    ;;
  stop-demo)
    peer_locked squid-demo stop-demo
    stop_bg squid-demo
    ;;
  status-demo) squid_demo_status ;;
  *)
    echo "usage: $0 start|stop|status|start-demo 'YYYY-MM-DD HH:MM:SS' SPEED SITE_PORT|stop-demo|status-demo" >&2
    exit 2
    ;;
esac
