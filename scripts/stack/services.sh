#!/usr/bin/env bash
# Starts or stops the Invigilator services against the local stack (or whatever the connection
# settings point at). Usage: services.sh start|stop|status|restart NAME
#
# dev-oidc is the local OIDC issuer the case-service trusts in dev (case_service.auth.dev_issuer,
# http://127.0.0.1:18390, key in .local/dev-oidc/): mint a token for GraphQL with
#   .venv/bin/python -m case_service.auth.dev_issuer --key-file .local/dev-oidc/signing-key.pem \
#     token --role hr --school elms-farm
set -euo pipefail
# shellcheck source=scripts/stack/env.sh
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

SERVICES=(dev-oidc case-service policy-engine alerter ingest-proxy ingest-mail ingest-endpoint ingest-directory web)
INGEST_PROXY_URL="http://127.0.0.1:${INGEST_PROXY_PORT:-18100}"
INGEST_MAIL_URL="http://127.0.0.1:${INGEST_MAIL_PORT:-18110}"
INGEST_ENDPOINT_URL="http://127.0.0.1:${INGEST_ENDPOINT_PORT:-18120}"
INGEST_DIRECTORY_URL="http://127.0.0.1:${INGEST_DIRECTORY_PORT:-18130}"
CASE_SERVICE_URL="http://127.0.0.1:${CASE_SERVICE_PORT:-18300}"
# The HR and leaders' workspace (services/web), signing in at dev-oidc.
WEB_URL="http://127.0.0.1:${WEB_HTTP_PORT:-18500}"
DEV_OIDC_PORT="${DEV_OIDC_PORT:-18390}"
DEV_OIDC_URL="http://127.0.0.1:$DEV_OIDC_PORT"
DEV_OIDC_KEY="$LOCAL/dev-oidc/signing-key.pem"
POLICY_ENGINE_URL="http://127.0.0.1:${POLICY_ENGINE_WEB_PORT:-18200}"
ALERTER_URL="http://127.0.0.1:${ALERTER_HTTP_PORT:-18400}"

# Spans go to each service's log as JSON lines unless the caller chose an exporter.
export TRACING_EXPORTER="${TRACING_EXPORTER:-console}"
export CASE_SERVICE_ENVIRONMENT="${CASE_SERVICE_ENVIRONMENT:-dev}"
export INGEST_PROXY_ENVIRONMENT="${INGEST_PROXY_ENVIRONMENT:-dev}"
# A dev stack is fed old sample days and new test events alike: keep correlation state a week.
export POLICY_ENGINE_CORRELATION_RETENTION_HOURS="${POLICY_ENGINE_CORRELATION_RETENTION_HOURS:-168}"
export INGEST_MAIL_ENVIRONMENT="${INGEST_MAIL_ENVIRONMENT:-dev}"
export INGEST_ENDPOINT_ENVIRONMENT="${INGEST_ENDPOINT_ENVIRONMENT:-dev}"
export INGEST_DIRECTORY_ENVIRONMENT="${INGEST_DIRECTORY_ENVIRONMENT:-dev}"
export WEB_ENVIRONMENT="${WEB_ENVIRONMENT:-dev}"
export ALERTER_TRUST_CONFIG="${ALERTER_TRUST_CONFIG:-$ROOT/config/trust.yaml}"
export ALERTER_ENVIRONMENT="${ALERTER_ENVIRONMENT:-dev}"

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

start_one() {
  local name="$1"
  if [[ "$name" == dev-oidc ]]; then
    start_bg "$name" "$ROOT/.venv/bin/python" -m case_service.auth.dev_issuer --key-file "$DEV_OIDC_KEY" \
      serve --port "$DEV_OIDC_PORT"
  elif [[ "$name" == web ]]; then
    start_bg "$name" "$ROOT/.venv/bin/invigilator-web"
  else
    start_bg "$name" "$ROOT/.venv/bin/$name"
  fi
  case "$name" in
    dev-oidc) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 30 "dev OIDC issuer ready" http_ok "$DEV_OIDC_URL/jwks.json" ;;
    case-service) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 60 "case-service ready" http_ok "$CASE_SERVICE_URL/readyz" ;;
    web) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 60 "web workspace ready" http_ok "$WEB_URL/healthz" ;;
    ingest-proxy) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 30 "ingest-proxy ready" http_ok "$INGEST_PROXY_URL/healthz" ;;
    ingest-mail) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 30 "ingest-mail ready" http_ok "$INGEST_MAIL_URL/healthz" ;;
    ingest-endpoint) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 30 "ingest-endpoint ready" http_ok "$INGEST_ENDPOINT_URL/healthz" ;;
    ingest-directory) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 30 "ingest-directory ready" http_ok "$INGEST_DIRECTORY_URL/healthz" ;;
    policy-engine) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 60 "policy-engine ready" http_ok "$POLICY_ENGINE_URL/healthz" ;;
    # The alerter serves /healthz, /readyz (database and loops), GraphQL and the ack links.
    alerter) WAIT_LOG=$name WAIT_PID_NAME=$name wait_until 60 "alerter ready" http_ok "$ALERTER_URL/readyz" ;;
  esac
}

case "${1:-}" in
  start)
    [[ -x "$ROOT/.venv/bin/case-service" ]] || die "services not installed: run 'uv sync --frozen' (make run does)"
    for name in "${SERVICES[@]}"; do start_one "$name"; done
    ;;
  stop)
    for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do stop_bg "${SERVICES[i]}"; done
    ;;
  restart)
    name="${2:-}"
    [[ " ${SERVICES[*]} " == *" $name "* ]] || die "usage: $0 restart ${SERVICES[*]// /|}"
    stop_bg "$name"
    start_one "$name"
    ;;
  status)
    print_status dev-oidc unhealthy "$DEV_OIDC_URL" http_ok "$DEV_OIDC_URL/jwks.json" || true
    print_status case-service unhealthy "$CASE_SERVICE_URL/graphql" http_ok "$CASE_SERVICE_URL/readyz" || true
    print_status web unhealthy "$WEB_URL" http_ok "$WEB_URL/healthz" || true
    print_status policy-engine unhealthy "$POLICY_ENGINE_URL" http_ok "$POLICY_ENGINE_URL/healthz" || true
    print_status alerter unhealthy "$ALERTER_URL/graphql, SMTP $SMTP_HOST:$SMTP_PORT" http_ok "$ALERTER_URL/readyz" || true
    print_status ingest-proxy unhealthy "$INGEST_PROXY_URL" http_ok "$INGEST_PROXY_URL/healthz" || true
    print_status ingest-mail unhealthy "$INGEST_MAIL_URL, SMTP 127.0.0.1:${INGEST_MAIL_SMTP_PORT:-18026}" http_ok "$INGEST_MAIL_URL/healthz" || true
    print_status ingest-endpoint unhealthy "$INGEST_ENDPOINT_URL" http_ok "$INGEST_ENDPOINT_URL/healthz" || true
    print_status ingest-directory unhealthy "$INGEST_DIRECTORY_URL" http_ok "$INGEST_DIRECTORY_URL/healthz" || true
    ;;
  *) die "usage: $0 start|stop|status|restart NAME" ;;
esac
