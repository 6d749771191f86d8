#!/usr/bin/env bash
# Stop the local stack: only what our pid files / data folder say we started.
# Data (Kafka logs, PostgreSQL cluster, mail) is kept; rm -rf .local to reset.
#
#   scripts/stack/down.sh
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
HERE="$ROOT/scripts/stack"

rc=0
"$HERE/mailsink.sh" stop || rc=1
"$HERE/opa.sh" stop || rc=1
"$HERE/kafka.sh" stop || rc=1
"$HERE/postgres.sh" stop || rc=1
exit "$rc"
