"""The ingest transaction: a case event becomes an alert with its outbox rows, a digest line, or a
suppression count — once, whatever Kafka redelivers (`alerter_case_events` remembers each event).
The caller commits, then commits the Kafka offset."""

import uuid
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from alerter.config import Role, TrustConfig
from alerter.db.models import Alert, CaseEventSeen, Delivery, DigestLine, RepeatCount
from alerter.domain import fatigue
from alerter.domain.content import ALERT
from alerter.domain.facts import CaseFacts
from alerter.domain.routing import Destination, destinations

DUPLICATE = "duplicate"


def new_alert_id() -> str:
    return str(uuid.uuid4())


def add_deliveries(
    session: AsyncSession,
    alert_id: str,
    school_id: str,
    purpose: str,
    level: int,
    targets: list[Destination],
    send_at: datetime,
    now: datetime,
) -> None:
    for target in targets:
        session.add(
            Delivery(
                alert_id=alert_id,
                school_id=school_id,
                purpose=purpose,
                level=level,
                channel=target.channel,
                destination=target.address,
                status="pending",
                attempts=0,
                next_attempt_at=send_at,
                created_at=now,
            )
        )


async def _recent(session: AsyncSession, facts: CaseFacts) -> fatigue.RecentAlert | None:
    row = (
        await session.execute(
            select(Alert.id, Alert.severity, Alert.created_at)
            .where(
                Alert.purpose == ALERT,
                Alert.school_id == facts.school_id,
                Alert.person_key == facts.person_key,
                Alert.clause == facts.clause,
            )
            .order_by(Alert.created_at.desc())
            .limit(1)
        )
    ).first()
    return fatigue.RecentAlert(row.id, row.severity or "low", row.created_at) if row else None


async def _low_count(session: AsyncSession, facts: CaseFacts, term: date) -> int:
    count = await session.scalar(
        select(RepeatCount.count).where(
            RepeatCount.school_id == facts.school_id,
            RepeatCount.person_key == facts.person_key,
            RepeatCount.clause == facts.clause,
            RepeatCount.term_start == term,
        )
    )
    return count or 0


async def _count_low(session: AsyncSession, facts: CaseFacts, term: date) -> None:
    statement = insert(RepeatCount).values(
        school_id=facts.school_id, person_key=facts.person_key, clause=facts.clause, term_start=term, count=1
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["school_id", "person_key", "clause", "term_start"],
            set_={"count": RepeatCount.count + 1},
        )
    )


def _roles(roles: tuple[Role, ...]) -> str:
    return " ".join(roles)


async def ingest_case_event(
    session: AsyncSession, config: TrustConfig, facts: CaseFacts, now: datetime, trace_id: str = ""
) -> str:
    """What the event became: "immediate", "digest", "suppressed", or "duplicate" (seen before)."""
    inserted = await session.execute(
        insert(CaseEventSeen)
        .values(case_event_id=facts.case_event_id, received_at=now, outcome="pending")
        .on_conflict_do_nothing(index_elements=["case_event_id"])
        .returning(CaseEventSeen.case_event_id)
    )
    if inserted.first() is None:
        return DUPLICATE
    term = date.fromisoformat(fatigue.term_key(config, facts, now))
    low_count = await _low_count(session, facts, term) if facts.severity == "low" else 0
    decision = fatigue.decide(config, facts, now, await _recent(session, facts), low_count)
    alert_id: str | None = None
    if isinstance(decision, fatigue.Immediate):
        outcome = "immediate"
        alert_id = new_alert_id()
        session.add(
            Alert(
                id=alert_id,
                purpose=ALERT,
                school_id=facts.school_id,
                case_id=facts.case_id,
                clause=facts.clause,
                title=facts.title,
                severity=facts.severity,
                owner=facts.owner,
                gross_misconduct=facts.gross_misconduct,
                breach_count=facts.breach_count,
                person_key=facts.person_key,
                roles=_roles(decision.roles),
                critical=decision.critical,
                created_at=now,
                trace_id=trace_id,
                suppressed=0,
                escalation_level=0,
                next_escalation_at=decision.escalate_at,
            )
        )
        await session.flush()
        targets = destinations(config, facts.school_id, decision.roles)
        add_deliveries(session, alert_id, facts.school_id, ALERT, 0, targets, decision.send_at, now)
    elif isinstance(decision, fatigue.DigestLine):
        outcome = "digest"
        await _count_low(session, facts, term)
        session.add(
            DigestLine(
                school_id=facts.school_id,
                roles=_roles(decision.roles),
                clause=facts.clause,
                title=facts.title,
                case_id=facts.case_id,
                raised=decision.raised,
                created_at=now,
                due_at=decision.due_at,
            )
        )
    else:
        outcome = "suppressed"
        alert_id = decision.alert_id
        await session.execute(
            update(Alert).where(Alert.id == alert_id).values(suppressed=Alert.suppressed + 1)
        )
    await session.execute(
        update(CaseEventSeen)
        .where(CaseEventSeen.case_event_id == facts.case_event_id)
        .values(outcome=outcome, alert_id=alert_id)
    )
    return outcome
