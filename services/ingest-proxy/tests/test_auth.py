from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from tests.ingest_support import FakeProduce

from ingest_proxy.app import create_app
from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.vendor_csv import PRESETS
from svckit.apikeys import ApiKeys, Verdict, presented_key

LINE = "1700000000.123 456 10.0.0.5 TCP_MISS/200 1234 GET http://a.example/x jsmith HIER_DIRECT/1.2.3.4 -\n"
KEYS = {"k-elms": "elms-farm", "k-peters": "st-peters"}


def client(**overrides: Any) -> tuple[TestClient, FakeProduce]:
    written = FakeProduce("events.proxy.v1")
    settings = IngestProxySettings(**{"syslog_port": 0, **overrides})
    return TestClient(create_app(settings, written, dict(PRESETS))), written


@pytest.mark.parametrize(
    ("authorization", "x_api_key", "expected"),
    [
        ("Bearer k1", None, "k1"),
        ("bearer  k1 ", None, "k1"),
        ("Basic abc", "k2", "k2"),
        (None, " k2 ", "k2"),
        ("Bearer ", None, None),
        (None, None, None),
    ],
)
def test_presented_key(authorization: str | None, x_api_key: str | None, expected: str | None) -> None:
    assert presented_key(authorization, x_api_key) == expected


def test_verdicts() -> None:
    keys = ApiKeys(KEYS)
    assert keys.verdict("k-elms", "elms-farm") is Verdict.ALLOWED
    assert keys.verdict("k-elms", "st-peters") is Verdict.FORBIDDEN
    assert keys.verdict("k-unknown", "elms-farm") is Verdict.UNAUTHENTICATED
    assert keys.verdict(None, "elms-farm") is Verdict.UNAUTHENTICATED
    assert ApiKeys({}).verdict(None, "elms-farm") is Verdict.ALLOWED


def test_keys_are_required_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INGEST_PROXY_API_KEYS", raising=False)
    monkeypatch.delenv("INGEST_PROXY_ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="INGEST_PROXY_API_KEYS is required outside the dev"):
        IngestProxySettings()
    with pytest.raises(ValidationError, match="INGEST_PROXY_API_KEYS is required"):
        IngestProxySettings(environment="ci")
    assert IngestProxySettings(environment="dev").api_keys == {}


def test_keys_and_sources_come_from_json_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_PROXY_API_KEYS", '{"k-elms": "elms-farm"}')
    monkeypatch.setenv(
        "INGEST_PROXY_SYSLOG_SOURCES", '{"Proxy1": {"school": "elms-farm", "format": "squid"}}'
    )
    settings = IngestProxySettings()
    assert settings.api_keys == {"k-elms": "elms-farm"}
    assert settings.syslog_sources["proxy1"].format == "squid"
    assert "k-elms" not in repr(settings)


@pytest.mark.parametrize(
    "keys", [{"k": "Not A School"}, {" k": "elms-farm"}, {"": "elms-farm"}], ids=["school", "spaces", "blank"]
)
def test_bad_keys_are_refused(keys: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        IngestProxySettings(api_keys=keys)


def test_syslog_source_format_must_be_a_line_format() -> None:
    with pytest.raises(ValidationError):
        IngestProxySettings(
            environment="dev", syslog_sources={"h": {"school": "elms-farm", "format": "smoothwall-csv"}}
        )


def test_http_needs_a_key_for_its_own_school() -> None:
    http, written = client(api_keys=KEYS)
    url = "/v1/schools/elms-farm/squid"
    missing = http.post(url, content=LINE)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert http.post(url, content=LINE, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert http.post(url, content=LINE, headers={"X-API-Key": "k-peters"}).status_code == 403
    assert not written.records
    ok = http.post(url, content=LINE, headers={"Authorization": "Bearer k-elms"})
    assert ok.status_code == 202, ok.text
    assert ok.json()["accepted"] == 1
    assert http.post(url, content=LINE, headers={"X-API-Key": "k-elms"}).status_code == 202
    assert http.get("/healthz").status_code == 200  # probes need no key


def test_dev_without_keys_accepts_unauthenticated_batches(caplog: pytest.LogCaptureFixture) -> None:
    http, written = client(environment="dev")
    with http:  # runs the lifespan, which warns
        response = http.post("/v1/schools/elms-farm/squid", content=LINE)
    assert response.status_code == 202, response.text
    assert len(written.records) == 1
    assert "WITHOUT authentication" in caplog.text
