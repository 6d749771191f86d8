"""Authentication settings: dev defaults trust the dev issuer; elsewhere everything is explicit, and
only asymmetric algorithms can be configured."""

import pytest
from pydantic import ValidationError

from case_service.auth.settings import DEV_AUDIENCE, DEV_ISSUER, AuthSettings, ClaimMapping, GroupGrant

ENTRA = {
    "issuer": "https://login.microsoftonline.com/0000-tenant/v2.0",
    "audience": "api://invigilator",
    "jwks_url": "https://login.microsoftonline.com/0000-tenant/discovery/v2.0/keys",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "CASE_SERVICE_ENVIRONMENT",
        "OPA_URL",
        "CASE_SERVICE_AUTH_ISSUER",
        "CASE_SERVICE_AUTH_AUDIENCE",
    ):
        monkeypatch.delenv(name, raising=False)


def test_dev_trusts_the_dev_issuer() -> None:
    settings = AuthSettings(environment="dev")
    assert (settings.issuer, settings.audience) == (DEV_ISSUER, DEV_AUDIENCE)
    assert settings.jwks_url == f"{DEV_ISSUER}/jwks.json"
    assert settings.algorithms == ["RS256", "ES256"]
    assert settings.opa_url == "http://127.0.0.1:18181"


def test_issuer_audience_and_jwks_are_required_outside_dev() -> None:
    with pytest.raises(ValidationError, match="CASE_SERVICE_AUTH_ISSUER is required"):
        AuthSettings()  # production unless told otherwise
    with pytest.raises(ValidationError, match="CASE_SERVICE_AUTH_JWKS_URL is required"):
        AuthSettings(environment="ci", issuer="http://127.0.0.1:18390", audience="a")


def production(issuer: str = ENTRA["issuer"], jwks_url: str = ENTRA["jwks_url"]) -> AuthSettings:
    return AuthSettings(
        environment="production", issuer=issuer, audience=ENTRA["audience"], jwks_url=jwks_url
    )


def test_production_needs_https() -> None:
    assert production().issuer == ENTRA["issuer"]
    with pytest.raises(ValidationError, match="ISSUER must be an https URL"):
        production(issuer=DEV_ISSUER)
    with pytest.raises(ValidationError, match="JWKS_URL must be an https URL"):
        production(jwks_url=f"{DEV_ISSUER}/jwks.json")
    ci = AuthSettings(environment="ci", issuer=DEV_ISSUER, audience="a", jwks_url=f"{DEV_ISSUER}/jwks.json")
    assert ci.issuer == DEV_ISSUER


@pytest.mark.parametrize("algorithm", ["none", "HS256", "HS512"])
def test_symmetric_and_none_algorithms_cannot_be_configured(algorithm: str) -> None:
    with pytest.raises(ValidationError):
        AuthSettings(environment="dev", algorithms=[algorithm])
    with pytest.raises(ValidationError):
        AuthSettings(environment="dev", algorithms=[])


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASE_SERVICE_ENVIRONMENT", "production")
    monkeypatch.setenv("CASE_SERVICE_AUTH_ISSUER", ENTRA["issuer"])
    monkeypatch.setenv("CASE_SERVICE_AUTH_AUDIENCE", ENTRA["audience"])
    monkeypatch.setenv("CASE_SERVICE_AUTH_JWKS_URL", ENTRA["jwks_url"])
    monkeypatch.setenv("CASE_SERVICE_AUTH_ALGORITHMS", '["RS256"]')
    monkeypatch.setenv("CASE_SERVICE_AUTH_CLAIMS__SUBJECT_CLAIM", "oid")
    monkeypatch.setenv("CASE_SERVICE_AUTH_CLAIMS__ROLE_VALUES", '{"Invigilator.HR": "hr"}')
    monkeypatch.setenv("OPA_URL", "http://opa:8181")
    settings = AuthSettings()
    assert settings.environment == "production"
    assert settings.algorithms == ["RS256"]
    assert settings.claims.subject_claim == "oid"
    assert settings.claims.roles_claim == "roles"
    assert settings.claims.role_values == {"Invigilator.HR": "hr"}
    assert settings.opa_url == "http://opa:8181"


def test_mappings_name_known_roles_only() -> None:
    with pytest.raises(ValidationError, match="unknown roles"):
        ClaimMapping(role_values={"Invigilator.Admin": "admin"})
    with pytest.raises(ValidationError, match="unknown roles"):
        GroupGrant(roles=["superuser"], schools=["elms-farm"])
