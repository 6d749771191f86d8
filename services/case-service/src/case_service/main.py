"""Entry point (`case-service`): settings → logging → tracing → migrations → HTTP + loops."""

import logging

import uvicorn

from case_service.app import create_app
from case_service.db.migrate import upgrade_to_head
from case_service.settings import CaseServiceSettings
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing

log = logging.getLogger(__name__)


def main() -> None:
    settings = CaseServiceSettings()
    setup_logging(settings.log_level)
    setup_tracing("case-service", settings)
    if settings.run_migrations:
        log.info("applying database migrations")
        upgrade_to_head(settings.database_url)
    app = create_app(settings)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()
