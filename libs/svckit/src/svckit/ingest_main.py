"""How every ingest service runs: logging, tracing, a Kafka producer, the app under uvicorn, a flush.

Each service's `main()` builds its settings (house rule 2) and hands them here with its `create_app`.
"""

import functools
from collections.abc import Callable
from typing import TypeVar

import uvicorn
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from svckit.ingest_http import IngestSettings, Produce
from svckit.kafka import make_producer, produce_all
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing

S = TypeVar("S", bound=IngestSettings)


def serve(
    name: str,
    settings: S,
    create_app: Callable[[S, Produce], FastAPI],
    *,
    untraced_urls: str | None = None,
) -> None:
    """Runs until uvicorn stops, then waits (10 s at most) for what the producer still holds.

    `untraced_urls`: comma-separated URL patterns without spans (e.g. "healthz,readyz"); None leaves
    the choice to OTEL_PYTHON_FASTAPI_EXCLUDED_URLS.
    """
    setup_logging(settings.log_level)
    setup_tracing(name, settings)
    # One producer for everything the service writes (it is thread-safe).
    producer = make_producer(settings.kafka_bootstrap_servers, name)
    app = create_app(settings, functools.partial(produce_all, producer))
    FastAPIInstrumentor.instrument_app(app, excluded_urls=untraced_urls)
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level=settings.log_level.lower())
    finally:
        producer.flush(10)
