from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from alerter.domain.fatigue import DigestLine, Immediate, RecentAlert, Suppressed, decide, term_key
from alerter.testing import facts, trust

# Monday 2 March 2026, GMT: London local = UTC.
MORNING = datetime(2026, 3, 2, 10, tzinfo=UTC)
NIGHT = datetime(2026, 3, 2, 22, tzinfo=UTC)


def test_critical_goes_at_once_even_in_quiet_hours_with_the_ladder_armed() -> None:
    decision = decide(
        trust(), facts(severity="critical", owner="dsl", clause="NET-CHILD-HARM"), NIGHT, None, 0
    )
    assert decision == Immediate(("dsl", "headteacher"), True, NIGHT, NIGHT + timedelta(minutes=15))


def test_critical_without_a_ladder_is_not_escalated() -> None:
    config = trust()
    raw = config.model_dump(mode="json")
    raw["trust"]["escalation"]["ladder"] = []
    raw["schools"]["st-peters"]["escalation"] = None
    from alerter.config import TrustConfig

    decision = decide(
        TrustConfig.model_validate(raw), facts(severity="critical", school="st-peters"), NIGHT, None, 0
    )
    assert isinstance(decision, Immediate)
    assert decision.escalate_at is None


def test_high_in_quiet_hours_waits_until_they_end() -> None:
    decision = decide(trust(), facts(), NIGHT, None, 0)
    assert decision == Immediate(("slg",), False, datetime(2026, 3, 3, 7, tzinfo=UTC), None)
    # A school without quiet hours: at once.
    assert decide(trust(), facts(school="st-peters"), NIGHT, None, 0) == Immediate(
        ("slg",), False, NIGHT, None
    )


def test_same_person_and_clause_within_the_window_is_suppressed() -> None:
    recent = RecentAlert("a-1", "high", MORNING - timedelta(hours=23))
    assert decide(trust(), facts(opened=False), MORNING, recent, 0) == Suppressed("a-1")
    old = RecentAlert("a-1", "high", MORNING - timedelta(hours=24))
    assert isinstance(decide(trust(), facts(opened=False), MORNING, old, 0), Immediate)


def test_a_rise_in_severity_is_not_suppressed() -> None:
    recent = RecentAlert("a-1", "medium", MORNING - timedelta(hours=1))
    assert isinstance(decide(trust(), facts(severity="high"), MORNING, recent, 0), Immediate)
    assert decide(trust(), facts(severity="medium"), MORNING, recent, 0) == Suppressed("a-1")


def test_low_goes_to_the_digest_and_the_third_in_a_term_is_raised() -> None:
    low = facts(severity="low", clause="SESSION-UNLOCKED", title="Session left unlocked")
    first = decide(trust(), low, MORNING, None, 0)
    assert first == DigestLine(("slg",), datetime(2026, 3, 2, 16, tzinfo=UTC), False, "2026-01-01")
    second = decide(trust(), low, MORNING, None, 1)
    third = decide(trust(), low, MORNING, None, 2)
    assert isinstance(second, DigestLine)
    assert not second.raised
    assert isinstance(third, DigestLine)
    assert third.raised
    # After 16:00 the line waits for tomorrow's digest.
    evening = decide(trust(), low, datetime(2026, 3, 2, 16, 1, tzinfo=UTC), None, 0)
    assert isinstance(evening, DigestLine)
    assert evening.due_at == datetime(2026, 3, 3, 16, tzinfo=UTC)


def test_low_is_never_deduped_away_it_is_counted_in_the_digest() -> None:
    recent = RecentAlert("a-1", "low", MORNING - timedelta(minutes=5))
    assert isinstance(decide(trust(), facts(severity="low"), MORNING, recent, 0), DigestLine)


def test_term_key_uses_the_schools_local_day() -> None:
    # 23:30 UTC on 31 March 2026 is 00:30 BST on 1 April: the summer term.
    assert term_key(trust(), facts(), datetime(2026, 3, 31, 23, 30, tzinfo=UTC)) == "2026-04-01"


@given(
    severity=st.sampled_from(["low", "medium", "high", "critical"]),
    owner=st.sampled_from(["hr", "it", "dsl"]),
    school=st.sampled_from(["elms-farm", "st-peters", "elsewhere"]),
    minutes=st.integers(0, 7 * 24 * 60),
    prior=st.integers(0, 10),
)
def test_critical_is_never_held_and_nothing_is_sent_before_now(
    severity: str, owner: str, school: str, minutes: int, prior: int
) -> None:
    now = MORNING + timedelta(minutes=minutes)
    found = facts(severity=severity, owner=owner, school=school)
    decision = decide(trust(), found, now, None, prior)
    if found.critical:
        assert isinstance(decision, Immediate)
        assert decision.send_at == now
    elif severity == "low":
        assert isinstance(decision, DigestLine)
        assert decision.due_at > now
        assert decision.raised == (prior + 1 >= 3)
    else:
        assert isinstance(decision, Immediate)
        assert decision.send_at >= now
        assert decision.send_at - now < timedelta(hours=13)
