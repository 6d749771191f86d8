"""Acknowledging an alert (GraphQL or the e-mail's signed link): once, audited every time."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from alerter.db.models import AckAudit, Alert

ACKNOWLEDGED = "acknowledged"
ALREADY = "already_acknowledged"
NOT_FOUND = "not_found"
BAD_SIGNATURE = "bad_signature"
FORBIDDEN = "forbidden"


def audit(session: AsyncSession, alert_id: str, via: str, actor: str, outcome: str, now: datetime) -> None:
    session.add(AckAudit(alert_id=alert_id[:64], at=now, via=via, actor=actor, outcome=outcome))


async def acknowledge(
    session: AsyncSession, alert: Alert | None, alert_id: str, via: str, actor: str, now: datetime
) -> str:
    """Acknowledge `alert` (loaded FOR UPDATE by the caller, or None when there is none)."""
    if alert is None:
        outcome = NOT_FOUND
    elif alert.acknowledged_at is not None:
        outcome = ALREADY
    else:
        alert.acknowledged_at = now
        alert.acknowledged_by = f"{via}:{actor}"
        alert.next_escalation_at = None  # the ladder stops here
        outcome = ACKNOWLEDGED
    audit(session, alert_id, via, actor, outcome, now)
    return outcome


async def load_for_update(session: AsyncSession, alert_id: str) -> Alert | None:
    return await session.scalar(select(Alert).where(Alert.id == alert_id).with_for_update())
