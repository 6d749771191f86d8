from datetime import UTC, datetime, timedelta

from alerter.domain.facts import BREACH_ADDED, OPENED
from alerter.domain.volume import simulate
from alerter.testing import facts, trust

NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_a_day_of_one_persons_repeats_and_lows() -> None:
    stream = [
        # One person's social-site case: opened, then four more breaches within the day.
        *[
            (
                NINE + timedelta(minutes=10 * i),
                facts(event_id=f"s{i}", opened=i == 0, case_id="c-1", breach_count=i + 1),
            )
            for i in range(5)
        ],
        # Three low breaches of one clause: the digest at 16:00, one message to the SLG.
        *[
            (
                NINE + timedelta(hours=1, minutes=i),
                facts(severity="low", clause="MAIL-CHAIN", case_id="c-2", event_id=f"l{i}"),
            )
            for i in range(3)
        ],
        # A critical one at St Peter's: DSL and Headteacher.
        (
            NINE + timedelta(hours=2),
            facts(severity="critical", owner="dsl", school="st-peters", case_id="c-3"),
        ),
    ]
    volumes = simulate(trust(), stream, NINE + timedelta(days=1))
    elms = volumes["elms-farm"]
    # Without control: 8 case events to SLG (mailbox + Teams) = 16 messages.
    assert (elms.case_events, elms.messages_unfiltered) == (8, 16)
    assert (elms.cases_opened, elms.messages_per_new_case) == (4, 8)
    assert (elms.immediate_alerts, elms.suppressed, elms.digest_lines, elms.digests) == (1, 4, 3, 1)
    assert elms.messages == 4  # the alert and the digest, each to the mailbox and Teams
    st_peters = volumes["st-peters"]
    assert (st_peters.critical, st_peters.messages, st_peters.messages_unfiltered) == (1, 2, 2)
    assert {OPENED, BREACH_ADDED} == {f.kind for _t, f in stream}


def test_digests_not_yet_due_are_not_counted() -> None:
    stream = [(NINE, facts(severity="low"))]
    assert simulate(trust(), stream, NINE + timedelta(hours=6))["elms-farm"].digests == 0
    assert simulate(trust(), stream, NINE + timedelta(hours=7))["elms-farm"].digests == 1


def test_bundling_counts_one_message_per_destination_and_window() -> None:
    raw = trust().model_dump(mode="json")
    raw["fatigue"]["bundle_minutes"] = 15
    from alerter.config import TrustConfig

    config = TrustConfig.model_validate(raw)
    # Four cases at 09:00, 09:05, 09:15 (joins: the bundle goes at 09:15) and 09:20 (a new bundle).
    stream = [
        (NINE + timedelta(minutes=m), facts(case_id=f"c-{m}", event_id=f"e-{m}")) for m in (0, 5, 15, 20)
    ]
    elms = simulate(config, stream, NINE + timedelta(days=1))["elms-farm"]
    assert elms.immediate_alerts == 4
    assert elms.messages == 4  # 2 bundles × (SLG mailbox + Teams)
    assert simulate(trust(), stream, NINE + timedelta(days=1))["elms-farm"].messages == 8
