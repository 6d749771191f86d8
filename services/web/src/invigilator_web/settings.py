"""The one settings object of the web workspace (house rule 2, env prefix `WEB_`): built in `main()`
and passed down."""

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from svckit.settings import ServiceSettings

# Only ever accepted when environment == "dev": anyone holding the source can forge a session.
DEV_SESSION_KEY = "dev-only-web-session-key-not-secret"
DEV_OIDC_ISSUER = "http://127.0.0.1:18390"
DEV_CASE_SERVICE_URL = "http://127.0.0.1:18300/graphql"
DEV_CLIENT_ID = "invigilator-web"


class WebSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WEB_", extra="ignore", populate_by_name=True)

    # Fail closed: a deployment that forgets to say where it runs is treated as production.
    environment: Literal["dev", "ci", "production"] = "production"
    http_host: str = "127.0.0.1"
    http_port: int = 18500
    # Where the browser reaches this app (the OIDC redirect URI is built from it); default
    # http://HOST:PORT.
    public_url: str = ""
    # The case service's GraphQL endpoint: the only thing this app reads or changes.
    case_service_url: str = ""
    case_service_timeout_s: float = 15.0
    # OIDC: Entra ID (https://login.microsoftonline.com/<tenant>/v2.0), Google
    # (https://accounts.google.com), or the dev issuer. Discovery at <issuer>/.well-known/...
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    # A confidential client's secret (Entra ID, Google); none for the dev issuer (PKCE, public).
    oidc_client_secret: SecretStr | None = None
    # Scopes asked for. Entra ID: add the case service's API scope, e.g. "api://<app-id>/Cases.Act",
    # so the access token's audience is the case service.
    oidc_scopes: str = "openid profile"
    # Which token the case service is called with: the access token (Entra ID with the API scope,
    # the dev issuer) or the ID token (Google, whose access tokens are not JWTs).
    bearer_token: Literal["access_token", "id_token"] = "access_token"  # noqa: S105 (a name)
    # Signs the session cookie (itsdangerous); required outside dev.
    session_key: SecretStr | None = None
    session_max_age_s: int = 8 * 3600
    # Dates and times are shown and entered in the schools' time zone.
    timezone: str = "Europe/London"
    page_size: int = 50

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.http_host}:{self.http_port}").rstrip("/")

    @property
    def secure_cookies(self) -> bool:
        return urlsplit(self.base_url).scheme == "https"

    @model_validator(mode="after")
    def _secrets_have_no_defaults_outside_dev(self) -> Self:
        dev = self.environment == "dev"
        if not dev:
            missing = [
                name
                for name, value in (
                    ("WEB_SESSION_KEY", self.session_key),
                    ("WEB_OIDC_ISSUER", self.oidc_issuer),
                    ("WEB_OIDC_CLIENT_ID", self.oidc_client_id),
                    ("WEB_CASE_SERVICE_URL", self.case_service_url),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"required outside the dev environment: {', '.join(missing)}")
            if self.session_key is not None and len(self.session_key.get_secret_value()) < 32:
                raise ValueError("WEB_SESSION_KEY must be at least 32 characters")
            if self.environment == "production" and urlsplit(self.oidc_issuer).scheme != "https":
                raise ValueError("WEB_OIDC_ISSUER must be https in production")
        self.oidc_issuer = (self.oidc_issuer or DEV_OIDC_ISSUER).rstrip("/")
        self.oidc_client_id = self.oidc_client_id or DEV_CLIENT_ID
        self.case_service_url = self.case_service_url or DEV_CASE_SERVICE_URL
        if self.session_key is None:
            self.session_key = SecretStr(DEV_SESSION_KEY)
        return self
