"""Shared test helpers: a factory for serialized `Breach` records as the policy engine writes them."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from invigilator.breaches.v1 import breaches_pb2

BreachFactory = Callable[..., breaches_pb2.Breach]


def _ts(value: datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


@pytest.fixture
def make_breach() -> BreachFactory:
    def factory(**overrides: Any) -> breaches_pb2.Breach:
        fields: dict[str, Any] = {
            "breach_id": "b-0001",
            "clause": "NET-SOCIAL",
            "title": "Social networking site",
            "severity": breaches_pb2.SEVERITY_HIGH,
            "owner": breaches_pb2.OWNER_HR,
            "gross_misconduct": True,
            "kind": "A",
            "school_id": "st-peters",
            "account": "jsmith",
            "policy_ref": "Systems Use and Data Security ¶6",
            "reason": "proxy.host in category social",
            "evidence_event_ids": ["e-1", "e-2"],
            "evidence": {"host": "social.example"},
            "occurred_at": _ts(datetime(2026, 3, 2, 10, 15, tzinfo=UTC)),
            "detected_at": _ts(datetime(2026, 3, 2, 10, 16, tzinfo=UTC)),
            "decision_id": "d-42",
            "policy_revision": "rev-1",
        }
        fields.update(overrides)
        return breaches_pb2.Breach(**fields)

    return factory
