"""The one settings object of ingest-proxy (house rule 2): built in `main()` and passed down."""

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import SettingsConfigDict

from svckit.ingest_http import IngestSettings, SchoolIdText


class SyslogSource(BaseModel):
    """Which school a syslog sender belongs to and what its messages hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    school: SchoolIdText
    # Line formats only: a CSV export needs its header line, which syslog does not carry.
    format: Literal["squid", "e2guardian"]


class IngestProxySettings(IngestSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_PROXY_", extra="ignore", populate_by_name=True)

    port: int = 18100
    events_topic: str = "events.proxy.v1"
    # Local time of filters that log without a zone (e2guardian, most CSV exports).
    timezone: str = "Europe/London"
    # JSON object {vendor: {timestamp, user, url, client_ip, ...}} adding or overriding CSV mappings.
    csv_mappings_file: Path | None = None

    # Syslog over TCP (RFC 6587 framing, RFC 5424 / 3164 headers); port 0 disables the receiver.
    syslog_host: str = "127.0.0.1"
    syslog_port: int = Field(default=18514, ge=0, le=65535)
    # JSON object {sending HOSTNAME: {"school": ..., "format": "squid" | "e2guardian"}}.
    syslog_sources: dict[str, SyslogSource] = Field(default_factory=dict)
    syslog_flush_lines: int = Field(default=500, gt=0)
    syslog_flush_interval_s: float = Field(default=0.1, gt=0)
    # Lines held while Kafka is unavailable; beyond this, connections stop being read and are closed.
    syslog_max_buffered_lines: int = Field(default=100_000, gt=0)
    # How long a connection waits for room in a full buffer before it is closed.
    syslog_stall_timeout_s: float = Field(default=5.0, ge=0)
    syslog_max_frame_bytes: int = Field(default=64 * 1024, gt=0)

    @field_validator("syslog_sources")
    @classmethod
    def _hostnames_case_insensitive(cls, value: dict[str, SyslogSource]) -> dict[str, SyslogSource]:
        return {host.lower(): source for host, source in value.items()}
