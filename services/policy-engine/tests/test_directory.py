"""The directory table's pure side: snapshots to profiles, events enriched, unknown accounts flagged."""

from datetime import UTC, datetime

from invigilator.events.v1 import events_pb2
from policy_engine.decisions import Decision, breaches
from policy_engine.directory import enricher, profile_key, snapshots

AT = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def snapshot(school: str, account: str, uac: int = 0x200, leaver: bool = False) -> events_pb2.Event:
    event = events_pb2.Event(event_id=f"s-{account}", school_id=school, account=account)
    event.directory.account_snapshot.CopyFrom(
        events_pb2.DirectoryAccount(account=account, user_account_control=uac, staff=True, leaver=leaver)
    )
    return event


def proxy(school: str, account: str) -> events_pb2.Event:
    event = events_pb2.Event(event_id=f"p-{account}", school_id=school, account=account)
    event.proxy.host = "www.facebook.com"
    event.occurred_at.FromDatetime(AT)
    return event


def test_snapshots_become_profiles_keyed_by_school_and_account_in_any_case() -> None:
    found = dict(
        snapshots([snapshot("elms-farm", "JSmith", uac=0x202, leaver=True), proxy("elms-farm", "x")])
    )
    assert list(found) == [b"elms-farm/jsmith"]
    profile = found[profile_key("elms-farm", "jsmith")]
    assert (profile.known, profile.staff, profile.leaver, profile.disabled) == (True, True, True, True)


def test_events_are_enriched_and_an_account_unknown_in_the_event_school_is_flagged() -> None:
    profiles = {
        key: profile.SerializeToString() for key, profile in snapshots([snapshot("elms-farm", "jsmith")])
    }
    events = [proxy("elms-farm", "jsmith"), proxy("st-peters", "jsmith"), proxy("elms-farm", "ghost")]
    no_account = events_pb2.Event(event_id="policy", school_id="elms-farm")
    assert enricher(profiles)([*events, no_account]) == 2
    assert events[0].profile.known
    assert events[0].profile.staff
    # Known in another school only, or not at all: judged, flagged — not dropped.
    assert events[1].HasField("profile")
    assert not events[1].profile.known
    assert not events[2].profile.known
    assert not no_account.HasField("profile")


def test_breaches_of_an_unknown_account_carry_the_flag() -> None:
    events = [proxy("elms-farm", "jsmith"), proxy("elms-farm", "ghost")]
    profiles = {key: p.SerializeToString() for key, p in snapshots([snapshot("elms-farm", "jsmith")])}
    enricher(profiles)(events)
    finding = {
        "clause": "NET-SOCIAL",
        "title": "Social networking site",
        "severity": "high",
        "owner": "hr",
        "gross_misconduct": False,
        "kind": "A",
        "policy_ref": "2.5",
        "reason": "social",
    }
    decision = Decision(
        findings_by_event={0: [finding], 1: [finding]}, errors=[], decision_id="d", policy_revision="r"
    )
    found = breaches("elms-farm", events, decision, AT)
    assert [(b.account, b.account_unknown) for b in found] == [("jsmith", False), ("ghost", True)]
