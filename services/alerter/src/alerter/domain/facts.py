"""What the alerter knows of a case event: the routing facts, never a name, address, URL or subject."""

from dataclasses import dataclass
from datetime import UTC, datetime

from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

SEVERITIES = ("low", "medium", "high", "critical")
OWNERS = ("hr", "it", "dsl")
OPENED = "opened"
BREACH_ADDED = "breach_added"


@dataclass(frozen=True)
class CaseFacts:
    case_event_id: str
    kind: str  # OPENED or BREACH_ADDED
    case_id: str
    school_id: str
    clause: str
    title: str
    severity: str
    owner: str
    gross_misconduct: bool
    breach_count: int
    # Whom "the same person" means for dedupe and repeat counting: the pseudonymous staff id when
    # the event carries one, otherwise the case (the case rule keeps one open case per person and
    # clause, so within a case this is the same person). Stored, never sent.
    person_key: str
    occurred_at: datetime | None = None

    @property
    def critical(self) -> bool:
        """Safeguarding matters and critical ones go to the DSL and Headteacher at once, any hour."""
        return self.owner == "dsl" or self.severity == "critical"


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


def _enum_name(prefix: str, name: str) -> str:
    return name.removeprefix(prefix).lower()


def person_key(event: cases_pb2.CaseEvent) -> str:
    """The pseudonym (`staff`) once CaseEvent carries it; the case until then."""
    if "staff" in event.DESCRIPTOR.fields_by_name:
        staff = getattr(event, "staff", "")
        if staff:
            return f"staff:{staff}"
    return f"case:{event.case_id}"


def facts_from_event(event: cases_pb2.CaseEvent) -> CaseFacts:
    severity = _enum_name("SEVERITY_", breaches_pb2.Severity.Name(event.severity))
    owner = _enum_name("OWNER_", breaches_pb2.Owner.Name(event.owner))
    if severity not in SEVERITIES:
        raise ValueError(f"case event {event.case_event_id!r} has no severity")
    if owner not in OWNERS:
        raise ValueError(f"case event {event.case_event_id!r} has no owner")
    kind = OPENED if event.type == cases_pb2.CASE_EVENT_TYPE_OPENED else BREACH_ADDED
    if event.type not in (cases_pb2.CASE_EVENT_TYPE_OPENED, cases_pb2.CASE_EVENT_TYPE_BREACH_ADDED):
        raise ValueError(f"case event {event.case_event_id!r} has no type")
    occurred = event.occurred_at.ToDatetime(UTC) if event.HasField("occurred_at") else None
    return CaseFacts(
        case_event_id=event.case_event_id,
        kind=kind,
        case_id=event.case_id,
        school_id=event.school_id,
        clause=event.clause,
        title=event.title,
        severity=severity,
        owner=owner,
        gross_misconduct=event.gross_misconduct,
        breach_count=event.breach_count,
        person_key=person_key(event),
        occurred_at=occurred,
    )
