from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from case_service.settings import DEV_PSEUDONYM_KEY, DEV_SCHOOL_NAMES, CaseServiceSettings

TRUST_FILE = Path(__file__).resolve().parents[3] / "config" / "trust.yaml"

REAL_KEY = "x" * 40
URL = "postgresql+psycopg://u:p@db:5432/cases"


def test_dev_has_working_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("CASE_SERVICE_PSEUDONYM_KEY", raising=False)
    settings = CaseServiceSettings(environment="dev")
    assert settings.pseudonym_key_bytes() == DEV_PSEUDONYM_KEY.encode()
    assert settings.database_url.startswith("postgresql+psycopg://")
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 18300)


def test_secrets_are_required_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_SERVICE_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("CASE_SERVICE_ENVIRONMENT", raising=False)
    monkeypatch.setenv("DATABASE_URL", URL)
    with pytest.raises(ValidationError, match="PSEUDONYM_KEY is required"):
        CaseServiceSettings()  # environment defaults to production: fail closed
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(ValidationError, match="DATABASE_URL is required"):
        CaseServiceSettings(pseudonym_key=REAL_KEY)


def test_dev_key_or_short_key_refused_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", URL)
    for key in (DEV_PSEUDONYM_KEY, "short"):
        monkeypatch.setenv("CASE_SERVICE_PSEUDONYM_KEY", key)
        with pytest.raises(ValidationError, match="real secret"):
            CaseServiceSettings(environment="production")


def test_reads_prefixed_and_shared_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASE_SERVICE_ENVIRONMENT", "production")
    monkeypatch.setenv("CASE_SERVICE_PSEUDONYM_KEY", REAL_KEY)
    monkeypatch.setenv("CASE_SERVICE_HTTP_PORT", "18399")
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
    monkeypatch.setenv("CASE_SERVICE_AUTH_ISSUER", "https://login.example.org/tenant/v2.0")
    monkeypatch.setenv("CASE_SERVICE_AUTH_AUDIENCE", "api://invigilator")
    monkeypatch.setenv("CASE_SERVICE_AUTH_JWKS_URL", "https://login.example.org/tenant/keys")
    monkeypatch.setenv("OPA_URL", "http://opa:8181")
    monkeypatch.setenv("CASE_SERVICE_DB_POOL_SIZE", "4")
    settings = CaseServiceSettings()
    assert settings.http_port == 18399
    assert (settings.db_pool_size, settings.db_max_overflow) == (4, 20)
    # the nested auth settings keep their own variable names
    assert settings.auth_settings.issuer == "https://login.example.org/tenant/v2.0"
    assert settings.auth_settings.audience == "api://invigilator"
    assert settings.auth_settings.opa_url == "http://opa:8181"
    assert settings.database_url == URL
    assert settings.kafka_bootstrap_servers == "kafka:9092"
    assert settings.pseudonym_key_bytes() == REAL_KEY.encode()
    assert REAL_KEY not in repr(settings)


def test_auth_settings_are_required_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CASE_SERVICE_AUTH_ISSUER", "CASE_SERVICE_AUTH_AUDIENCE", "CASE_SERVICE_AUTH_JWKS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("CASE_SERVICE_PSEUDONYM_KEY", REAL_KEY)
    with pytest.raises(ValidationError, match="CASE_SERVICE_AUTH_ISSUER is required"):
        CaseServiceSettings(environment="production")


def test_dev_auth_follows_the_service_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_SERVICE_ENVIRONMENT", raising=False)
    monkeypatch.delenv("CASE_SERVICE_AUTH_ISSUER", raising=False)
    settings = CaseServiceSettings(environment="dev")
    assert settings.auth_settings.environment == "dev"
    assert settings.auth_settings.issuer == "http://127.0.0.1:18390"
    assert settings.workflow_config("st-peters").access_withdrawal_permitted
    assert not settings.workflow_config("elms-farm").access_withdrawal_permitted


def test_dev_school_names_are_the_development_trusts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_SERVICE_SCHOOL_NAMES", raising=False)
    trust = yaml.safe_load(TRUST_FILE.read_text())
    assert {school: entry["name"] for school, entry in trust["schools"].items()} == DEV_SCHOOL_NAMES
    assert CaseServiceSettings(environment="dev").school_names == DEV_SCHOOL_NAMES


def test_school_names_come_from_the_environment_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_SERVICE_SCHOOL_NAMES", raising=False)
    monkeypatch.setenv("DATABASE_URL", URL)
    monkeypatch.setenv("CASE_SERVICE_PSEUDONYM_KEY", REAL_KEY)
    monkeypatch.setenv("CASE_SERVICE_AUTH_ISSUER", "https://login.example.org/tenant/v2.0")
    monkeypatch.setenv("CASE_SERVICE_AUTH_AUDIENCE", "api://invigilator")
    monkeypatch.setenv("CASE_SERVICE_AUTH_JWKS_URL", "https://login.example.org/tenant/keys")
    assert CaseServiceSettings(environment="production").school_names == {}
    monkeypatch.setenv("CASE_SERVICE_SCHOOL_NAMES", '{"north": "North Academy"}')
    assert CaseServiceSettings(environment="production").school_names == {"north": "North Academy"}
