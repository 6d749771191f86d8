import faust

from policy_engine.app import create_app
from policy_engine.opa import OpaClient
from policy_engine.settings import PolicyEngineSettings
from svckit.logs import setup_logging
from svckit.metrics import setup_metrics
from svckit.tracing import setup_tracing


def main() -> None:
    settings = PolicyEngineSettings()
    setup_logging(settings.log_level)
    setup_tracing("policy-engine", settings)
    setup_metrics("policy-engine", settings)
    opa = OpaClient(
        settings.opa_url, settings.opa_timeout_s, settings.opa_retry_max_s, settings.opa_in_flight
    )
    app = create_app(settings, opa)
    # A Worker started directly rather than through faust's CLI, so settings come from one place.
    faust.Worker(app, loglevel=settings.log_level.lower()).execute_from_commandline()


if __name__ == "__main__":
    main()
