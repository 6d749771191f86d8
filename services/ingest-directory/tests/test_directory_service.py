"""The HTTP service: settings, keys (per school and the trust's), formats, LDIF scope, limits, Kafka."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from tests.ingest_support import FakeProduce

from ingest_directory.app import create_app
from ingest_directory.settings import IngestDirectorySettings
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

SAMPLES = Path(__file__).parent / "samples"
KEYS = {"k-elms": "elms-farm", "k-peters": "st-peters", "k-trust": "trust"}
ELMS, TRUST = {"Authorization": "Bearer k-elms"}, {"Authorization": "Bearer k-trust"}
LDIF = (SAMPLES / "directory.ldif").read_bytes()


def client(**overrides: Any) -> tuple[TestClient, FakeProduce]:
    produce = FakeProduce("events.directory.v1")
    settings = IngestDirectorySettings(**{"api_keys": KEYS, **overrides})
    return TestClient(create_app(settings, produce)), produce


# --- settings ---------------------------------------------------------------------------------


def test_defaults_match_the_stack_and_the_trusts_ous(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_DIRECTORY_ENVIRONMENT", "dev")
    settings = IngestDirectorySettings()
    assert (settings.port, settings.events_topic, settings.trust_id, settings.ldap_url) == (
        18130,
        "events.directory.v1",
        "trust",
        None,
    )
    assert settings.layout().ou_to_school == {"Elms Farm": "elms-farm", "St Peter's": "st-peters"}
    assert settings.ldap_sync_interval_s == 900


def test_layout_and_ldap_come_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    ca = tmp_path / "trust-ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n")
    for name, value in {
        "API_KEYS": '{"k-trust": "trust"}',
        "OU_TO_SCHOOL": '{"OU=Oak Hill,DC=oak,DC=local": "oak-hill"}',
        "LEAVERS_OU": "Former Staff",
        "LDAP_URL": "ldap://dc01.oak.local",
        "LDAP_BIND_DN": "CN=invigilator-sync,OU=Service,DC=oak,DC=local",
        "LDAP_PASSWORD": "s3cret",
        "LDAP_BASE_DN": "DC=oak,DC=local",
        "LDAP_CA_FILE": str(ca),
        "LDAP_SYNC_INTERVAL_S": "60",
    }.items():
        monkeypatch.setenv(f"INGEST_DIRECTORY_{name}", value)
    settings = IngestDirectorySettings()
    assert settings.layout().ou_to_school == {"OU=Oak Hill,DC=oak,DC=local": "oak-hill"}
    assert settings.layout().leavers_ou == "Former Staff"
    assert (settings.ldap_start_tls, settings.ldap_ca_file, settings.ldap_sync_interval_s) == (True, ca, 60)
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ldap_bind_dn": None, "ldap_password": ""}, "LDAP_BIND_DN, INGEST_DIRECTORY_LDAP_PASSWORD must"),
        ({"ldap_url": "http://dc01"}, "must start with ldap:// or ldaps://"),
        ({"ldap_start_tls": False}, "only the dev environment may turn it off"),
        ({"ldap_ca_file": "/nonexistent/ca.pem"}, "ldap_ca_file"),
        ({"ou_to_school": {}}, "at least one OU"),
        ({"trust_id": "elms-farm"}, "is also a school's id"),
        ({"timezone": "Mars/Olympus"}, "unknown IANA time zone"),
    ],
)
def test_settings_refuse_what_would_fail_later(overrides: dict[str, Any], message: str) -> None:
    ldap = {
        "ldap_url": "ldap://dc01.trust.local",
        "ldap_bind_dn": "CN=sync,DC=trust,DC=local",
        "ldap_password": "x",
        "ldap_base_dn": "DC=trust,DC=local",
    }
    with pytest.raises(ValidationError, match=message):
        IngestDirectorySettings(api_keys=KEYS, **{**ldap, **overrides})


def test_plain_ldap_is_for_dev_only_and_ldaps_needs_no_start_tls() -> None:
    ldap: dict[str, Any] = {"ldap_bind_dn": "CN=s", "ldap_password": "x", "ldap_base_dn": "DC=t"}
    dev = IngestDirectorySettings(
        environment="dev", ldap_url="ldap://127.0.0.1:18389", ldap_start_tls=False, **ldap
    )
    assert not dev.ldap_start_tls
    assert IngestDirectorySettings(api_keys=KEYS, ldap_url="ldaps://dc01", ldap_start_tls=False, **ldap)


def test_keys_are_required_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INGEST_DIRECTORY_API_KEYS", raising=False)
    monkeypatch.delenv("INGEST_DIRECTORY_ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="INGEST_DIRECTORY_API_KEYS is required outside the dev"):
        IngestDirectorySettings()


# --- DC security events ------------------------------------------------------------------------


def test_dc_events_are_written_keyed_by_the_paths_school_and_account_shard() -> None:
    http, produce = client()
    body = (SAMPLES / "directory.ecs.jsonl").read_bytes()
    response = http.post("/v1/schools/elms-farm/ecs", content=body, headers=ELMS)
    assert response.status_code == 202, response.text
    assert response.json()["accepted"] == len(produce.events()) > 0
    for record in produce.records:
        if record.topic == "events.directory.v1":
            batch = events_pb2.EventBatch.FromString(record.value)
            assert batch.school_id == "elms-farm"
            assert {batch_key("elms-farm", event.account) for event in batch.events} == {record.key}


def test_dc_events_under_the_trust_id_are_refused() -> None:
    http, produce = client()
    body = (SAMPLES / "directory.nxlog.jsonl").read_bytes()
    response = http.post("/v1/schools/trust/nxlog", content=body, headers=TRUST)
    assert response.status_code == 400
    assert "post them under the school" in response.json()["detail"]
    assert not produce.records


def test_keys_unknown_formats_size_and_kafka() -> None:
    http, produce = client(max_body_bytes=2000)
    line = (SAMPLES / "directory.ecs.jsonl").read_bytes().splitlines()[0]
    url = "/v1/schools/elms-farm/ecs"
    assert http.post(url, content=line).status_code == 401
    assert http.post(url, content=line, headers={"X-API-Key": "k-peters"}).status_code == 403
    assert http.post(url, content=line, headers=TRUST).status_code == 403  # the trust key is not a school's
    missing = http.post("/v1/schools/elms-farm/csv", content=line, headers=ELMS)
    assert missing.status_code == 404
    assert "known: ecs, ldif, nxlog" in missing.json()["detail"]
    assert http.post(url, content=line * 3, headers=ELMS).status_code == 413
    produce.failures = 1
    refused = http.post(url, content=line, headers=ELMS)
    assert refused.status_code == 503
    assert not produce.records, "nothing acknowledged, nothing kept"
    assert http.post(url, content=line, headers=ELMS).status_code == 202


# --- LDIF --------------------------------------------------------------------------------------


def test_the_trusts_ldif_writes_every_school_by_ou() -> None:
    http, produce = client()
    assert http.post("/v1/schools/trust/ldif", content=LDIF, headers=ELMS).status_code == 403
    response = http.post("/v1/schools/trust/ldif", content=LDIF, headers=TRUST)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert (answer["accepted"], answer["rejected"], answer["skipped"]) == (7, 1, 3)
    events = produce.events()
    accounts = {e.account: e.school_id for e in events if e.directory.HasField("account_snapshot")}
    assert accounts == {"jsmith": "elms-farm", "rduerr": "st-peters", "told": "st-peters"}
    for record in produce.records:
        if record.topic == "events.directory.v1":
            batch = events_pb2.EventBatch.FromString(record.value)
            assert str(record.key).startswith(f"{batch.school_id}/")
    [reject] = [r for r in produce.records if r.topic == "events.rejected.v1"]
    assert reject.key == "trust"
    assert "userAccountControl is not a number" in events_pb2.RejectedInput.FromString(reject.value).reason


def test_a_schools_ldif_writes_only_that_schools_entries() -> None:
    http, produce = client()
    response = http.post("/v1/schools/st-peters/ldif", content=LDIF, headers={"X-API-Key": "k-peters"})
    assert response.status_code == 202, response.text
    events = produce.events()
    assert {e.school_id for e in events} == {"st-peters"}
    assert sorted(e.account for e in events if e.directory.HasField("account_snapshot")) == ["rduerr", "told"]
    assert len([e for e in events if e.directory.HasField("password_policy")]) == 2
    answer = response.json()
    # jsmith and the broken entry sit in Elms Farm: counted, not written, not even as rejects.
    assert (answer["accepted"], answer["rejected"], answer["skipped"]) == (4, 0, 5)
    assert b"jsmith" not in b"".join(r.value for r in produce.records)


def test_ldif_for_a_school_without_an_ou_is_refused() -> None:
    http, produce = client(environment="dev", api_keys={})
    response = http.post("/v1/schools/oak-hill/ldif", content=LDIF)
    assert response.status_code == 400
    assert "no OU in the directory layout" in response.json()["detail"]
    assert not produce.records


def test_ldifde_unicode_exports_read_like_utf8() -> None:
    http, _ = client()
    utf16 = b"\xff\xfe" + LDIF.decode().encode("utf-16-le")
    answer = http.post("/v1/schools/trust/ldif", content=utf16, headers=TRUST).json()
    assert (answer["accepted"], answer["rejected"], answer["skipped"]) == (7, 1, 3)
    broken = http.post("/v1/schools/trust/ldif", content=b"\xff\xfe\x00\xd8", headers=TRUST)
    assert broken.status_code == 400


# --- status without a sync ---------------------------------------------------------------------


def test_status_says_disabled_and_needs_the_trust_key() -> None:
    http, _ = client()
    assert http.get("/v1/ldap-sync/status").status_code == 401
    assert http.get("/v1/ldap-sync/status", headers=ELMS).status_code == 403
    response = http.get("/v1/ldap-sync/status", headers=TRUST)
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    with http:
        assert http.get("/readyz").json() == {"status": "ok", "checks": {}}
