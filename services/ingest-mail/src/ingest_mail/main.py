import functools

import uvicorn
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from ingest_mail.app import create_app
from ingest_mail.settings import IngestMailSettings
from svckit.kafka import make_producer, produce_all
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing


def main() -> None:
    settings = IngestMailSettings()
    setup_logging(settings.log_level)
    setup_tracing("ingest-mail", settings)
    producer = make_producer(settings.kafka_bootstrap_servers, "ingest-mail")
    app = create_app(settings, functools.partial(produce_all, producer))
    FastAPIInstrumentor.instrument_app(app)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    finally:
        producer.flush(10)


if __name__ == "__main__":
    main()
