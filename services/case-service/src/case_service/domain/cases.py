"""The case rule: a breach joins the open case of the same person and clause, else opens a new case."""

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from google.protobuf.timestamp_pb2 import Timestamp

from case_service.domain.breaches import SEVERITIES, BreachFacts
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

STATUS_OPEN = "open"
# Case ids derive from the breach that opened the case, so a replay rebuilds the same ids.
CASE_ID_NAMESPACE = uuid.UUID("6f0f3c2e-3b8e-4d1e-9a51-1c4ad0c4a7e1")


class CaseChangeKind(StrEnum):
    OPENED = "opened"
    BREACH_ADDED = "breach_added"


@dataclass(frozen=True)
class CaseState:
    case_id: str
    school_id: str
    staff: str
    clause: str
    title: str
    severity: str
    owner: str
    gross_misconduct: bool
    status: str
    breach_count: int
    opened_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class CaseChange:
    kind: CaseChangeKind
    case: CaseState


def max_severity(first: str, second: str) -> str:
    """The more severe of two severities (`low` < `medium` < `high` < `critical`)."""
    return first if SEVERITIES.index(first) >= SEVERITIES.index(second) else second


def joins(case: CaseState, breach: BreachFacts, staff: str) -> bool:
    """Whether the breach belongs to this case: open, same school, same person, same clause."""
    return (
        case.status == STATUS_OPEN
        and case.school_id == breach.school_id
        and case.staff == staff
        and case.clause == breach.clause
    )


def new_case_id(opening_breach_id: str) -> str:
    return str(uuid.uuid5(CASE_ID_NAMESPACE, opening_breach_id))


def apply_breach(open_case: CaseState | None, breach: BreachFacts, staff: str, now: datetime) -> CaseChange:
    """Attach the breach to `open_case` when it joins it, otherwise open a new case for it."""
    if open_case is not None and joins(open_case, breach, staff):
        joined = replace(
            open_case,
            severity=max_severity(open_case.severity, breach.severity),
            gross_misconduct=open_case.gross_misconduct or breach.gross_misconduct,
            breach_count=open_case.breach_count + 1,
            updated_at=now,
        )
        return CaseChange(CaseChangeKind.BREACH_ADDED, joined)
    opened = CaseState(
        case_id=new_case_id(breach.breach_id),
        school_id=breach.school_id,
        staff=staff,
        clause=breach.clause,
        title=breach.title,
        severity=breach.severity,
        owner=breach.owner,
        gross_misconduct=breach.gross_misconduct,
        status=STATUS_OPEN,
        breach_count=1,
        opened_at=now,
        updated_at=now,
    )
    return CaseChange(CaseChangeKind.OPENED, opened)


def case_event_id(case_id: str, breach_id: str) -> str:
    """Deterministic: the same breach added to the same case always yields the same event id."""
    return hashlib.sha256(f"{case_id}\x1f{breach_id}".encode()).hexdigest()[:32]


_EVENT_TYPES = {
    CaseChangeKind.OPENED: cases_pb2.CASE_EVENT_TYPE_OPENED,
    CaseChangeKind.BREACH_ADDED: cases_pb2.CASE_EVENT_TYPE_BREACH_ADDED,
}


def build_case_event(change: CaseChange, breach: BreachFacts) -> cases_pb2.CaseEvent:
    """The CaseEvent the alerter routes on: no account, name, address, URL or subject in it."""
    case = change.case
    occurred_at = Timestamp()
    occurred_at.FromDatetime(breach.occurred_at)
    return cases_pb2.CaseEvent(
        case_event_id=case_event_id(case.case_id, breach.breach_id),
        type=_EVENT_TYPES[change.kind],
        case_id=case.case_id,
        school_id=case.school_id,
        clause=case.clause,
        title=case.title,
        severity=breaches_pb2.Severity.Value(f"SEVERITY_{case.severity.upper()}"),
        owner=breaches_pb2.Owner.Value(f"OWNER_{case.owner.upper()}"),
        gross_misconduct=case.gross_misconduct,
        breach_count=case.breach_count,
        occurred_at=occurred_at,
    )
