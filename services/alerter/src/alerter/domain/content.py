"""What an alert says, before any channel formats it: school, clause id and title, severity,
counts and links. Nothing here can hold a name, an address, a URL or a subject of the person
concerned — the types have no field for it (issue 7, item 4)."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from alerter.domain.facts import severity_rank

ALERT = "alert"
DIGEST = "digest"
ESCALATION = "escalation"


@dataclass(frozen=True)
class DigestEntry:
    clause: str
    title: str
    severity: str  # "low", or "medium" when the line was raised by repeats
    breaches: int
    cases: int
    repeated: bool  # someone reached the term's repeat threshold for this clause


@dataclass(frozen=True)
class AlertContent:
    alert_id: str
    purpose: str  # ALERT, DIGEST or ESCALATION
    school_id: str
    school_name: str
    created_at: datetime
    ack_link: str
    clause: str = ""
    title: str = ""
    severity: str = ""
    gross_misconduct: bool = False
    breach_count: int = 0
    case_link: str = ""
    critical: bool = False
    escalation_level: int = 0  # 1 for the ladder's first step
    waited_minutes: int = 0  # how long the alert has gone unacknowledged (escalations)
    trace_id: str = ""
    digest: tuple[DigestEntry, ...] = field(default_factory=tuple)


def digest_entries(lines: list[tuple[str, str, str, bool]]) -> tuple[DigestEntry, ...]:
    """Lines as (clause, title, case id, raised) → one entry per clause, most breaches first."""
    grouped: dict[str, list[tuple[str, str, str, bool]]] = {}
    for line in lines:
        grouped.setdefault(line[0], []).append(line)
    entries = [
        DigestEntry(
            clause=clause,
            title=group[0][1],
            severity="medium" if any(raised for *_rest, raised in group) else "low",
            breaches=len(group),
            cases=len({case for _c, _t, case, _r in group}),
            repeated=any(raised for *_rest, raised in group),
        )
        for clause, group in grouped.items()
    ]
    return tuple(
        sorted(entries, key=lambda entry: (entry.severity != "medium", -entry.breaches, entry.clause))
    )


def subject_line(content: AlertContent) -> str:
    """The one subject every channel uses; never names the person."""
    school = content.school_name
    if content.purpose == DIGEST:
        breaches = sum(entry.breaches for entry in content.digest)
        raised = sum(1 for entry in content.digest if entry.repeated)
        extra = f", {raised} raised by repeats" if raised else ""
        return (
            f"[Invigilator] {school}: daily digest — {breaches} low-severity breach(es) in "
            f"{len(content.digest)} clause(s){extra}"
        )
    what = f"{school}: {content.clause} {content.title} ({content.severity})"
    if content.purpose == ESCALATION:
        return f"[Invigilator] ESCALATED, not acknowledged after {content.waited_minutes} min — {what}"
    return f"[Invigilator] {what}"


def bundle_subject(contents: Sequence[AlertContent]) -> str:
    """The subject of several alerts to one destination in one message."""
    if len(contents) == 1:
        return subject_line(contents[0])
    schools = list(dict.fromkeys(content.school_name for content in contents))
    where = schools[0] if len(schools) == 1 else f"{len(schools)} schools"
    clauses = list(dict.fromkeys(content.clause for content in contents))
    shown = ", ".join(clauses[:4]) + (", …" if len(clauses) > 4 else "")
    highest = max((content.severity for content in contents), key=severity_rank)
    return f"[Invigilator] {where}: {len(contents)} alerts — {shown} (highest: {highest})"
