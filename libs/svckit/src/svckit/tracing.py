"""OpenTelemetry setup and W3C trace-context propagation through Kafka headers."""

import logging
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SimpleSpanProcessor

from svckit.settings import ServiceSettings

KafkaHeaders = list[tuple[str, bytes]]
# What Kafka clients hand back: confluent-kafka a list of pairs, faust a dict.
ReceivedHeaders = Sequence[tuple[str, bytes | str | None]] | Mapping[str, bytes | str | None] | None


def setup_tracing(service_name: str, settings: ServiceSettings) -> None:
    """Install a tracer provider whose exporter is chosen by settings (none, console or otlp)."""
    provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
    if settings.tracing_exporter == "console":
        # One JSON span per line on stdout: the local stack writes it into the service's log.
        exporter = ConsoleSpanExporter(
            out=sys.stdout, formatter=lambda span: span.to_json(indent=None) + "\n"
        )
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif settings.tracing_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
    trace.set_tracer_provider(provider)
    logging.getLogger(__name__).info("tracing exporter: %s", settings.tracing_exporter)


def inject_headers(headers: KafkaHeaders | None = None) -> KafkaHeaders:
    """Kafka headers carrying the current trace context (traceparent, tracestate)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    out = list(headers or [])
    out.extend((key, value.encode()) for key, value in carrier.items())
    return out


def extract_context(headers: ReceivedHeaders) -> Context:
    """The trace context a producer put into Kafka headers (empty context when there is none)."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers or []
    carrier = {
        key: value.decode() if isinstance(value, bytes) else value
        for key, value in pairs
        if value is not None
    }
    return propagate.extract(carrier)


@contextmanager
def consumer_span(
    tracer: trace.Tracer,
    name: str,
    headers: ReceivedHeaders,
    **attributes: str | int,
) -> Iterator[trace.Span]:
    """A CONSUMER span continuing the trace the record's producer started."""
    with tracer.start_as_current_span(
        name, context=extract_context(headers), kind=trace.SpanKind.CONSUMER, attributes=attributes
    ) as span:
        yield span


def current_trace_id() -> str:
    """Hex trace id of the current span, or an empty string outside any trace."""
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else ""
