"""Reading a `Breach` record from breaches.v1 into plain, validated facts."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.protobuf.message import DecodeError

from invigilator.breaches.v1 import breaches_pb2

SEVERITIES = ("low", "medium", "high", "critical")
OWNERS = ("hr", "it", "dsl")


class InvalidBreachError(ValueError):
    """The record cannot become a breach; the reason goes to the rejects topic with the raw bytes."""


@dataclass(frozen=True)
class BreachFacts:
    breach_id: str
    clause: str
    title: str
    severity: str
    owner: str
    gross_misconduct: bool
    kind: str
    school_id: str
    account: str
    policy_ref: str
    reason: str
    occurred_at: datetime
    detected_at: datetime | None
    decision_id: str
    policy_revision: str
    evidence: dict[str, str] = field(default_factory=dict)
    evidence_event_ids: tuple[str, ...] = ()
    account_unknown: bool = False  # the directory did not know the account (Breach field 18)


def _enum_name(name: str, prefix: str, allowed: tuple[str, ...]) -> str:
    value = name.removeprefix(prefix).lower()
    if value not in allowed:
        raise InvalidBreachError(f"unsupported {prefix.rstrip('_').lower()} {name}")
    return value


def parse_breach(raw: bytes | None) -> BreachFacts:
    """Decode and validate one serialized `Breach`; raise `InvalidBreachError` saying why not."""
    if not raw:
        raise InvalidBreachError("empty record value")
    message = breaches_pb2.Breach()
    try:
        message.ParseFromString(raw)
    except DecodeError as exc:
        raise InvalidBreachError(f"not a Breach protobuf: {exc}") from exc
    missing = [
        name for name in ("breach_id", "clause", "school_id", "account") if not getattr(message, name).strip()
    ]
    if not message.HasField("occurred_at"):
        missing.append("occurred_at")
    if missing:
        raise InvalidBreachError(f"missing required field(s): {', '.join(missing)}")
    try:
        severity_name = breaches_pb2.Severity.Name(message.severity)
        owner_name = breaches_pb2.Owner.Name(message.owner)
    except ValueError as exc:  # an enum number this build does not know
        raise InvalidBreachError(str(exc)) from exc
    return BreachFacts(
        breach_id=message.breach_id,
        clause=message.clause,
        title=message.title,
        severity=_enum_name(severity_name, "SEVERITY_", SEVERITIES),
        owner=_enum_name(owner_name, "OWNER_", OWNERS),
        gross_misconduct=message.gross_misconduct,
        kind=message.kind,
        school_id=message.school_id,
        account=message.account,
        policy_ref=message.policy_ref,
        reason=message.reason,
        occurred_at=message.occurred_at.ToDatetime(tzinfo=UTC),
        detected_at=message.detected_at.ToDatetime(tzinfo=UTC) if message.HasField("detected_at") else None,
        decision_id=message.decision_id,
        policy_revision=message.policy_revision,
        evidence=dict(message.evidence),
        evidence_event_ids=tuple(message.evidence_event_ids),
        account_unknown=message.account_unknown,
    )
