from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from svckit.settings import ServiceSettings


class AlerterSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ALERTER_", extra="ignore", populate_by_name=True)

    trust_config: Path = Path("config/trust.yaml")
    case_events_topic: str = "case-events.v1"
    group_id: str = "invigilator-alerter"
    sender: str = "invigilator@trust.example.org.uk"
    smtp_host: str = Field(default="127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=18025, validation_alias="SMTP_PORT")
    smtp_starttls: bool = Field(default=False, validation_alias="SMTP_STARTTLS")
    smtp_username: str | None = Field(default=None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(default=None, validation_alias="SMTP_PASSWORD")
    smtp_timeout_s: float = 30.0
