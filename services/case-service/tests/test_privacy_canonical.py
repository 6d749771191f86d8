"""The audit row's canonical encoding (pure): the same row gives the same hash whatever the time zone
or key order it is read back with, and any change to any field changes the hash."""

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from case_service.privacy.audit import GENESIS, AuditEntry, canonical, row_hash

AT = datetime(2026, 3, 2, 10, 15, 30, 123456, tzinfo=UTC)


def entry(**changes: Any) -> AuditEntry:
    fields: dict[str, Any] = {
        "seq": 7,
        "at": AT,
        "actor": "u-hr",
        "action": "identity.read",
        "school_id": "st-peters",
        "case_id": uuid.UUID("00000000-0000-0000-0000-000000000001"),
        "staff_id": "staff-0123456789",
        "details": {"reveal_id": "r-1", "n": 2, "list": [1, "a", None, True]},
        "decision_id": "d-1",
        "prev_hash": GENESIS,
        "hash": "",
    }
    fields.update(changes)
    return AuditEntry(**fields)


def test_same_instant_and_same_details_in_another_order_hash_alike() -> None:
    london_summer = timezone(timedelta(hours=1))
    reordered = {"list": [1, "a", None, True], "n": 2, "reveal_id": "r-1"}
    assert row_hash(entry(at=AT.astimezone(london_summer), details=reordered)) == row_hash(entry())
    assert canonical(**{k: v for k, v in entry().__dict__.items() if k != "hash"}).startswith(
        b'["audit-v1",7,'
    )


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 8},
        {"at": AT + timedelta(microseconds=1)},
        {"actor": "u-hr2"},
        {"action": "identity.reveal.request"},
        {"school_id": "elms-farm"},
        {"school_id": None},
        {"case_id": None},
        {"staff_id": "staff-9999999999"},
        {"details": {"reveal_id": "r-2", "n": 2, "list": [1, "a", None, True]}},
        {"details": {"reveal_id": "r-1", "n": "2", "list": [1, "a", None, True]}},
        {"decision_id": None},
        {"prev_hash": "f" * 64},
    ],
)
def test_any_change_changes_the_hash(change: dict[str, Any]) -> None:
    assert row_hash(entry(**change)) != row_hash(entry())


def test_the_hash_field_itself_is_not_hashed() -> None:
    assert row_hash(entry(hash="anything")) == row_hash(entry())
    assert len(row_hash(entry())) == 64
