"""Entry point (`case-service`): settings → logging → tracing → migrations → HTTP + loops."""

import gc
import logging

import uvicorn

from case_service.app import create_app
from case_service.db.migrate import upgrade_to_head
from case_service.settings import CaseServiceSettings
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing

log = logging.getLogger(__name__)

# A page of 50 cases with their breaches allocates tens of thousands of short-lived objects; with
# CPython's default thresholds (700, 10, 10) the collector runs many times per request. Fewer
# collections, and what start-up built (schema, models, settings) frozen out of them, took about a
# tenth off such a request's CPU time and shortened its slowest requests (bench/bench_graphql.py,
# --default-gc to compare).
GC_THRESHOLDS = (20_000, 50, 100)


def tune_gc() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def main() -> None:
    settings = CaseServiceSettings()
    setup_logging(settings.log_level)
    setup_tracing("case-service", settings)
    if settings.run_migrations:
        log.info("applying database migrations")
        upgrade_to_head(settings.database_url)
    app = create_app(settings)
    tune_gc()
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()
