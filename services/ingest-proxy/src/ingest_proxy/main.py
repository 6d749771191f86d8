import functools

import uvicorn
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from ingest_proxy.app import create_app
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.vendor_csv import load_mappings
from svckit.kafka import make_producer, produce_all
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing


def main() -> None:
    settings = IngestProxySettings()
    setup_logging(settings.log_level)
    setup_tracing("ingest-proxy", settings)
    producer = make_producer(settings.kafka_bootstrap_servers, "ingest-proxy")
    app = create_app(
        settings, functools.partial(produce_all, producer), load_mappings(settings.csv_mappings_file)
    )
    FastAPIInstrumentor.instrument_app(app)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    finally:
        producer.flush(10)


if __name__ == "__main__":
    main()
