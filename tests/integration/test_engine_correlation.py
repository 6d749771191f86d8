"""The running policy-engine correlates across records and takes: an hour and more of non-work
browsing, sent in several posts, becomes exactly one NET-EXCESSIVE-NONWORK breach for the day."""

import uuid
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.integration.engine_helpers import (
    breaches_from_now,
    post,
    read_breaches,
    squid_line,
    wait_until_engine_committed,
)
from tests.integration.engine_workers import (
    restart_policy_engine,
)
from tests.stack import Stack

pytestmark = pytest.mark.integration
LONDON = ZoneInfo("Europe/London")

MINUTES = 75


def last_weekday_morning(now: datetime) -> datetime:
    """09:00 London on the last weekday before today: in working hours, in the past, and recent
    enough that a running engine still counts it (the dev stack keeps correlation state a week)."""
    day = now.astimezone(LONDON).date() - timedelta(days=1)
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return datetime.combine(day, time(9, 0), LONDON).astimezone(UTC)


START = last_weekday_morning(datetime.now(UTC))


def test_nonwork_minutes_add_up_across_posts_into_one_breach_a_day(stack: Stack) -> None:
    account = f"nw{uuid.uuid4().hex[:8]}"
    lines = [squid_line(account, START + timedelta(minutes=m), "www.facebook.com") for m in range(MINUTES)]
    consumer = breaches_from_now()
    try:
        for start in range(0, MINUTES, 20):  # four posts: four takes at least, state carried between
            post(stack, lines[start : start + 20])
        found = read_breaches(consumer, account, "NET-EXCESSIVE-NONWORK", settle_s=3, limit_s=60)
    finally:
        consumer.close()
    assert len(found) == 1, [b.breach_id for b in found]
    [breach] = found
    assert breach.school_id == "elms-farm"
    assert breach.evidence["date"] == START.astimezone(LONDON).date().isoformat()
    assert int(breach.evidence["minutes"]) > 60
    assert len(breach.evidence_event_ids) > 0
    assert breach.decision_id
    assert breach.policy_revision


def test_correlation_state_survives_a_restart_of_the_engine(stack: Stack) -> None:
    """40 minutes before the restart and 30 after: only the sum crosses the 60-minute threshold, so
    the breach proves the state was recovered from the table's changelog."""
    account = f"nr{uuid.uuid4().hex[:8]}"
    lines = [squid_line(account, START + timedelta(minutes=m), "www.facebook.com") for m in range(70)]
    consumer = breaches_from_now()
    try:
        post(stack, lines[:40])
        # Each line is also a NET-SOCIAL breach: all 40 seen means the engine judged them all.
        assert len(read_breaches(consumer, account, "NET-SOCIAL", settle_s=2, limit_s=60)) == 40
        wait_until_engine_committed("events.proxy.v1")  # so nothing is replayed after the restart
        restart_policy_engine()
        post(stack, lines[40:])
        found = read_breaches(consumer, account, "NET-EXCESSIVE-NONWORK", settle_s=3, limit_s=90)
    finally:
        consumer.close()
    assert len(found) == 1
    assert int(found[0].evidence["minutes"]) == 61  # reported when the 61st minute crossed 60
