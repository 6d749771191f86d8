"""The running ingest-endpoint (scripts/stack/services.sh start) writes a realistic batch to the real
Kafka: every event in an `EventBatch` keyed school/shard of its account, the bad lines as rejects."""

import json
import os
import uuid
from pathlib import Path

import httpx
import pytest
from tests.kafka_support import post_and_collect

from ingest_endpoint.ingest import parse
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).parent / "samples"
URL = f"http://127.0.0.1:{os.environ.get('INGEST_ENDPOINT_PORT', '18120')}"
EVENTS = "events.endpoint.v1"


@pytest.fixture(scope="module", autouse=True)
def service_running() -> None:
    try:
        httpx.get(f"{URL}/healthz", timeout=2).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"ingest-endpoint does not answer on {URL} ({error!r}): scripts/stack/services.sh start")


def unique_logon(account: str) -> bytes:
    """An ECS 4624 of a sample line with a fresh account, so this run's events are unmistakable."""
    doc = json.loads((SAMPLES / "endpoint.ecs.jsonl").read_text().splitlines()[0])
    doc["winlog"]["event_data"]["TargetUserName"] = account
    return json.dumps(doc).encode()


@pytest.mark.parametrize(("school", "format_name"), [("elms-farm", "ecs"), ("st-peters", "nxlog")])
def test_a_shipper_batch_arrives_keyed_by_school_and_account_shard(school: str, format_name: str) -> None:
    marker = f"it-{uuid.uuid4().hex[:12]}"
    body = (SAMPLES / f"endpoint.{format_name}.jsonl").read_bytes()
    if format_name == "ecs":
        body += unique_logon(marker) + b"\n"
    body += f'{{"not": "a windows event", "marker": "{marker}"}}\n'.encode()
    expected = parse(format_name, body, school)
    wanted = {event.event_id: event for event in expected.events}

    url = f"{URL}/v1/schools/{school}/{format_name}"
    answer, events, rejects = post_and_collect(url, body, expected, marker, EVENTS)

    assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))
    for event_id, message in events.items():
        event = wanted[event_id]
        assert message.key == batch_key(school, event.account).encode()
        assert events_pb2.EventBatch.FromString(message.value).school_id == school
        assert answer["trace_id"] in message.headers["traceparent"].decode(), "no trace context"
    [reject] = rejects
    assert reject.key == school.encode()
    assert events_pb2.RejectedInput.FromString(reject.value).format == f"endpoint.{format_name}"
    if format_name == "ecs":
        [mine] = [wanted[i] for i in events if wanted[i].account == marker]
        assert mine.endpoint.windows_event_id == 4624
