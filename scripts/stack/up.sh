#!/usr/bin/env bash
# Start the whole local stack (idempotent: a second run while it runs is quick
# and changes nothing). Installs missing pinned tools first (minutes, once).
#
#   scripts/stack/up.sh
#
# Connection settings for the services: `. scripts/stack/env.sh` exports
# KAFKA_BOOTSTRAP_SERVERS, OPA_URL, DATABASE_URL, SMTP_HOST, SMTP_PORT.
set -euo pipefail
# shellcheck source=scripts/stack/tools.sh
. "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
HERE="$ROOT/scripts/stack"

start=$SECONDS
check_prereqs
ensure_tools
"$HERE/postgres.sh" start
"$HERE/kafka.sh" start
"$HERE/opa.sh" start
"$HERE/mailsink.sh" start
log "stack up in $((SECONDS - start)) s"
"$HERE/status.sh"
