"""Work that comes due with time: each school's digest at its local time, and the escalation
ladder of critical alerts nobody acknowledged. Both take "now" from the caller's clock."""

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from alerter.config import Role, TrustConfig
from alerter.db.ingest import add_deliveries, new_alert_id
from alerter.db.models import Alert, DigestLine
from alerter.domain import timing
from alerter.domain.content import DIGEST, ESCALATION, digest_entries
from alerter.domain.routing import destinations, escalation_step


def _send_at(config: TrustConfig, school_id: str, now: datetime) -> datetime:
    """A digest is not critical: it waits for the end of the school's quiet hours."""
    school = config.schools.get(school_id)
    if school is None or school.quiet_hours is None:
        return now
    return timing.quiet_release(now, school.quiet_hours.start, school.quiet_hours.end, school.zone)


async def raise_due_digests(session: AsyncSession, config: TrustConfig, now: datetime) -> list[str]:
    """One digest alert per school, recipients and due time whose lines are due; their ids."""
    lines = (
        await session.scalars(
            select(DigestLine)
            .where(DigestLine.digest_alert_id.is_(None), DigestLine.due_at <= now)
            .order_by(DigestLine.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    groups: dict[tuple[str, str, datetime], list[DigestLine]] = {}
    for line in lines:
        groups.setdefault((line.school_id, line.roles, line.due_at), []).append(line)
    raised: list[str] = []
    for (school_id, roles, _due), group in sorted(groups.items(), key=lambda item: item[0][2]):
        entries = digest_entries([(line.clause, line.title, line.case_id, line.raised) for line in group])
        alert_id = new_alert_id()
        role_tuple = cast(tuple[Role, ...], tuple(roles.split()))
        session.add(
            Alert(
                id=alert_id,
                purpose=DIGEST,
                school_id=school_id,
                severity="medium" if any(entry.repeated for entry in entries) else "low",
                breach_count=sum(entry.breaches for entry in entries),
                roles=roles,
                critical=False,
                created_at=now,
                trace_id="",
                suppressed=0,
                escalation_level=0,
                digest=[asdict(entry) for entry in entries],
            )
        )
        await session.flush()
        await session.execute(
            update(DigestLine)
            .where(DigestLine.id.in_([line.id for line in group]))
            .values(digest_alert_id=alert_id)
        )
        targets = destinations(config, school_id, role_tuple)
        add_deliveries(
            session, alert_id, school_id, DIGEST, 0, targets, _send_at(config, school_id, now), now
        )
        raised.append(alert_id)
    return raised


async def escalate_due(session: AsyncSession, config: TrustConfig, now: datetime) -> list[tuple[str, int]]:
    """Send each unacknowledged critical alert whose step is due to the next contacts on the
    school's ladder; (alert id, step) of each escalation made."""
    alerts = (
        await session.scalars(
            select(Alert)
            .where(
                Alert.acknowledged_at.is_(None),
                Alert.next_escalation_at.is_not(None),
                Alert.next_escalation_at <= now,
            )
            .order_by(Alert.next_escalation_at)
            .with_for_update(skip_locked=True)
        )
    ).all()
    made: list[tuple[str, int]] = []
    for alert in alerts:
        due = alert.next_escalation_at
        assert due is not None
        step = alert.escalation_level + 1
        targets = escalation_step(config, alert.school_id, alert.escalation_level)
        if targets:
            add_deliveries(session, alert.id, alert.school_id, ESCALATION, step, targets, now, now)
            made.append((alert.id, step))
        after = timedelta(minutes=config.escalation(alert.school_id).after_minutes)
        alert.escalation_level = step
        alert.next_escalation_at = due + after if escalation_step(config, alert.school_id, step) else None
    return made
