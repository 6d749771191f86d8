"""A batch of 1,000 mixed events (proxy, mail, endpoint, directory, observations) is decided in one
query by the real OPA server, through the policy-engine's own client, for each school."""

import pytest
from google.protobuf.json_format import ParseDict

from invigilator.events.v1 import events_pb2
from policy_engine.decisions import breaches, opa_input
from policy_engine.opa import OpaClient
from tests.contract.bench_events import batch
from tests.stack import Stack

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("school", ["elms-farm", "st-peters"])
async def test_thousand_mixed_events_in_one_query(stack: Stack, school: str) -> None:
    events = [ParseDict(event, events_pb2.Event()) for event in batch(1000, school)["events"]]
    client = OpaClient(stack.opa_url, timeout_s=30, retry_max_s=1)
    try:
        decision = await client.decide(opa_input(school, events))
    finally:
        await client.aclose()

    assert decision.errors == []
    assert decision.decision_id, "OPA runs with decision logs, so every decision has an id"
    assert decision.policy_revision, "the bundle revision is kept as evidence"
    clauses = {f["clause"] for found in decision.findings_by_event.values() for f in found}
    families = {clause.split("-")[0] for clause in clauses}
    assert {"NET", "MAIL", "DATA"} <= families, clauses
    assert families & {"PWD", "SW", "DEVICE", "MALWARE", "SESSION", "LEAVER"}, clauses

    found = breaches(school, events, decision, events[0].occurred_at.ToDatetime())
    assert all(b.policy_ref for b in found), "every finding cites this school's own section"
    assert len({b.breach_id for b in found}) == len({(b.clause, b.evidence_event_ids[0]) for b in found})
