import asyncio

from alerter.consumer import run
from alerter.routing import load_trust_config
from alerter.settings import AlerterSettings
from svckit.kafka import make_consumer
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing


def main() -> None:
    settings = AlerterSettings()
    setup_logging(settings.log_level)
    setup_tracing("alerter", settings)
    config = load_trust_config(settings.trust_config)
    consumer = make_consumer(
        settings.kafka_bootstrap_servers, settings.group_id, [settings.case_events_topic]
    )
    try:
        asyncio.run(run(settings, config, consumer))
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()


if __name__ == "__main__":
    main()
