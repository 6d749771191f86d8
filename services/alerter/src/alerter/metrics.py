"""The alerter's OpenTelemetry instruments (exported as svckit.metrics sets up the provider)."""

from collections.abc import Iterable

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Meter, Observation


class AlerterMetrics:
    def __init__(self, meter: Meter | None = None) -> None:
        meter = meter or metrics.get_meter("alerter")
        self.case_events = meter.create_counter(
            "alerter.case_events", description="Case events by what they became (immediate, digest, ...)"
        )
        self.deliveries_sent = meter.create_counter(
            "alerter.deliveries.sent", description="Messages accepted by the SMTP server or webhook"
        )
        self.delivery_errors = meter.create_counter(
            "alerter.deliveries.errors", description="Failed delivery attempts (permanent or to be retried)"
        )
        self.escalations = meter.create_counter("alerter.escalations", description="Escalation steps sent")
        self.digests = meter.create_counter("alerter.digests", description="Digests raised")
        self.failing: dict[tuple[str, str], int] = {}
        meter.create_observable_gauge(
            "alerter.destinations.failing",
            callbacks=[self._observe_failing],
            description="Destinations refusing for good or failing repeatedly (1 per destination)",
        )
        meter.create_observable_gauge(
            "alerter.destinations.failing_count",
            callbacks=[self._observe_count],
            description="How many destinations are failing",
        )

    def _observe_failing(self, _options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(rows, {"channel": channel, "destination": destination})
            for (channel, destination), rows in sorted(self.failing.items())
        ]

    def _observe_count(self, _options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(len(self.failing))]
