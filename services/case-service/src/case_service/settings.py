"""The one settings object of the case service (house rule 2): built in `main()` and passed down."""

from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from case_service.auth.settings import AuthSettings
from case_service.privacy.settings import PrivacySettings
from case_service.workflow import WorkflowConfig
from svckit.settings import ServiceSettings

# Only ever accepted when environment == "dev": anyone holding the source can recompute these.
DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key-not-secret"
DEV_DATABASE_URL = "postgresql+psycopg://invigilator:invigilator@127.0.0.1:15432/invigilator"
MIN_PSEUDONYM_KEY_LENGTH = 32
# The development trust's schools and their names (config/trust.yaml; a test keeps the two equal):
# GraphQL School.name in dev when CASE_SERVICE_SCHOOL_NAMES is unset.
DEV_SCHOOL_NAMES = {
    "elms-farm": "Elms Farm Primary",
    "st-peters": "St Peter's",
    "oak-hill": "Oak Hill Primary",
    "riverside": "Riverside Academy",
}


class CaseServiceSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CASE_SERVICE_", extra="ignore", populate_by_name=True)

    # Fail closed: a deployment that forgets to say where it runs is treated as production.
    environment: Literal["dev", "ci", "production"] = "production"
    # Shared connection point, read without the prefix like KAFKA_BOOTSTRAP_SERVERS.
    database_url: str = Field(default="", validation_alias="DATABASE_URL")
    http_host: str = "127.0.0.1"
    http_port: int = 18300
    consumer_group_id: str = "case-service"
    breaches_topic: str = "breaches.v1"
    case_events_topic: str = "case-events.v1"
    rejects_topic: str = "events.rejected.v1"
    # PostgreSQL connections per process: a query holds one for its whole snapshot and may take a
    # second for privacy fields, so about (pool + overflow) / 2 queries run at once.
    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=20, ge=0)
    outbox_poll_interval_s: float = 1.0
    outbox_batch_size: int = 100
    # HMAC key turning (school, account) into the pseudonym every screen shows (MON-NEED-TO-KNOW).
    pseudonym_key: SecretStr | None = None
    run_migrations: bool = True
    # Authentication and authorization: its own variables (CASE_SERVICE_AUTH_*, OPA_URL), built in
    # the same environment as the service, after the service's own checks. Read it through
    # `auth_settings`. `CaseServiceSettings(environment="dev")` gets dev auth settings too.
    auth: AuthSettings | None = None
    # Retention of monitoring data (CASE_SERVICE_PRIVACY_*, read the same way): `privacy_settings`.
    privacy: PrivacySettings | None = None
    # Schools whose policy provides withdrawing internet / e-mail access as a sanction
    # (WF-ACCESS-WITHDRAWN: St Peter's "Prohibited use" ¶1, adopted by Riverside; Elms Farm's does not).
    access_withdrawal_schools: list[str] = Field(default_factory=lambda: ["st-peters", "riverside"])
    # School id → name (GraphQL School.name), written to the `schools` table when the app starts.
    # CASE_SERVICE_SCHOOL_NAMES, a JSON object ({"elms-farm": "Elms Farm Primary", ...}): the names
    # config/trust.yaml gives. Unset: the development trust's names in dev, none elsewhere (a school
    # without a name shows its id).
    school_names: dict[str, str] | None = None
    # GraphQL limits: nesting depth, tokens in one document, aliases, page size.
    graphql_max_depth: int = 10
    graphql_max_tokens: int = 2000
    graphql_max_aliases: int = 15
    graphql_max_page_size: int = 100

    def workflow_config(self, school_id: str) -> WorkflowConfig:
        """The workflow settings of one school."""
        return WorkflowConfig(access_withdrawal_permitted=school_id in self.access_withdrawal_schools)

    @model_validator(mode="after")
    def _secrets_have_no_defaults_outside_dev(self) -> Self:
        dev = self.environment == "dev"
        if not self.database_url:
            if not dev:
                raise ValueError("DATABASE_URL is required outside the dev environment")
            self.database_url = DEV_DATABASE_URL
        if self.pseudonym_key is None:
            if not dev:
                raise ValueError("CASE_SERVICE_PSEUDONYM_KEY is required outside the dev environment")
            self.pseudonym_key = SecretStr(DEV_PSEUDONYM_KEY)
        elif not dev:
            key = self.pseudonym_key.get_secret_value()
            if key == DEV_PSEUDONYM_KEY or len(key) < MIN_PSEUDONYM_KEY_LENGTH:
                raise ValueError(
                    "CASE_SERVICE_PSEUDONYM_KEY must be a real secret of at least "
                    f"{MIN_PSEUDONYM_KEY_LENGTH} characters"
                )
        if self.auth is None:
            self.auth = AuthSettings(environment=self.environment)
        if self.privacy is None:
            self.privacy = PrivacySettings()
        if self.school_names is None:
            self.school_names = dict(DEV_SCHOOL_NAMES) if dev else {}
        return self

    @property
    def auth_settings(self) -> AuthSettings:
        assert self.auth is not None  # filled in by the validator
        return self.auth

    @property
    def privacy_settings(self) -> PrivacySettings:
        assert self.privacy is not None  # filled in by the validator
        return self.privacy

    def pseudonym_key_bytes(self) -> bytes:
        assert self.pseudonym_key is not None  # filled in by the validator
        return self.pseudonym_key.get_secret_value().encode()
