"""The live breach feed over graphql-transport-ws, on the real PostgreSQL and OPA: a token in
`connection_init`, and only breaches within the subscriber's scope reach the socket — the scope as
it is when each breach arrives, and only while the token lasts."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from case_service.app import create_app
from case_service.auth.authorizer import Authorizer, Scope
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.subject import Subject
from case_service.auth.tokens import StaticKeys, TokenValidator
from case_service.db.engine import make_engine, make_sessionmaker
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.settings import CaseServiceSettings

pytestmark = pytest.mark.integration

PROTOCOL = "graphql-transport-ws"
FEED = "subscription { breaches { caseId schoolId kind clause severity owner breachCount } }"


def client_for(
    url: str, issuer: DevIssuer, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
) -> TestClient:
    settings = CaseServiceSettings(environment="dev", database_url=url, pseudonym_key="k" * 40)
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    return TestClient(create_app(settings, run_loops=False, validator=validator, clock=clock))


def ingest(url: str, make_breach: Any, **overrides: Any) -> None:
    async def run() -> None:
        engine = make_engine(url)
        facts = parse_breach(make_breach(**overrides).SerializeToString())
        staff = pseudonym(b"k", facts.school_id, facts.account)
        async with make_sessionmaker(engine)() as session, session.begin():
            await store_breach(
                session, facts, staff, case_events_topic="case-events.v1", headers=[], now=datetime.now(UTC)
            )
        await engine.dispose()

    asyncio.run(run())


def test_feed_carries_only_breaches_within_the_scope(
    gql_database_url: str, issuer: DevIssuer, make_breach: Any
) -> None:
    with sa.create_engine(gql_database_url).begin() as connection:
        connection.execute(
            sa.text("TRUNCATE outbox, breaches, cases, staff_identity, staff, schools CASCADE")
        )
    token = issuer.mint("u-hr", ["hr"], ["elms-farm"])
    with (
        client_for(gql_database_url, issuer) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
        assert ws.receive_json()["type"] == "connection_ack"
        ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": FEED}})
        # another school's breach first, then one of the subscriber's school: only that one arrives
        ingest(gql_database_url, make_breach, breach_id="b-other", school_id="st-peters", account="p1")
        ingest(gql_database_url, make_breach, breach_id="b-mine", school_id="elms-farm", account="a1")
        message = ws.receive_json()
        assert message["type"] == "next", message
        item = message["payload"]["data"]["breaches"]
        assert (item["schoolId"], item["kind"], item["clause"], item["owner"]) == (
            "elms-farm",
            "opened",
            "NET-SOCIAL",
            "hr",
        )
        ingest(gql_database_url, make_breach, breach_id="b-mine-2", school_id="elms-farm", account="a1")
        again = ws.receive_json()["payload"]["data"]["breaches"]
        assert (again["caseId"], again["kind"], again["breachCount"]) == (item["caseId"], "breach_added", 2)
        ws.send_json({"id": "1", "type": "complete"})


def test_feed_without_a_valid_token_is_rejected(gql_database_url: str, issuer: DevIssuer) -> None:
    with (
        client_for(gql_database_url, issuer) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        ws.send_json({"type": "connection_init", "payload": {}})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
        assert closed.value.code == 4403


def empty_tables(url: str) -> None:
    with sa.create_engine(url).begin() as connection:
        connection.execute(
            sa.text("TRUNCATE outbox, breaches, cases, staff_identity, staff, schools CASCADE")
        )


def subscribed(ws: Any, token: str) -> None:
    ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    assert ws.receive_json()["type"] == "connection_ack"
    ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": FEED}})


def test_the_scope_is_asked_again_for_each_breach(
    gql_database_url: str, issuer: DevIssuer, make_breach: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_tables(gql_database_url)
    token = issuer.mint("u-hr", ["hr"], ["elms-farm"])
    with (
        client_for(gql_database_url, issuer) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        subscribed(ws, token)
        ingest(gql_database_url, make_breach, breach_id="b-1", school_id="elms-farm", account="a1")
        assert ws.receive_json()["payload"]["data"]["breaches"]["schoolId"] == "elms-farm"

        # The policy now gives this person St Peter's HR cases instead of Elms Farm's (as when an
        # assignment moves): the running subscription follows at once.
        async def moved(_self: Authorizer, _subject: Subject) -> Scope:
            return Scope(
                roles=frozenset({"hr"}),
                visible_schools=frozenset({"st-peters"}),
                cases_by_school={"st-peters": frozenset({"hr"})},
                handles_by_school={"st-peters": frozenset({"hr"})},
                identity_schools=frozenset(),
                approval_schools=frozenset(),
                audit_schools=frozenset(),
            )

        monkeypatch.setattr(Authorizer, "scope", moved)
        ingest(gql_database_url, make_breach, breach_id="b-2", school_id="elms-farm", account="a1")
        ingest(gql_database_url, make_breach, breach_id="b-3", school_id="st-peters", account="p1")
        item = ws.receive_json()["payload"]["data"]["breaches"]  # b-2 was filtered out
        assert (item["schoolId"], item["kind"]) == ("st-peters", "opened")
        ws.send_json({"id": "1", "type": "complete"})


def test_the_feed_ends_when_the_token_expires(
    gql_database_url: str, issuer: DevIssuer, make_breach: Any
) -> None:
    empty_tables(gql_database_url)
    now = datetime.now(UTC)
    clock = [now]
    token = issuer.mint("u-hr", ["hr"], ["elms-farm"], ttl_s=600)
    with (
        client_for(gql_database_url, issuer, lambda: clock[0]) as client,
        client.websocket_connect("/graphql", subprotocols=[PROTOCOL]) as ws,
    ):
        subscribed(ws, token)
        ingest(gql_database_url, make_breach, breach_id="b-1", school_id="elms-farm", account="a1")
        assert ws.receive_json()["type"] == "next"
        clock[0] = now + timedelta(seconds=631)  # past exp and the 30 s leeway: the next poll ends the feed
        message = ws.receive_json()
        assert message["id"] == "1", message
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["UNAUTHENTICATED"], message
        ingest(gql_database_url, make_breach, breach_id="b-2", school_id="elms-farm", account="a1")
        nothing_more = ws.receive_json()
        assert nothing_more["type"] == "complete", nothing_more
