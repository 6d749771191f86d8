#!/usr/bin/env bash
# `make run`: checks prerequisites, installs what is missing, starts the local stack and every
# service, replays the bundled sample and says where to look. Safe to run again while it runs.
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
log "replaying samples/squid-access.log for elms-farm"
curl -fsS -H 'Content-Type: text/plain' --data-binary @samples/squid-access.log \
  "$INGEST/v1/schools/elms-farm/squid" >&2
echo >&2

# GraphQL needs a bearer token: in dev the case-service trusts the dev OIDC issuer (dev-oidc).
mint_token() {
  .venv/bin/python -m case_service.auth.dev_issuer --key-file "$LOCAL/dev-oidc/signing-key.pem" \
    token "$@"
}
TOKEN="$(mint_token --role hr --school elms-farm --ttl 28800)"
count_cases() {
  curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" "$CASES/graphql" \
    -d '{"query":"{ cases(first: 100, where: {schoolId: \"elms-farm\"}) { nodes { id } } }"}' |
    python3 -c 'import json, sys; print(len(json.load(sys.stdin)["data"]["cases"]["nodes"]))'
}
# The sample holds two social-networking visits by two people: two cases once they are judged.
has_cases() { (($(count_cases) >= 2)); }
wait_until 30 "the sample's cases to appear in the case-service" has_cases || true

cat <<MSG

Invigilator is running (stop it with 'make stop').
  Workspace (HR, school leaders):   http://127.0.0.1:${WEB_HTTP_PORT:-18500}    sign in on the dev issuer's page: pick a role and school
  GraphiQL (trust IT ops console):  $CASES/graphql    cases for elms-farm: $(count_cases)
  GraphQL needs a bearer token from the dev OIDC issuer (http://127.0.0.1:${DEV_OIDC_PORT:-18390}), e.g. HR of elms-farm:
    TOKEN=\$(.venv/bin/python -m case_service.auth.dev_issuer --key-file .local/dev-oidc/signing-key.pem token --role hr --school elms-farm)
    curl -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' $CASES/graphql \\
      -d '{"query":"{ cases(first: 5) { nodes { id clause stage allowedCommands { mutation } } } }"}'
    In GraphiQL, put {"Authorization": "Bearer <token>"} in the headers pane.
  Ingest Squid lines:               curl --data-binary @access.log -H 'Content-Type: text/plain' $INGEST/v1/schools/<school>/squid
  Alert e-mails (Maildir):          $LOCAL/mail/new   (SMTP sink on 127.0.0.1:$SMTP_PORT)
  Logs and traces (JSON spans):     $LOCAL/logs/
  Kafka $KAFKA_BOOTSTRAP_SERVERS · OPA $OPA_URL · PostgreSQL 127.0.0.1:$PG_PORT
MSG
