"""The outbox rows: claim the next due one, and record what the server or webhook answered."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from alerter.db.models import FAILED, PENDING, SENT, Alert, Delivery
from alerter.domain.content import ALERT


async def claim_due(session: AsyncSession, now: datetime) -> tuple[Delivery, Alert] | None:
    """The oldest due pending row, locked for this transaction (others skip it)."""
    delivery = await session.scalar(
        select(Delivery)
        .where(Delivery.status == PENDING, Delivery.next_attempt_at <= now)
        .order_by(Delivery.next_attempt_at, Delivery.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if delivery is None:
        return None
    alert = await session.get(Alert, delivery.alert_id)
    assert alert is not None  # foreign key
    return delivery, alert


async def claim_bundle(
    session: AsyncSession, first: Delivery, horizon: datetime
) -> list[tuple[Delivery, Alert]]:
    """Other pending non-critical alerts for the same destination due by `horizon`, locked: they go
    in the same message as `first` (bundling)."""
    rows = (
        await session.execute(
            select(Delivery, Alert)
            .join(Alert, Alert.id == Delivery.alert_id)
            .where(
                Delivery.status == PENDING,
                Delivery.channel == first.channel,
                Delivery.destination == first.destination,
                Delivery.purpose == ALERT,
                Delivery.id != first.id,
                Delivery.next_attempt_at <= horizon,
                Alert.critical.is_(False),
            )
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .with_for_update(of=Delivery, skip_locked=True)
        )
    ).all()
    return [(delivery, alert) for delivery, alert in rows]


def mark_sent(delivery: Delivery, now: datetime) -> None:
    delivery.status = SENT
    delivery.attempts += 1
    delivery.sent_at = now
    delivery.last_attempt_at = now
    delivery.last_error = None


def mark_failed(delivery: Delivery, now: datetime, error: str, retry_in: timedelta | None) -> None:
    """`retry_in` None: refused for good (status failed); otherwise try again after it."""
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.last_error = error[:500]
    if retry_in is None:
        delivery.status = FAILED
    else:
        delivery.next_attempt_at = now + retry_in


@dataclass(frozen=True)
class FailingDestination:
    channel: str
    destination: str
    school_ids: tuple[str, ...]
    failed: int  # rows refused for good
    retrying: int  # rows still pending after at least `failing_after_attempts` attempts
    last_error: str
    last_attempt_at: datetime | None


async def failing_destinations(
    session: AsyncSession, failing_after_attempts: int
) -> list[FailingDestination]:
    """Destinations with a row refused for good, or a row still failing after N attempts."""
    failing = or_(
        Delivery.status == FAILED,
        and_(Delivery.status == PENDING, Delivery.attempts >= failing_after_attempts),
    )
    rows = (
        await session.execute(
            select(
                Delivery.channel,
                Delivery.destination,
                func.array_agg(func.distinct(Delivery.school_id)),
                func.count().filter(Delivery.status == FAILED),
                func.count().filter(Delivery.status == PENDING),
                func.max(Delivery.last_attempt_at),
            )
            .where(failing)
            .group_by(Delivery.channel, Delivery.destination)
            .order_by(Delivery.channel, Delivery.destination)
        )
    ).all()
    found = []
    for channel, destination, schools, failed, retrying, last_at in rows:
        last_error = await session.scalar(
            select(Delivery.last_error)
            .where(Delivery.channel == channel, Delivery.destination == destination, failing)
            .order_by(Delivery.last_attempt_at.desc().nulls_last())
            .limit(1)
        )
        found.append(
            FailingDestination(
                channel, destination, tuple(sorted(schools)), failed, retrying, last_error or "", last_at
            )
        )
    return found


async def requeue_failed(session: AsyncSession, channel: str, destination: str, now: datetime) -> int:
    """Give a destination's refused rows another go (after the configuration was fixed)."""
    rows = (
        await session.scalars(
            select(Delivery)
            .where(
                Delivery.status == FAILED, Delivery.channel == channel, Delivery.destination == destination
            )
            .with_for_update()
        )
    ).all()
    for row in rows:
        row.status = PENDING
        row.next_attempt_at = now
    return len(rows)
