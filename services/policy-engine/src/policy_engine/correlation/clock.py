"""Event time: protobuf timestamps to aware UTC datetimes, and the ISO strings state is kept in."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from invigilator.events.v1 import events_pb2


def event_time(event: events_pb2.Event) -> datetime | None:
    """When the event happened, in UTC; None when the source gave no time (it cannot be windowed)."""
    if not event.HasField("occurred_at"):
        return None
    return event.occurred_at.ToDatetime(tzinfo=UTC)


def iso(moment: datetime) -> str:
    """The form state keeps: UTC, microseconds, e.g. 2026-07-01T23:30:00.000000+00:00."""
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    return utc.isoformat(timespec="microseconds")


def parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"naive timestamp in correlation state: {text!r}")
    return moment.astimezone(UTC)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant a local calendar day starts (zoneinfo resolves the BST changes)."""
    return datetime.combine(day, time(0, 0), tzinfo=zone).astimezone(UTC)


def local_at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def day_expiry(day: date, zone: ZoneInfo, retention: timedelta) -> datetime:
    """When a local day's state may be pruned: the end of that day plus the retention."""
    return local_midnight(day + timedelta(days=1), zone) + retention
