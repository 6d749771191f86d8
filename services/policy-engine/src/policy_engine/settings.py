from pydantic import Field
from pydantic_settings import SettingsConfigDict

from svckit.settings import ServiceSettings


class PolicyEngineSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="POLICY_ENGINE_", extra="ignore", populate_by_name=True)

    opa_url: str = Field(default="http://127.0.0.1:18181", validation_alias="OPA_URL")
    app_id: str = "invigilator-policy-engine"
    events_topics: tuple[str, ...] = (
        "events.proxy.v1",
        "events.mail.v1",
        "events.endpoint.v1",
        "events.directory.v1",
    )
    breaches_topic: str = "breaches.v1"
    rejected_topic: str = "events.rejected.v1"
    # Records already carry micro-batches; take up to this many records, or what came within the
    # wait, and judge them in one OPA query per school.
    take_records: int = 100
    take_within_s: float = 0.2
    # Partitions of every events topic; each agent's state table has as many (co-partitioned).
    partitions: int = 3
    # Correlations wait this long (event time) behind the newest event of a key before deciding
    # that nothing more is coming (a screensaver with no lock after it), so late lines still count.
    watermark_lag_s: float = 300.0
    # An event stamped further in the future than this does not move the watermark past it.
    max_clock_skew_s: float = 300.0
    # How far behind the watermark late events still count (correlation state is kept that long).
    correlation_retention_hours: float = 48.0
    opa_timeout_s: float = 10.0
    opa_retry_max_s: float = 30.0
    # OPA queries in flight at once (all agents together); OPA evaluates them on its own cores.
    opa_in_flight: int = Field(default=4, ge=1)
    web_host: str = "127.0.0.1"
    web_port: int = 18200
