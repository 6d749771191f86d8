"""IngestMailSettings: dev defaults, what is required elsewhere, and the one source of own domains."""

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ingest_mail.settings import DEV_JOURNAL_RECIPIENTS, DEV_OWN_DOMAINS, IngestMailSettings

ROOT = Path(__file__).resolve().parents[3]
PRODUCTION: dict[str, Any] = {
    "api_keys": {"k-elms": "elms-farm"},
    "own_domains": {"elms-farm": ["elmsfarm.sch.uk"]},
    "smtp_journal_recipients": {"journal@ingest.trust.example": "elms-farm"},
    "smtp_allowed_clients": ["192.0.2.0/24"],
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ENVIRONMENT", "API_KEYS", "OWN_DOMAINS", "SMTP_JOURNAL_RECIPIENTS", "SMTP_ALLOWED_CLIENTS"):
        monkeypatch.delenv(f"INGEST_MAIL_{name}", raising=False)


def test_defaults() -> None:
    settings = IngestMailSettings(environment="dev")
    assert (settings.port, settings.events_topic) == (18110, "events.mail.v1")
    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 18026)
    assert settings.smtp_max_message_bytes == 50 * 1024 * 1024
    assert settings.own_domains == DEV_OWN_DOMAINS
    assert settings.smtp_journal_recipients == DEV_JOURNAL_RECIPIENTS
    assert settings.smtp_allowed_clients == []


def test_dev_domains_are_those_of_the_dev_policy_data() -> None:
    """The Rego data decides with these domains too; the two must not drift apart."""
    for school, domains in DEV_OWN_DOMAINS.items():
        data = json.loads((ROOT / "policies-rego/data/schools" / school / "data.json").read_text())
        assert data["mail_domains"] == domains


def test_outside_dev_every_attribution_and_the_allow_list_are_required() -> None:
    with pytest.raises(ValidationError) as error:
        IngestMailSettings(environment="production", api_keys={"k": "elms-farm"})
    for name in ("OWN_DOMAINS", "SMTP_JOURNAL_RECIPIENTS", "SMTP_ALLOWED_CLIENTS"):
        assert f"INGEST_MAIL_{name}" in str(error.value)
    with pytest.raises(ValidationError, match="INGEST_MAIL_API_KEYS is required"):
        IngestMailSettings(**{**PRODUCTION, "api_keys": {}})
    assert IngestMailSettings(**PRODUCTION).environment == "production"
    # With the receiver off, only the HTTP side's settings are needed.
    IngestMailSettings(smtp_port=0, api_keys={"k": "elms-farm"}, own_domains={"elms-farm": ["e.example"]})


def test_settings_come_from_json_env_and_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_MAIL_API_KEYS", '{"k-elms": "elms-farm"}')
    monkeypatch.setenv("INGEST_MAIL_OWN_DOMAINS", '{"elms-farm": ["ElmsFarm.Example.sch.uk."]}')
    monkeypatch.setenv("INGEST_MAIL_SMTP_JOURNAL_RECIPIENTS", '{"Journal@Ingest.Example": "elms-farm"}')
    monkeypatch.setenv("INGEST_MAIL_SMTP_ALLOWED_CLIENTS", '["192.0.2.0/24", "2001:db8::/32"]')
    settings = IngestMailSettings()
    assert settings.own_domains == {"elms-farm": ["elmsfarm.example.sch.uk"]}
    assert settings.smtp_journal_recipients == {"journal@ingest.example": "elms-farm"}
    assert [str(net) for net in settings.smtp_allowed_clients] == ["192.0.2.0/24", "2001:db8::/32"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"own_domains": {"elms-farm": []}},
        {"own_domains": {"elms-farm": ["not a domain"]}},
        {"own_domains": {"Elms Farm": ["elmsfarm.example"]}},
        {"smtp_journal_recipients": {"no-at-sign": "elms-farm"}},
        {"smtp_journal_recipients": {"journal@x.example": "unknown-school"}},
        {"smtp_allowed_clients": ["10.0.0.0/33"]},
    ],
    ids=["no-domains", "bad-domain", "bad-school", "bad-address", "school-without-domains", "bad-cidr"],
)
def test_bad_values_are_refused(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        IngestMailSettings(environment="dev", **overrides)
