#!/usr/bin/env bash
# `make run`: checks prerequisites, installs what is missing, starts the local stack and every
# service, runs the demo trust's school day through real peers (tools/demo) and says where to look.
# Safe to run again while it runs.
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack/env.sh"
cd "$ROOT"

log "installing the Python workspace (uv sync --frozen)"
command -v uv >/dev/null 2>&1 || { log "uv missing: pip install uv"; python3 -m pip install --quiet uv; }
uv sync --frozen --quiet
scripts/stack/up.sh
scripts/stack/services.sh start

INGEST="http://127.0.0.1:${INGEST_PROXY_PORT:-18100}"
CASES="http://127.0.0.1:${CASE_SERVICE_PORT:-18300}"

# The demo trust's school day (tools/demo): real Squid, SMTP, slapd and kcat peers, replayed at
# DEMO_SPEED (demo seconds per real second) and judged by the stack, then the summary per school.
DEMO_SCALE="${DEMO_SCALE:-1}"
DEMO_SPEED="${DEMO_SPEED:-600}"
log "running the demo day (scale $DEMO_SCALE, ×$DEMO_SPEED): invigilator-demo run"
demo_start=$SECONDS
demo_status=0
.venv/bin/invigilator-demo run --scale "$DEMO_SCALE" --speed "$DEMO_SPEED" --json "$LOCAL/demo/summary.json" ||
  demo_status=$?
demo_took=$((SECONDS - demo_start))

cat <<MSG

Invigilator is running (stop it with 'make stop'). The demo day took ${demo_took} s; its numbers: $LOCAL/demo/summary.json
  Workspace (HR, school leaders):   http://127.0.0.1:${WEB_HTTP_PORT:-18500}    sign in on the dev issuer's page: pick a role and school
  GraphiQL (trust IT ops console):  $CASES/graphql    links with a token per role: $LOCAL/demo/graphiql-links.md
  GraphQL needs a bearer token from the dev OIDC issuer (http://127.0.0.1:${DEV_OIDC_PORT:-18390}), e.g. HR of elms-farm:
    TOKEN=\$(.venv/bin/python -m case_service.auth.dev_issuer --key-file .local/dev-oidc/signing-key.pem token --role hr --school elms-farm)
    curl -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' $CASES/graphql \\
      -d '{"query":"{ cases(first: 5) { nodes { id clause stage allowedCommands { mutation } } } }"}'
    In GraphiQL, put {"Authorization": "Bearer <token>"} in the headers pane.
  Another demo day:                 .venv/bin/invigilator-demo run --scale 0.2 --speed 900   (tools/demo/README.md)
  Ingest Squid lines:               curl --data-binary @access.log -H 'Content-Type: text/plain' $INGEST/v1/schools/<school>/squid
  Alert e-mails (Maildir):          $LOCAL/mail/new   (SMTP sink on 127.0.0.1:$SMTP_PORT)
  Logs and traces (JSON spans):     $LOCAL/logs/
  Kafka $KAFKA_BOOTSTRAP_SERVERS · OPA $OPA_URL · PostgreSQL 127.0.0.1:$PG_PORT
MSG
if ((demo_status != 0)); then
  log "ERROR: the demo day failed (status $demo_status, see above); the stack itself is running"
  exit "$demo_status"
fi
