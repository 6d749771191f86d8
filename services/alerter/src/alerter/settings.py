"""The one settings object of the alerter (house rule 2): built in `main()` and passed down."""

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from svckit.settings import ServiceSettings

# Only ever accepted when environment == "dev".
DEV_DATABASE_URL = "postgresql+psycopg://invigilator:invigilator@127.0.0.1:15432/invigilator"
DEV_LINK_KEY = "dev-only-alerter-link-key-not-secret"
# The case-service's dev OIDC issuer (case_service.auth.dev_issuer) and its tokens' audience: the
# alerter accepts the same bearer tokens as the case-service.
DEV_AUTH_ISSUER = "http://127.0.0.1:18390"
DEV_AUTH_AUDIENCE = "invigilator-case-service"
MIN_KEY_LENGTH = 32


class AlerterSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ALERTER_", extra="ignore", populate_by_name=True)

    # Fail closed: a deployment that forgets to say where it runs is treated as production.
    environment: Literal["dev", "ci", "production"] = "production"
    trust_config: Path = Path("config/trust.yaml")
    case_events_topic: str = "case-events.v1"
    rejects_topic: str = "events.rejected.v1"
    group_id: str = "invigilator-alerter"
    sender: str = "invigilator@trust.example.org.uk"
    # Shared connection point, read without the prefix like KAFKA_BOOTSTRAP_SERVERS.
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    run_migrations: bool = True

    http_host: str = "127.0.0.1"
    http_port: int = 18400
    # Base of the acknowledgement links in e-mails: where recipients reach this service.
    public_url: str = "http://127.0.0.1:18400"
    # HMAC key of the acknowledgement links.
    link_key: SecretStr | None = None
    # The link opens a page whose button acknowledges (mail scanners that fetch links cannot);
    # off: opening the link acknowledges.
    ack_confirm: bool = True

    smtp_host: str = Field(default="127.0.0.1", validation_alias="SMTP_HOST")
    smtp_port: int = Field(default=18025, validation_alias="SMTP_PORT")
    smtp_starttls: bool = Field(default=False, validation_alias="SMTP_STARTTLS")
    smtp_tls: bool = Field(default=False, validation_alias="SMTP_TLS")  # implicit TLS (port 465)
    smtp_validate_certs: bool = Field(default=True, validation_alias="SMTP_VALIDATE_CERTS")
    smtp_ca_file: Path | None = Field(default=None, validation_alias="SMTP_CA_FILE")
    smtp_username: str | None = Field(default=None, validation_alias="SMTP_USERNAME")
    smtp_password: SecretStr | None = Field(default=None, validation_alias="SMTP_PASSWORD")
    smtp_timeout_s: float = 30.0

    webhook_timeout_s: float = 10.0
    # Secrets of the signed webhooks, by webhook name: ALERTER_WEBHOOK_SECRETS='{"it-ops-siem": "..."}'.
    webhook_secrets: dict[str, SecretStr] = Field(default_factory=dict)

    # The outbox sender: polling, retries with exponential back-off (never given up for a
    # transient failure), and when a destination counts as failing.
    send_interval_s: float = Field(default=1.0, gt=0)
    send_batch_size: int = Field(default=50, ge=1)
    retry_base_s: float = Field(default=5.0, gt=0)
    retry_cap_s: float = Field(default=900.0, gt=0)
    failing_after_attempts: int = Field(default=3, ge=1)
    # How often digests and escalations that have come due are looked for.
    schedule_interval_s: float = Field(default=15.0, gt=0)

    # Bearer tokens, as the case-service validates them (dev: its dev issuer).
    auth_issuer: str = ""
    auth_audience: str = ""
    auth_jwks_url: str = ""

    @model_validator(mode="after")
    def _secrets_have_no_defaults_outside_dev(self) -> Self:
        dev = self.environment == "dev"
        if not self.database_url:
            if not dev:
                raise ValueError("DATABASE_URL is required outside the dev environment")
            self.database_url = DEV_DATABASE_URL
        if self.link_key is None:
            if not dev:
                raise ValueError("ALERTER_LINK_KEY is required outside the dev environment")
            self.link_key = SecretStr(DEV_LINK_KEY)
        elif len(self.link_key.get_secret_value()) < MIN_KEY_LENGTH:
            raise ValueError(f"ALERTER_LINK_KEY must be at least {MIN_KEY_LENGTH} characters")
        if dev:
            self.auth_issuer = self.auth_issuer or DEV_AUTH_ISSUER
            self.auth_audience = self.auth_audience or DEV_AUTH_AUDIENCE
        if not self.auth_issuer or not self.auth_audience:
            raise ValueError("ALERTER_AUTH_ISSUER and ALERTER_AUTH_AUDIENCE are required outside dev")
        self.auth_jwks_url = self.auth_jwks_url or f"{self.auth_issuer}/jwks.json"
        return self

    def link_key_bytes(self) -> bytes:
        assert self.link_key is not None  # set by the validator
        return self.link_key.get_secret_value().encode()

    def webhook_secret(self, name: str) -> bytes | None:
        secret = self.webhook_secrets.get(name)
        return secret.get_secret_value().encode() if secret else None
