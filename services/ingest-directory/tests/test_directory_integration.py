"""The running ingest-directory (scripts/stack/services.sh start) writes DC events and the trust's
LDIF export to the real Kafka: every event keyed school/shard of its account, the school of LDIF
entries taken from their OU, and the entry that cannot be mapped kept as a reject."""

import json
import os
import uuid
from pathlib import Path

import httpx
import pytest
from tests.kafka_support import post_and_collect

from ingest_directory.ingest import parse, parse_ldif
from ingest_directory.settings import DEFAULT_OU_TO_SCHOOL
from ingest_directory.snapshot import Layout
from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).parent / "samples"
URL = f"http://127.0.0.1:{os.environ.get('INGEST_DIRECTORY_PORT', '18130')}"
EVENTS = "events.directory.v1"
# The service runs with the default layout and trust id (the local stack sets neither).
LAYOUT = Layout(ou_to_school=DEFAULT_OU_TO_SCHOOL)
TRUST_ID = "trust"


@pytest.fixture(scope="module", autouse=True)
def service_running() -> None:
    try:
        httpx.get(f"{URL}/healthz", timeout=2).raise_for_status()
    except httpx.HTTPError as error:
        pytest.fail(f"ingest-directory does not answer on {URL} ({error!r}): scripts/stack/services.sh start")


def test_dc_events_arrive_keyed_by_the_paths_school_and_account_shard() -> None:
    marker = f"it-{uuid.uuid4().hex[:12]}"
    lines = (SAMPLES / "directory.ecs.jsonl").read_text().splitlines()
    created = json.loads(lines[0])  # 4720: a user account was created
    created["winlog"]["event_data"]["TargetUserName"] = marker
    created["winlog"]["event_data"]["SamAccountName"] = marker
    body = "\n".join([*lines, json.dumps(created), json.dumps({"marker": marker})]).encode() + b"\n"
    expected = parse("ecs", body, "elms-farm")

    url = f"{URL}/v1/schools/elms-farm/ecs"
    answer, events, rejects = post_and_collect(url, body, expected, marker, EVENTS)

    assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))
    by_id = {event.event_id: event for event in expected.events}
    for event_id, record in events.items():
        assert record.key == batch_key("elms-farm", by_id[event_id].account).encode()
        assert events_pb2.EventBatch.FromString(record.value).school_id == "elms-farm"
        assert str(answer["trace_id"]) in record.headers["traceparent"].decode()
    assert marker in {event.account for event in expected.events}
    [reject] = rejects
    assert reject.key == b"elms-farm"


def test_the_trusts_ldif_arrives_per_school_by_ou() -> None:
    marker = f"it-{uuid.uuid4().hex[:12]}"
    probe = (
        f"\ndn: CN=Probe {marker},OU=Staff,OU=St Peter's,DC=trust,DC=local\n"
        f"objectClass: user\nsAMAccountName: {marker}\nuserAccountControl: 512\npwdLastSet: 0\n"
        f"\ndn: CN=Broken {marker},OU=Staff,OU=Elms Farm,DC=trust,DC=local\n"
        f"objectClass: user\nsAMAccountName: b{marker}\nuserAccountControl: {marker}\n"
    )
    body = (SAMPLES / "directory.ldif").read_bytes() + probe.encode()
    expected = parse_ldif(body, LAYOUT)

    url = f"{URL}/v1/schools/{TRUST_ID}/ldif"
    answer, events, rejects = post_and_collect(url, body, expected, marker, EVENTS)

    assert (answer["accepted"], answer["rejected"]) == (len(expected.events), len(expected.rejects))
    by_id = {event.event_id: event for event in expected.events}
    schools = set()
    for event_id, record in events.items():
        event = by_id[event_id]
        schools.add(event.school_id)
        assert record.key == batch_key(event.school_id, event.account).encode()
        assert events_pb2.EventBatch.FromString(record.value).school_id == event.school_id
    assert schools == {"elms-farm", "st-peters"}
    [mine] = [by_id[i] for i in events if by_id[i].account == marker]
    assert (mine.school_id, mine.directory.account_snapshot.staff) == ("st-peters", True)
    [reject] = rejects
    assert reject.key == TRUST_ID.encode()
    rejected = events_pb2.RejectedInput.FromString(reject.value)
    assert (rejected.format, rejected.school_id) == ("directory.ldif", "elms-farm")
