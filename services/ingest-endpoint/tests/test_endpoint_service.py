"""The HTTP service around the parsers: keys, formats, limits, Kafka records and failures."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from tests.ingest_support import FakeProduce

from ingest_endpoint.app import create_app
from ingest_endpoint.settings import IngestEndpointSettings
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

SAMPLES = Path(__file__).parent / "samples"
KEYS = {"k-elms": "elms-farm", "k-peters": "st-peters"}
ELMS = {"Authorization": "Bearer k-elms"}


def client(**overrides: Any) -> tuple[TestClient, FakeProduce]:
    produce = FakeProduce("events.endpoint.v1")
    settings = IngestEndpointSettings(**{"api_keys": KEYS, **overrides})
    return TestClient(create_app(settings, produce)), produce


def test_settings_defaults_and_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_ENDPOINT_API_KEYS", '{"k-elms": "elms-farm"}')
    monkeypatch.setenv("INGEST_ENDPOINT_TIMEZONE", "Europe/Dublin")
    settings = IngestEndpointSettings()
    assert (settings.port, settings.events_topic, settings.timezone) == (
        18120,
        "events.endpoint.v1",
        "Europe/Dublin",
    )
    assert "k-elms" not in repr(settings)


def test_keys_are_required_outside_dev(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INGEST_ENDPOINT_API_KEYS", raising=False)
    monkeypatch.delenv("INGEST_ENDPOINT_ENVIRONMENT", raising=False)
    with pytest.raises(ValidationError, match="INGEST_ENDPOINT_API_KEYS is required outside the dev"):
        IngestEndpointSettings()
    assert IngestEndpointSettings(environment="dev").api_keys == {}


def test_an_unknown_time_zone_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        IngestEndpointSettings(api_keys=KEYS, timezone="Europe/Atlantis")


def test_a_sample_batch_becomes_keyed_event_batches_and_one_reject() -> None:
    http, produce = client()
    body = (SAMPLES / "endpoint.ecs.jsonl").read_bytes()
    response = http.post("/v1/schools/elms-farm/ecs", content=body, headers=ELMS)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert (answer["accepted"], answer["rejected"], answer["skipped"]) == (22, 1, 0)
    assert answer["records"] == len(produce.records)
    for record in produce.records:
        if record.topic == "events.endpoint.v1":
            batch = events_pb2.EventBatch.FromString(record.value)
            assert batch.school_id == "elms-farm"
            assert {batch_key("elms-farm", event.account) for event in batch.events} == {record.key}
    [reject] = [r for r in produce.records if r.topic == "events.rejected.v1"]
    assert reject.key == "elms-farm"
    assert "event id 4688 not monitored" in events_pb2.RejectedInput.FromString(reject.value).reason
    assert len(produce.events()) == 22


def test_nxlog_local_times_use_the_configured_zone() -> None:
    line = (SAMPLES / "endpoint.nxlog.jsonl").read_bytes().splitlines()[0]  # EventTime 2026-11-23 09:15:02
    stamps = {}
    for zone in ("Europe/London", "Asia/Tokyo"):
        http, produce = client(timezone=zone)
        assert http.post("/v1/schools/elms-farm/nxlog", content=line, headers=ELMS).status_code == 202
        [event] = produce.events()
        stamps[zone] = event.occurred_at.ToJsonString()
    assert stamps == {"Europe/London": "2026-11-23T09:15:02Z", "Asia/Tokyo": "2026-11-23T00:15:02Z"}


def test_api_keys_are_per_school() -> None:
    http, produce = client()
    line = (SAMPLES / "endpoint.ecs.jsonl").read_bytes().splitlines()[0]
    url = "/v1/schools/elms-farm/ecs"
    assert http.post(url, content=line).status_code == 401
    assert http.post(url, content=line, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert http.post(url, content=line, headers={"X-API-Key": "k-peters"}).status_code == 403
    assert not produce.records
    assert http.post(url, content=line, headers={"X-API-Key": "k-elms"}).status_code == 202
    assert http.get("/healthz").status_code == 200  # probes need no key
    assert http.get("/readyz").status_code == 200


def test_unknown_format_is_404_naming_the_known_ones() -> None:
    http, produce = client()
    response = http.post("/v1/schools/elms-farm/evtx", content=b"{}", headers=ELMS)
    assert response.status_code == 404
    assert "known: ecs, nxlog" in response.json()["detail"]
    assert not produce.records


def test_a_body_over_the_limit_is_413_and_nothing_is_written() -> None:
    http, produce = client(max_body_bytes=1000)
    body = (SAMPLES / "endpoint.ecs.jsonl").read_bytes()
    assert len(body) > 1000
    response = http.post("/v1/schools/elms-farm/ecs", content=body, headers=ELMS)
    assert response.status_code == 413
    assert "split the batch" in response.json()["detail"]
    # Without a Content-Length (chunked), the limit is applied while reading.
    chunked = http.post("/v1/schools/elms-farm/ecs", content=iter([body[:600], body[600:]]), headers=ELMS)
    assert chunked.status_code == 413
    assert not produce.records


def test_kafka_refusing_is_503_and_nothing_is_acknowledged() -> None:
    http, produce = client()
    produce.failures = 1
    body = (SAMPLES / "endpoint.nxlog.jsonl").read_bytes()
    refused = http.post("/v1/schools/elms-farm/nxlog", content=body, headers=ELMS)
    assert refused.status_code == 503
    assert "retry" in refused.json()["detail"]
    assert not produce.records
    retried = http.post("/v1/schools/elms-farm/nxlog", content=body, headers=ELMS)
    assert retried.status_code == 202
    assert retried.json()["accepted"] == 22


def test_lines_that_are_not_utf8_or_json_are_rejects_not_a_failed_batch() -> None:
    http, produce = client()
    good = (SAMPLES / "endpoint.ecs.jsonl").read_bytes().splitlines()[0]
    body = b"\n".join([good, b"\xff\xfe not utf-8", b"[1, 2]", b""])
    response = http.post("/v1/schools/elms-farm/ecs", content=body, headers=ELMS)
    assert response.status_code == 202
    assert (response.json()["accepted"], response.json()["rejected"]) == (1, 2)
    reasons = [
        events_pb2.RejectedInput.FromString(r.value).reason
        for r in produce.records
        if r.topic == "events.rejected.v1"
    ]
    assert [reason.split(":")[0] for reason in reasons] == ["line 2", "line 3"]


def test_dev_without_keys_warns(caplog: pytest.LogCaptureFixture) -> None:
    http, produce = client(environment="dev", api_keys={})
    line = (SAMPLES / "endpoint.ecs.jsonl").read_bytes().splitlines()[0]
    with http:  # runs the lifespan, which warns
        assert http.post("/v1/schools/elms-farm/ecs", content=line).status_code == 202
    assert "WITHOUT authentication" in caplog.text
    assert len(produce.events()) == 1
