"""OpenTelemetry metrics, exported like the traces: nowhere, to the log (console), or by OTLP.

`TRACING_EXPORTER` chooses for both, so one setting turns a service's telemetry on; the console
exporter writes one JSON document per interval into the service's log.
"""

import sys

from opentelemetry import metrics
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource

from svckit.settings import ServiceSettings


def setup_metrics(service_name: str, settings: ServiceSettings, interval_s: float = 60.0) -> None:
    exporter: MetricExporter | None = None
    if settings.tracing_exporter == "console":
        exporter = ConsoleMetricExporter(
            out=sys.stdout, formatter=lambda data: data.to_json(indent=None) + "\n"
        )
    elif settings.tracing_exporter == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        endpoint = settings.otlp_endpoint.replace("/v1/traces", "/v1/metrics")
        exporter = OTLPMetricExporter(endpoint=endpoint)
    readers = [PeriodicExportingMetricReader(exporter, int(interval_s * 1000))] if exporter else []
    metrics.set_meter_provider(
        MeterProvider(resource=Resource.create({"service.name": service_name}), metric_readers=readers)
    )
