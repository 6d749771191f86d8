#!/usr/bin/env bash
# A real OpenLDAP server (Debian's `slapd`) for the directory sync tests: ldap://127.0.0.1:$SLAPD_PORT
# only, one mdb database with suffix dc=trust,dc=example, the core and cosine schemas plus the
# Active Directory attributes the sync reads (scripts/peers/ad-schema.schema). Config, data and pid
# file live in .local/slapd/; as root the server runs as Debian's `openldap` user.
#
#   scripts/peers/slapd.sh start|stop|status
#
# `start` installs slapd and ldap-utils with apt-get when missing (root only; the package's own
# slapd is neither configured nor started) and returns once a bind as the rootdn succeeds. The
# directory starts empty: tests seed what they need. `stop` ends only the slapd that `start`
# recorded in .local/pids/slapd.pid.
set -euo pipefail
# shellcheck source=scripts/peers/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SLAPD_DIR="$LOCAL/slapd"
SLAPD_CONF="$SLAPD_DIR/slapd.conf"
SLAPD_DATA="$SLAPD_DIR/data"
SLAPD_USER="${SLAPD_USER:-openldap}"
SLAPD_URL="ldap://127.0.0.1:$SLAPD_PORT"
SLAPD_SUFFIX="dc=trust,dc=example"
SLAPD_ROOTDN="cn=admin,$SLAPD_SUFFIX"
# Development only: a well-known password for a directory that holds nothing but test entries
# and listens on loopback. Never reuse it, or this configuration, for a real directory.
SLAPD_ROOTPW="invigilator"
SLAPD_BIN=""

_find_slapd() {
  SLAPD_BIN="$(command -v slapd 2>/dev/null || true)"
  [[ -n "$SLAPD_BIN" ]] || { [[ -x /usr/sbin/slapd ]] && SLAPD_BIN=/usr/sbin/slapd; }
  [[ -n "$SLAPD_BIN" ]] && command -v ldapwhoami >/dev/null 2>&1
}

_ensure_slapd() {
  _find_slapd && return 0
  # No default database for the package's own slapd (it never starts anyway).
  PEER_DEBCONF="slapd slapd/no_configuration boolean true" peer_apt_install slapd slapd ldap-utils
  peer_keep_service_off slapd
  _find_slapd || die "slapd: installed the packages but still no slapd or ldapwhoami"
}

_write_conf() {
  mkdir -p "$SLAPD_DATA"
  local hash
  hash="$(slappasswd -s "$SLAPD_ROOTPW")" || die "slapd: slappasswd failed"
  cat >"$SLAPD_CONF" <<EOF
# Written by scripts/peers/slapd.sh at every start — a test peer on loopback, not a directory.
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include $PEERS_DIR/ad-schema.schema

pidfile $SLAPD_DIR/slapd.pid
argsfile $SLAPD_DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb

database mdb
maxsize 104857600
suffix "$SLAPD_SUFFIX"
rootdn "$SLAPD_ROOTDN"
# Development-only password ("$SLAPD_ROOTPW", see scripts/peers/slapd.sh), stored hashed.
rootpw $hash
directory $SLAPD_DATA
index objectClass eq
index sAMAccountName eq
EOF
  chmod 640 "$SLAPD_CONF"
  peer_owner_prepare "$SLAPD_USER" "$SLAPD_DIR"
}

_ready() {
  ldapwhoami -x -H "$SLAPD_URL" -D "$SLAPD_ROOTDN" -w "$SLAPD_ROOTPW" -o nettimeout=2
}

slapd_start() {
  if is_running slapd && _ready >/dev/null 2>&1; then
    log "slapd: already running (pid $(cat "$LOCAL/pids/slapd.pid")) on $SLAPD_URL"
    return 0
  fi
  local start=$SECONDS
  _ensure_slapd
  if ! is_running slapd && port_open "$SLAPD_PORT"; then
    port_owner_hint "$SLAPD_PORT"
    die "slapd: port $SLAPD_PORT is already in use by another process (set SLAPD_PORT)"
  fi
  _write_conf
  # Config and schema check; -u: without opening the (possibly not yet created) database.
  "$SLAPD_BIN" -T test -u -f "$SLAPD_CONF" >>"$LOCAL/logs/slapd.log" 2>&1 || {
    log_tail slapd 30
    die "slapd: $SLAPD_CONF does not pass slaptest"
  }
  local drop=()
  [[ "$(id -u)" -ne 0 ]] || drop=(-u "$SLAPD_USER" -g "$SLAPD_USER")
  # -d: stay in the foreground (start_bg records the process); `stats` logs one line per operation.
  start_bg slapd "$SLAPD_BIN" -d stats -h "$SLAPD_URL/" -f "$SLAPD_CONF" "${drop[@]}"
  WAIT_LOG=slapd WAIT_PID_NAME=slapd wait_until 30 "slapd on $SLAPD_URL" _ready || {
    stop_bg slapd
    die "slapd: not ready"
  }
  log "slapd: ready on $SLAPD_URL (suffix $SLAPD_SUFFIX, rootdn $SLAPD_ROOTDN) in $((SECONDS - start)) s"
}

slapd_stop() {
  stop_bg slapd
}

slapd_status() {
  _find_slapd || {
    printf '%-9s not installed\n' slapd
    return 3
  }
  print_status slapd starting "$SLAPD_URL  $SLAPD_SUFFIX" _ready
}

case "${1:-}" in
  start)
    peer_locked slapd start
    slapd_start
    ;;
  stop)
    peer_locked slapd stop
    slapd_stop
    ;;
  status) slapd_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
