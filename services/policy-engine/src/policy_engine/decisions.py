"""Pure translation between event batches, OPA's decide input/output and breaches."""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from google.protobuf.json_format import MessageToDict

from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2

SEVERITIES = {
    "low": breaches_pb2.SEVERITY_LOW,
    "medium": breaches_pb2.SEVERITY_MEDIUM,
    "high": breaches_pb2.SEVERITY_HIGH,
    "critical": breaches_pb2.SEVERITY_CRITICAL,
}
OWNERS = {"hr": breaches_pb2.OWNER_HR, "it": breaches_pb2.OWNER_IT, "dsl": breaches_pb2.OWNER_DSL}


@dataclass(frozen=True)
class Decision:
    """OPA's answer for one batch: findings by event index, the proxy requests counted as non-work
    browsing, configuration errors, provenance."""

    findings_by_event: Mapping[int, list[Mapping[str, Any]]]
    errors: list[str]
    decision_id: str
    policy_revision: str
    nonwork: frozenset[int] = frozenset()


def opa_input(school_id: str, events: list[events_pb2.Event]) -> dict[str, Any]:
    """The decide input: events in the protobuf JSON mapping (lowerCamelCase field names)."""
    return {"school": school_id, "events": [MessageToDict(event) for event in events]}


def parse_decision(body: Mapping[str, Any]) -> Decision:
    """Reads POST /v1/data/invigilator/decide?provenance=true; fails loudly when `decide` is undefined."""
    if "result" not in body:
        raise ValueError("OPA returned no result: is data.invigilator.decide defined in the loaded bundle?")
    result = body["result"]
    bundles = body.get("provenance", {}).get("bundles", {})
    revisions = sorted(str(b.get("revision", "")) for b in bundles.values())
    return Decision(
        findings_by_event={int(index): list(found) for index, found in result.get("events", {}).items()},
        errors=list(result.get("errors", [])),
        decision_id=str(body.get("decision_id", "")),
        policy_revision=",".join(revisions),
        nonwork=frozenset(int(index) for index in result.get("nonwork", [])),
    )


def breach_id(clause: str, school_id: str, account: str, evidence_event_ids: Iterable[str]) -> str:
    """Deterministic, so re-judging the same evidence yields the same breach and downstream dedupes."""
    material = "\x00".join([clause, school_id, account, *sorted(evidence_event_ids)])
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def breaches(
    school_id: str, events: list[events_pb2.Event], decision: Decision, detected_at: datetime
) -> list[breaches_pb2.Breach]:
    out = []
    for index, findings in sorted(decision.findings_by_event.items()):
        event = events[index]
        # An observation's id already names its window (correlation/emit.py); the evidence it
        # cites is the events it counted.
        cited = list(event.observation.evidence_event_ids) if event.HasField("observation") else []
        for finding in findings:
            breach = breaches_pb2.Breach(
                breach_id=breach_id(finding["clause"], school_id, event.account, [event.event_id]),
                clause=finding["clause"],
                title=finding["title"],
                severity=SEVERITIES[finding["severity"]],
                owner=OWNERS[finding["owner"]],
                gross_misconduct=bool(finding["gross_misconduct"]),
                kind=finding["kind"],
                school_id=school_id,
                account=event.account,
                policy_ref=finding["policy_ref"],
                reason=finding["reason"],
                evidence_event_ids=cited or [event.event_id],
                evidence={key: str(value) for key, value in finding.get("evidence", {}).items()},
                decision_id=decision.decision_id,
                policy_revision=decision.policy_revision,
                account_unknown=event.HasField("profile") and not event.profile.known,
            )
            breach.occurred_at.CopyFrom(event.occurred_at)
            breach.detected_at.FromDatetime(detected_at)
            out.append(breach)
    return out
