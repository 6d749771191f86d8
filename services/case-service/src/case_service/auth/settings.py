"""Settings of authentication and authorization (env prefix `CASE_SERVICE_AUTH_`).

Kept apart from `CaseServiceSettings` until the service wires authentication in: `main()` then
builds it next to the service's settings (or the service's settings nest it as a field) and passes
it down, like every other setting (house rule 2).
"""

from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from case_service.auth.subject import ROLES

# The dev issuer (case_service.auth.dev_issuer serve) and the audience its tokens carry. Only ever
# defaults in the dev environment.
DEV_ISSUER = "http://127.0.0.1:18390"
DEV_AUDIENCE = "invigilator-case-service"

# Asymmetric signatures only: "none" and the HMAC family (HS*) can never be configured, so a token
# signed with a public key used as an HMAC secret is refused whatever the settings say.
Algorithm = Literal["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]


class GroupGrant(BaseModel):
    """What membership of one identity-provider group grants (e.g. a Google Workspace group)."""

    roles: list[str] = []
    schools: list[str] = []

    @model_validator(mode="after")
    def _known_roles(self) -> Self:
        unknown = sorted(set(self.roles) - ROLES)
        if unknown:
            raise ValueError(f"unknown roles {unknown}: known are {sorted(ROLES)}")
        return self


class ClaimMapping(BaseModel):
    """Where the subject, its roles and its schools are in the token's claims.

    Defaults suit Entra ID app roles (`roles`) plus a `schools` claim (an optional claim or claims
    mapping policy on the app registration). Google Workspace: set `groups_claim` and map each group
    to roles and schools in `groups`.
    """

    subject_claim: str = "sub"  # Entra ID: "oid" is the person's object id across apps
    roles_claim: str | None = "roles"
    schools_claim: str | None = "schools"
    groups_claim: str | None = None
    # Identity-provider role value → role, e.g. {"Invigilator.HR": "hr"}. Values that already are
    # role names (hr, slg, ...) count as themselves.
    role_values: dict[str, str] = {}
    groups: dict[str, GroupGrant] = {}

    @model_validator(mode="after")
    def _known_role_values(self) -> Self:
        unknown = sorted(set(self.role_values.values()) - ROLES)
        if unknown:
            raise ValueError(f"role_values map onto unknown roles {unknown}: known are {sorted(ROLES)}")
        return self


class AuthSettings(BaseSettings):
    # CASE_SERVICE_AUTH_CLAIMS='{"roles_claim": ...}' or CASE_SERVICE_AUTH_CLAIMS__ROLES_CLAIM=...
    model_config = SettingsConfigDict(
        env_prefix="CASE_SERVICE_AUTH_", env_nested_delimiter="__", extra="ignore", populate_by_name=True
    )

    # The service's own environment setting: fail closed, production unless told otherwise.
    environment: Literal["dev", "ci", "production"] = Field(
        default="production", validation_alias="CASE_SERVICE_ENVIRONMENT"
    )
    issuer: str = ""  # the exact `iss` of the tokens, e.g. https://login.microsoftonline.com/<tenant>/v2.0
    audience: str = ""  # the exact `aud`: the app registration's client id / application id URI
    jwks_url: str = ""  # e.g. https://login.microsoftonline.com/<tenant>/discovery/v2.0/keys
    algorithms: list[Algorithm] = Field(default=["RS256", "ES256"], min_length=1)
    leeway_s: int = Field(default=30, ge=0, le=300)
    jwks_cache_s: float = Field(default=300.0, gt=0)
    jwks_timeout_s: float = Field(default=5.0, gt=0)
    claims: ClaimMapping = ClaimMapping()
    # Shared connection point, read without the prefix like the other services.
    opa_url: str = Field(default="http://127.0.0.1:18181", validation_alias="OPA_URL")
    opa_timeout_s: float = Field(default=2.0, gt=0)

    @model_validator(mode="after")
    def _issuer_has_no_default_outside_dev(self) -> Self:
        if self.environment == "dev":
            self.issuer = self.issuer or DEV_ISSUER
            self.audience = self.audience or DEV_AUDIENCE
            self.jwks_url = self.jwks_url or f"{self.issuer}/jwks.json"
            return self
        for name in ("issuer", "audience", "jwks_url"):
            if not getattr(self, name):
                raise ValueError(f"CASE_SERVICE_AUTH_{name.upper()} is required outside the dev environment")
        if self.environment == "production":
            for name in ("issuer", "jwks_url"):
                if urlsplit(getattr(self, name)).scheme != "https":
                    raise ValueError(f"CASE_SERVICE_AUTH_{name.upper()} must be an https URL in production")
        return self
