"""The one settings object of ingest-endpoint (house rule 2): built in `main()` and passed down."""

from pydantic_settings import SettingsConfigDict

from svckit.ingest_http import IngestSettings, ZoneName


class IngestEndpointSettings(IngestSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_ENDPOINT_", extra="ignore", populate_by_name=True)

    port: int = 18120
    events_topic: str = "events.endpoint.v1"
    # NXLog's EventTime has no zone: it is the endpoint's local time, i.e. the school's.
    timezone: ZoneName = "Europe/London"
