#!/usr/bin/env bash
# One line per component of the local stack. Exit status 0 when all run, 3 otherwise.
#
#   scripts/stack/status.sh
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
HERE="$ROOT/scripts/stack"

rc=0
for component in postgres kafka opa mailsink; do
  "$HERE/$component.sh" status || rc=3
done
exit "$rc"
