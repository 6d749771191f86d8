"""Settings base shared by every service.

Connection points that a whole deployment shares (Kafka, tracing) are read without a prefix, so one
`KAFKA_BOOTSTRAP_SERVERS` points every service at existing infrastructure; each service subclasses
this with its own env prefix for everything else.
"""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:19092", validation_alias="KAFKA_BOOTSTRAP_SERVERS"
    )
    tracing_exporter: Literal["none", "console", "otlp"] = Field(
        default="none", validation_alias="TRACING_EXPORTER"
    )
    otlp_endpoint: str = Field(
        default="http://127.0.0.1:4318/v1/traces", validation_alias="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
    )
    log_level: str = Field(default="INFO", validation_alias="LOG_LEVEL")
