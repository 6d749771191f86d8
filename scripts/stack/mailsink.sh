#!/usr/bin/env bash
# Development SMTP sink on 127.0.0.1:$SMTP_PORT (aiosmtpd, from the workspace's
# dev dependencies): every message received is stored in the Maildir .local/mail.
#
#   scripts/stack/mailsink.sh start|stop|status
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

MAIL_DIR="$LOCAL/mail"

mailsink_start() {
  command -v uv >/dev/null 2>&1 || die "mailsink: uv not found (pip install uv)"
  # A complete Maildir (Python's mailbox only creates the subfolders when the folder is new).
  mkdir -p "$MAIL_DIR/tmp" "$MAIL_DIR/new" "$MAIL_DIR/cur"
  if is_running mailsink; then
    log "mailsink: already running (pid $(cat "$LOCAL/pids/mailsink.pid"))"
  else
    if port_open "$SMTP_PORT"; then
      port_owner_hint "$SMTP_PORT"
      die "mailsink: port $SMTP_PORT is already in use by another process (set SMTP_PORT)"
    fi
    # uv run from $ROOT uses the workspace environment (aiosmtpd is a dev dependency).
    (cd "$ROOT" && start_bg mailsink uv run --frozen python -m aiosmtpd -n \
      -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$MAIL_DIR")
  fi
  # The first `uv run` may have to sync the environment: allow some time.
  WAIT_LOG=mailsink WAIT_PID_NAME=mailsink wait_until 120 "mailsink accepting SMTP on 127.0.0.1:$SMTP_PORT" \
    port_open "$SMTP_PORT" || die "mailsink: did not start (log: $LOCAL/logs/mailsink.log)"
  log "mailsink: ready on smtp://$SMTP_HOST:$SMTP_PORT (Maildir $MAIL_DIR)"
}

mailsink_stop() {
  stop_bg mailsink
}

mailsink_status() {
  print_status mailsink starting "smtp://$SMTP_HOST:$SMTP_PORT  Maildir $MAIL_DIR" port_open "$SMTP_PORT"
}

case "${1:-}" in
  start) mailsink_start ;;
  stop) mailsink_stop ;;
  status) mailsink_status ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
