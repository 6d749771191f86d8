# The two commands a newcomer needs are `make run` and `make test`; the rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := help
.PHONY: help run stop status test lint proto proto-check rego chart chart-policies chart-render unit integration traceability bench-rego bench-parse bench

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

run: ## install what is missing, start the stack and services, replay the sample, print the URLs
	@scripts/run.sh

stop: ## stop the services, the demo's peers and the local stack (only what the project started)
	@scripts/stack/services.sh stop
	@scripts/peers/squid.sh stop-demo
	@scripts/peers/slapd.sh stop
	@scripts/stack/down.sh

status: ## show what is running
	-@scripts/stack/status.sh
	@scripts/stack/services.sh status

test: ## every check and test: lint, types, protobuf, Rego, unit, integration on the real stack
	@scripts/test.sh all

lint: ## ruff, mypy --strict, buf lint, generated code fresh, opa fmt/check
	@scripts/test.sh lint

proto: ## regenerate libs/events from proto/
	@scripts/gen-proto.sh

rego: ## opa test on policies-rego
	@scripts/test.sh rego

chart: ## helm lint + render of every chart scenario, manifests validated (schemas, CRDs, hardening)
	@scripts/test.sh chart

chart-policies: ## pack policies-rego/ into the chart's OPA bundle (charts/invigilator/files), re-render
	@scripts/chart-policies.sh

chart-render: ## render every chart scenario into charts/rendered/ (committed, checked by make chart)
	@scripts/chart-render.sh

unit: ## unit tests beside the code
	@scripts/test.sh unit

integration: ## cross-service tests against the real stack (started if needed)
	@scripts/test.sh integration

traceability: ## regenerate docs/traceability.md (clauses, rules, tests, evidence fields)
	@scripts/traceability.sh

bench-rego: ## opa bench of data.invigilator.decide for batches of 1, 100 and 1000 events
	@scripts/bench-rego.sh

bench-parse: ## parse throughput per ingest format beside a split-only baseline (ARGS="--records N --formats a,b")
	@scripts/bench-parse.sh $(ARGS)

bench: ## engine vs plain consumer and one OPA request per event, one table (ARGS="--events N --json FILE")
	@scripts/bench.sh $(ARGS)
