#!/usr/bin/env bash
# Local PostgreSQL cluster in .local/postgres/data on 127.0.0.1:$PG_PORT
# (unix socket in .local/postgres/run), with role + database `invigilator`
# (password `invigilator`). As root, the server runs as the `postgres` system
# user (PostgreSQL refuses to run as root); override with PG_OS_USER.
#
#   scripts/stack/postgres.sh start|stop|status
set -euo pipefail
# shellcheck source=scripts/stack/tools.sh
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"

PG_DIR="$LOCAL/postgres"
PGDATA_DIR="$PG_DIR/data"
PG_RUN="$PG_DIR/run"
PG_PWFILE="$PG_DIR/superuser-password"
PG_LOG="$LOCAL/logs/postgres.log"
PG_OS_USER="${PG_OS_USER:-postgres}"

_pg_bin() {
  if [[ -z "${PG_BIN:-}" ]]; then
    PG_BIN="$(find_pg_bin)" ||
      die "postgres: initdb/pg_ctl/postgres not found: run scripts/stack/tools.sh first"
  fi
}

# pg_run CMD... — run a PostgreSQL command as the cluster's OS user.
pg_run() {
  if [[ "$(id -u)" -eq 0 ]]; then
    (cd "$PG_DIR" && runuser -u "$PG_OS_USER" -- "$@")
  else
    (cd "$PG_DIR" && "$@")
  fi
}

# Superuser SQL over TCP (scram, password from the pwfile).
_psql() {
  PGPASSWORD="$(cat "$PG_PWFILE")" "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"
}

_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"
}

_prepare_dirs() {
  mkdir -p "$PG_DIR" "$PG_RUN"
  touch "$PG_LOG"
  if [[ "$(id -u)" -eq 0 ]]; then
    if ! id "$PG_OS_USER" >/dev/null 2>&1; then
      log "postgres: creating system user $PG_OS_USER to run the server"
      useradd --system --home-dir "$PG_DIR" --no-create-home --shell /usr/sbin/nologin "$PG_OS_USER" ||
        die "postgres: could not create user $PG_OS_USER"
    fi
    chown -R "$PG_OS_USER:" "$PG_DIR"
    chown "$PG_OS_USER:" "$PG_LOG"
    if ! runuser -u "$PG_OS_USER" -- test -w "$PG_DIR"; then
      die "postgres: user $PG_OS_USER cannot reach $PG_DIR: every parent folder of the clone needs o+x (e.g. chmod o+x $(dirname "$ROOT"))"
    fi
  fi
  chmod 700 "$PG_DIR"
  local sock="$PG_RUN/.s.PGSQL.$PG_PORT"
  ((${#sock} <= 100)) || die "postgres: unix socket path too long (${#sock} > 100 chars): $sock — use a shorter clone path"
}

_init_once() {
  if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
    return 0
  fi
  log "postgres: initialising cluster in $PGDATA_DIR"
  rm -rf "$PGDATA_DIR"
  if [[ ! -s "$PG_PWFILE" ]]; then
    (umask 077 && head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$PG_PWFILE")
  fi
  [[ "$(id -u)" -ne 0 ]] || chown "$PG_OS_USER:" "$PG_PWFILE"
  local locale=C
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    locale=C.UTF-8
  fi
  pg_run "$PG_BIN/initdb" -D "$PGDATA_DIR" -A scram-sha-256 --pwfile="$PG_PWFILE" \
    -U postgres -E UTF8 --locale="$locale" >>"$PG_LOG" 2>&1 || {
    log_tail postgres 30
    die "postgres: initdb failed"
  }
  echo "include_if_exists = 'invigilator.conf'" >>"$PGDATA_DIR/postgresql.conf"
}

# Settings rendered at every start so port changes take effect.
_write_conf() {
  cat >"$PGDATA_DIR/invigilator.conf" <<EOF
# Written by scripts/stack/postgres.sh — local development settings.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_RUN'
max_connections = 100
shared_buffers = 128MB
fsync = on
log_min_messages = warning
EOF
  [[ "$(id -u)" -ne 0 ]] || chown "$PG_OS_USER:" "$PGDATA_DIR/invigilator.conf"
}

_record_pid() {
  if [[ -f "$PGDATA_DIR/postmaster.pid" ]]; then
    head -n1 "$PGDATA_DIR/postmaster.pid" >"$LOCAL/pids/postgres.pid"
  fi
}

_bootstrap_sql() {
  _psql -d postgres <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'invigilator') THEN
    CREATE ROLE invigilator LOGIN PASSWORD 'invigilator';
  END IF;
END
$$;
SELECT 'CREATE DATABASE invigilator OWNER invigilator ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'invigilator') \gexec
SQL
}

pg_start() {
  _pg_bin
  if is_running postgres && _ready; then
    log "postgres: already running (pid $(cat "$LOCAL/pids/postgres.pid"))"
  else
    _prepare_dirs
    _init_once
    _write_conf
    if pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
      log "postgres: server already running in $PGDATA_DIR"
    else
      if port_open "$PG_PORT"; then
        port_owner_hint "$PG_PORT"
        die "postgres: port $PG_PORT is already in use by another process (set PG_PORT)"
      fi
      printf '\n===== %s starting postgres =====\n' "$(date -Is)" >>"$PG_LOG"
      pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t 60 start >/dev/null || {
        log_tail postgres 30
        die "postgres: pg_ctl start failed (log: $PG_LOG)"
      }
    fi
    _record_pid
    log "postgres: started (pid $(cat "$LOCAL/pids/postgres.pid" 2>/dev/null || echo '?'), log $PG_LOG)"
  fi
  WAIT_LOG=postgres wait_until 30 "postgres accepting connections on 127.0.0.1:$PG_PORT" _ready ||
    die "postgres: not ready"
  _bootstrap_sql || die "postgres: creating role/database invigilator failed"
  log "postgres: ready, DATABASE_URL=$DATABASE_URL"
}

pg_stop() {
  _pg_bin
  if [[ -f "$PGDATA_DIR/postmaster.pid" ]] &&
    pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
    log "stopping postgres"
    pg_run "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null || {
      log "postgres: pg_ctl stop failed; signalling the recorded postmaster"
      stop_bg postgres
    }
    rm -f "$LOCAL/pids/postgres.pid"
    log "postgres stopped"
  else
    # Nothing under our data folder runs; clear any stale pid file.
    stop_bg postgres
  fi
}

pg_status() {
  _pg_bin
  print_status postgres starting "127.0.0.1:$PG_PORT  $DATABASE_URL" _ready
}

case "${1:-}" in
  start) pg_start ;;
  stop) pg_stop ;;
  status) pg_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
