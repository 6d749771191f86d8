import functools

import uvicorn
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from ingest_directory.app import create_app
from ingest_directory.settings import IngestDirectorySettings
from svckit.kafka import make_producer, produce_all
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing


def main() -> None:
    settings = IngestDirectorySettings()
    setup_logging(settings.log_level)
    setup_tracing("ingest-directory", settings)
    producer = make_producer(settings.kafka_bootstrap_servers, "ingest-directory")
    # The periodic LDAP sync (when ldap_url is set) shares this producer; it is thread-safe.
    app = create_app(settings, functools.partial(produce_all, producer))
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz")
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    finally:
        producer.flush(10)


if __name__ == "__main__":
    main()
