"""Entry point (`alerter`): settings → logging → tracing and metrics → migrations → HTTP + loops."""

import logging

import uvicorn
from confluent_kafka import Consumer, Producer

from alerter.api.app import create_app
from alerter.config import load_trust_config
from alerter.db.migrate import upgrade_to_head
from alerter.settings import AlerterSettings
from svckit.kafka import make_consumer, make_producer
from svckit.logs import setup_logging
from svckit.metrics import setup_metrics
from svckit.tracing import setup_tracing

log = logging.getLogger(__name__)


def main() -> None:
    settings = AlerterSettings()
    setup_logging(settings.log_level)
    setup_tracing("alerter", settings)
    setup_metrics("alerter", settings)
    config = load_trust_config(settings.trust_config)
    if settings.run_migrations:
        log.info("applying database migrations")
        upgrade_to_head(settings.database_url)

    def consumer() -> Consumer:
        return make_consumer(
            settings.kafka_bootstrap_servers, settings.group_id, [settings.case_events_topic]
        )

    def rejects() -> Producer:
        return make_producer(settings.kafka_bootstrap_servers, "alerter-rejects")

    app = create_app(settings, config, consumer_factory=consumer, rejects_factory=rejects)
    uvicorn.run(app, host=settings.http_host, port=settings.http_port, log_config=None)


if __name__ == "__main__":
    main()
