from pathlib import Path

from pydantic_settings import SettingsConfigDict

from svckit.settings import ServiceSettings


class IngestProxySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_PROXY_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = 18100
    events_topic: str = "events.proxy.v1"
    rejected_topic: str = "events.rejected.v1"
    # Events of one account always share a key (school/shard); at most this many per record.
    shards: int = 64
    max_batch_events: int = 500
    max_body_bytes: int = 16 * 1024 * 1024
    # Local time of filters that log without a zone (e2guardian, most CSV exports).
    timezone: str = "Europe/London"
    # JSON object {vendor: {timestamp, user, url, client_ip, ...}} adding or overriding CSV mappings.
    csv_mappings_file: Path | None = None
