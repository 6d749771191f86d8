"""The one settings object of ingest-endpoint (house rule 2): built in `main()` and passed down."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import SettingsConfigDict

from svckit.ingest_http import IngestSettings


class IngestEndpointSettings(IngestSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_ENDPOINT_", extra="ignore", populate_by_name=True)

    port: int = 18120
    events_topic: str = "events.endpoint.v1"
    # NXLog's EventTime has no zone: it is the endpoint's local time, i.e. the school's.
    timezone: str = "Europe/London"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # Refuse at start-up rather than on the first NXLog batch.
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}, e.g. Europe/London") from None
        return value
