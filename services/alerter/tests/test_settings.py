import pytest
from pydantic import ValidationError

from alerter.settings import DEV_AUTH_AUDIENCE, DEV_AUTH_ISSUER, DEV_DATABASE_URL, AlerterSettings

PRODUCTION: dict[str, object] = {
    "environment": "production",
    "database_url": "postgresql+psycopg://alerter@db/invigilator",
    "link_key": "a" * 32,
    "auth_issuer": "https://login.example/tenant/v2.0",
    "auth_audience": "invigilator",
}


@pytest.fixture(autouse=True)
def no_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stack's env.sh exports the shared connection points, and make test runs under it."""
    for variable in ("DATABASE_URL", "ALERTER_LINK_KEY", "ALERTER_AUTH_ISSUER", "ALERTER_AUTH_AUDIENCE"):
        monkeypatch.delenv(variable, raising=False)


def test_dev_has_defaults_for_database_link_key_and_the_dev_issuer() -> None:
    settings = AlerterSettings(environment="dev")
    assert settings.database_url == DEV_DATABASE_URL
    assert settings.link_key_bytes()
    assert (settings.auth_issuer, settings.auth_audience) == (DEV_AUTH_ISSUER, DEV_AUTH_AUDIENCE)
    assert settings.auth_jwks_url == f"{DEV_AUTH_ISSUER}/jwks.json"
    assert settings.http_port == 18400


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("database_url", "DATABASE_URL is required"),
        ("link_key", "ALERTER_LINK_KEY is required"),
        ("auth_issuer", "ALERTER_AUTH_ISSUER"),
    ],
)
def test_secrets_and_connection_points_have_no_defaults_outside_dev(missing: str, message: str) -> None:
    given = {name: value for name, value in PRODUCTION.items() if name != missing}
    with pytest.raises(ValidationError, match=message):
        AlerterSettings.model_validate(given)


def test_a_short_link_key_is_refused_and_webhook_secrets_are_read_by_name() -> None:
    with pytest.raises(ValidationError, match="at least 32"):
        AlerterSettings.model_validate({**PRODUCTION, "link_key": "short"})
    settings = AlerterSettings.model_validate({**PRODUCTION, "webhook_secrets": {"siem": "s3cret"}})
    assert settings.webhook_secret("siem") == b"s3cret"
    assert settings.webhook_secret("other") is None
