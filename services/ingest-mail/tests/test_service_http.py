"""The batch route of ingest-mail with a fake produce: each format, API keys, limits, attribution."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.ingest_support import FakeProduce

from ingest_mail.app import create_app
from ingest_mail.ingest import parse
from ingest_mail.settings import IngestMailSettings
from invigilator.events.v1 import events_pb2

SAMPLES = Path(__file__).parent / "samples"
OWN_DOMAINS = {"elms-farm": ["elmsfarm.sch.uk"], "st-peters": ["stpeters.sch.uk"]}
KEYS = {"k-elms": "elms-farm", "k-peters": "st-peters"}
BODY_MARKER = b"BODY-MARKER-7f3c9a"


def client(**overrides: Any) -> tuple[TestClient, FakeProduce]:
    written = FakeProduce("events.mail.v1")
    values: dict[str, Any] = {"environment": "dev", "smtp_port": 0, "own_domains": OWN_DOMAINS}
    settings = IngestMailSettings(**{**values, **overrides})
    return TestClient(create_app(settings, written)), written


@pytest.mark.parametrize(
    ("format_name", "name"),
    [
        ("eml", "journal-report.eml"),
        ("exchange-tracking", "MSGTRK2024030408-1.LOG"),
        ("m365-trace", "m365-trace.json"),
        ("gmail", "gmail.jsonl"),
    ],
)
def test_each_format_is_parsed_with_the_schools_own_domains_and_written(format_name: str, name: str) -> None:
    http, written = client()
    body = (SAMPLES / name).read_bytes()
    response = http.post(f"/v1/schools/elms-farm/{format_name}", content=body)
    assert response.status_code == 202, response.text
    expected = parse(format_name, body, "elms-farm", frozenset(OWN_DOMAINS["elms-farm"]))
    answer = response.json()
    assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))
    assert answer["accepted"] >= 1
    events = written.events()
    assert [e.event_id for e in events] == [e.event_id for e in expected.events]
    assert [e.mail.direction for e in events] == [e.mail.direction for e in expected.events]
    assert all(e.school_id == "elms-farm" for e in events)
    assert all(e.mail.direction != events_pb2.MAIL_DIRECTION_UNSPECIFIED for e in events)
    assert all(record.key.startswith("elms-farm/") for record in written.records)  # type: ignore[arg-type]


def test_a_private_message_leaves_no_subject_names_or_body_in_any_record() -> None:
    http, written = client()
    response = http.post("/v1/schools/elms-farm/eml", content=(SAMPLES / "private.eml").read_bytes())
    assert response.status_code == 202, response.text
    (event,) = written.events()
    assert event.mail.private_marked
    out = b"".join(record.value for record in written.records)
    for text in (b"Divorce", b"custody", BODY_MARKER):
        assert text not in out


def test_keys_are_checked_per_school() -> None:
    http, written = client(api_keys=KEYS)
    body = (SAMPLES / "private.eml").read_bytes()
    url = "/v1/schools/elms-farm/eml"
    assert http.post(url, content=body).status_code == 401
    assert http.post(url, content=body, headers={"Authorization": "Bearer nope"}).status_code == 401
    assert http.post(url, content=body, headers={"X-API-Key": "k-peters"}).status_code == 403
    assert not written.records
    assert http.post(url, content=body, headers={"Authorization": "Bearer k-elms"}).status_code == 202
    assert http.get("/healthz").status_code == 200


def test_an_open_dev_service_warns(caplog: pytest.LogCaptureFixture) -> None:
    http, _ = client()
    with http:
        assert http.get("/readyz").json() == {"status": "ok", "checks": {}}
    assert "WITHOUT authentication" in caplog.text


def test_too_large_unknown_format_unknown_school_and_kafka_down() -> None:
    http, written = client(max_body_bytes=100)
    body = (SAMPLES / "private.eml").read_bytes()
    assert http.post("/v1/schools/elms-farm/eml", content=body).status_code == 413
    small = b"From: a@elmsfarm.sch.uk\r\nTo: b@example.org\r\nSubject: hi\r\n\r\nx\r\n"
    unknown_format = http.post("/v1/schools/elms-farm/pst", content=small)
    assert unknown_format.status_code == 404
    assert "eml" in unknown_format.json()["detail"]
    unknown_school = http.post("/v1/schools/other-school/eml", content=small)
    assert unknown_school.status_code == 404
    assert "INGEST_MAIL_OWN_DOMAINS" in unknown_school.json()["detail"]
    written.failures = 1
    assert http.post("/v1/schools/elms-farm/eml", content=small).status_code == 503
    assert http.post("/v1/schools/elms-farm/eml", content=small).status_code == 202
    assert len(written.events()) == 1
