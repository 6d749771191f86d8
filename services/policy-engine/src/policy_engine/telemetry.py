"""The engine's metrics (OpenTelemetry): throughput, take sizes, OPA latency, breaches, lag.

Instruments are created from the global meter provider when first used, so `main()` installs
the provider (svckit.metrics) before the app is built and tests need none.
"""

from collections.abc import Callable, Iterable

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

meter = metrics.get_meter("policy_engine")
events_judged = meter.create_counter("invigilator.engine.events", unit="{event}", description="events judged")
take_events = meter.create_histogram(
    "invigilator.engine.take.events", unit="{event}", description="events per take (one judgement)"
)
opa_latency = meter.create_histogram(
    "invigilator.engine.opa.duration", unit="ms", description="time for one OPA decide query"
)
unknown_accounts = meter.create_counter(
    "invigilator.engine.unknown_accounts",
    unit="{event}",
    description="events judged whose account the directory has no snapshot of (school and account)",
)
breaches_produced = meter.create_counter(
    "invigilator.engine.breaches", unit="{breach}", description="breaches produced"
)


def observe_lag(lags: Callable[[], Iterable[tuple[str, int, int]]]) -> None:
    """Consumer lag per topic partition, read from `lags()` → (topic, partition, records behind)."""

    def callback(_options: CallbackOptions) -> Iterable[Observation]:
        return [
            Observation(lag, {"topic": topic, "partition": partition}) for topic, partition, lag in lags()
        ]

    meter.create_observable_gauge(
        "invigilator.engine.consumer.lag", [callback], unit="{record}", description="records not yet judged"
    )
