from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from case_service.domain.breaches import InvalidBreachError, parse_breach
from invigilator.breaches.v1 import breaches_pb2

BreachFactory = Callable[..., breaches_pb2.Breach]  # the conftest fixture `make_breach`


def test_parses_a_breach(make_breach: BreachFactory) -> None:
    facts = parse_breach(make_breach().SerializeToString())
    assert facts.breach_id == "b-0001"
    assert facts.severity == "high"
    assert facts.owner == "hr"
    assert facts.occurred_at == datetime(2026, 3, 2, 10, 15, tzinfo=UTC)
    assert facts.evidence == {"host": "social.example"}
    assert facts.evidence_event_ids == ("e-1", "e-2")
    assert facts.account_unknown is False


def test_an_account_the_directory_did_not_know_is_flagged(make_breach: BreachFactory) -> None:
    assert parse_breach(make_breach(account_unknown=True).SerializeToString()).account_unknown is True


@pytest.mark.parametrize("raw", [b"", None, b"\xff\xff\xff\xff not protobuf"])
def test_undecodable_records_are_invalid(raw: bytes | None) -> None:
    with pytest.raises(InvalidBreachError):
        parse_breach(raw)


def test_missing_identity_fields_are_named(make_breach: BreachFactory) -> None:
    raw = make_breach(breach_id="", account="").SerializeToString()
    with pytest.raises(InvalidBreachError, match="breach_id, account"):
        parse_breach(raw)


def test_unspecified_severity_is_invalid(make_breach: BreachFactory) -> None:
    with pytest.raises(InvalidBreachError, match="severity"):
        parse_breach(make_breach(severity=0).SerializeToString())
