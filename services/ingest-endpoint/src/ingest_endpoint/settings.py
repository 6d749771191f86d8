"""The one settings object of ingest-endpoint (house rule 2): built in `main()` and passed down."""

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from svckit.ingest_http import IngestSettings, SchoolIdText, ZoneName

# The schools of the development trust (config/trust.yaml): the Kafka input's default in dev.
DEV_SCHOOLS = ("elms-farm", "st-peters", "oak-hill", "riverside")


class IngestEndpointSettings(IngestSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_ENDPOINT_", extra="ignore", populate_by_name=True)

    port: int = 18120
    events_topic: str = "events.endpoint.v1"
    # NXLog's EventTime has no zone: it is the endpoint's local time, i.e. the school's.
    timezone: ZoneName = "Europe/London"

    # Kafka input: Winlogbeat's Kafka output (one ECS document per record, the school in
    # fields.school or labels.school). Unset = on in dev, off elsewhere.
    kafka_input_enabled: bool | None = None
    kafka_input_topic: str = "raw.winlogbeat.v1"
    # The Kafka input's consumer group (the chart's ACLs name it).
    group_id: str = "invigilator-ingest-endpoint"
    # Records read and parsed as one micro-batch at most, and how long to wait for them (seconds).
    kafka_input_batch: int = Field(default=500, ge=1, le=100_000)
    kafka_input_wait_s: float = Field(default=0.5, gt=0, le=30)
    # Schools a document may name; others are rejects. Empty = the schools of API_KEYS (in dev with
    # no keys: the development trust's schools).
    kafka_input_schools: list[SchoolIdText] = Field(default_factory=list)

    @model_validator(mode="after")
    def _kafka_input_defaults(self) -> Self:
        if self.kafka_input_enabled is None:
            self.kafka_input_enabled = self.environment == "dev"
        if not self.kafka_input_schools:
            schools = sorted(set(self.api_keys.values()))
            if not schools and self.environment == "dev":
                schools = list(DEV_SCHOOLS)
            self.kafka_input_schools = schools
        return self
