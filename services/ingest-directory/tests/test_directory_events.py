"""Domain-controller security events in both JSON shapes."""

import json
from pathlib import Path

import pytest

from ingest_directory.ingest import ParsedBatch, parse
from invigilator.events.v1 import events_pb2

SAMPLES = Path(__file__).parent / "samples"


def _batch(format_name: str) -> ParsedBatch:
    return parse(format_name, (SAMPLES / f"directory.{format_name}.jsonl").read_bytes(), "elms-farm")


@pytest.fixture(params=["ecs", "nxlog"])
def events(request: pytest.FixtureRequest) -> dict[int, events_pb2.Event]:
    return {event.directory.windows_event_id: event for event in _batch(request.param).events}


def test_every_monitored_line_is_an_event_and_a_logon_is_not_for_this_service() -> None:
    for format_name in ("ecs", "nxlog"):
        batch = _batch(format_name)
        assert len(batch.events) == 11
        assert [reject.reason for reject in batch.rejects] == ["line 12: event id 4624 not monitored"]


def test_disabled_account_is_the_target_not_user_name(events: dict[int, events_pb2.Event]) -> None:
    disabled = events[4725]
    assert disabled.account == "jsmith"  # the leaver, although user.name is the admin
    assert disabled.directory.target_account == "jsmith"
    assert disabled.directory.subject_account == "ab-admin"


def test_account_lifecycle_events_name_the_affected_account(events: dict[int, events_pb2.Event]) -> None:
    assert events[4720].account == "new.teacher"
    assert events[4722].account == "new.teacher"
    assert (events[4723].account, events[4723].directory.subject_account) == ("jsmith", "jsmith")
    assert (events[4724].account, events[4724].directory.subject_account) == ("mpatel", "ab-admin")
    assert events[4738].account == "jsmith"
    locked = events[4740]
    assert (locked.account, locked.directory.subject_account) == ("mpatel", "")  # subject is the DC


def test_group_membership_keeps_group_and_sid_but_not_the_display_name(
    events: dict[int, events_pb2.Event],
) -> None:
    added = events[4728]
    assert added.directory.group == "Domain Admins"
    assert added.directory.target_account == "S-1-5-21-3623811015-3361044348-30300820-1107"
    assert added.directory.subject_account == "ab-admin"
    assert added.account == ""
    assert b"Jane Smith" not in added.SerializeToString()
    assert events[4732].directory.group == "Administrators"
    assert events[4756].directory.group == "All Staff"


def test_domain_policy_change_with_both_values_gives_a_policy(events: dict[int, events_pb2.Event]) -> None:
    policy = events[4739].directory.password_policy
    assert (policy.name, policy.min_length, policy.complexity_enabled, policy.fine_grained) == (
        "domain",
        6,
        False,
        False,
    )


def test_domain_policy_change_with_one_value_gives_no_policy() -> None:
    line = {
        "EventID": 4739,
        "EventTime": "2026-11-24 10:00:00",
        "Channel": "Security",
        "SubjectUserName": "ab-admin",
        "MinPasswordLength": "12",
        "PasswordProperties": "-",
    }
    event = parse("nxlog", json.dumps(line).encode(), "elms-farm").events[0]
    assert not event.directory.HasField("password_policy")
    assert event.directory.subject_account == "ab-admin"


def test_nxlog_local_time_in_summer_is_converted_to_utc() -> None:
    created = next(e for e in _batch("nxlog").events if e.directory.windows_event_id == 4720)
    assert created.occurred_at.ToJsonString() == "2026-09-01T07:00:00Z"


NO_TARGET = b'{"EventID": 4725, "EventTime": "2026-11-24 10:00:00", "Channel": "Security"}'
WRONG_LOG = b'{"EventID": 4725, "EventTime": "2026-11-24 10:00:00", "Channel": "System"}'
BAD_LENGTH = (
    b'{"EventID": 4739, "EventTime": "2026-11-24 10:00:00", "Channel": "Security", '
    b'"MinPasswordLength": "x", "PasswordProperties": "1"}'
)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (b"{}", "line 1: no EventID"),
        (NO_TARGET, "line 1: event 4725 has no"),
        (WRONG_LOG, "line 1: event id 4725 not from"),
        (BAD_LENGTH, "line 1: MinPasswordLength is not a number"),
    ],
)
def test_bad_lines_are_rejected(line: bytes, reason: str) -> None:
    batch = parse("nxlog", line, "elms-farm")
    assert not batch.events
    assert batch.rejects[0].reason.startswith(reason)
    assert batch.rejects[0].format == "directory.nxlog"
