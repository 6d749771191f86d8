"""The live breach feed over graphql-transport-ws, on the real PostgreSQL and OPA: a token in
`connection_init`, and only breaches within the subscriber's scope reach the socket."""

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from case_service.app import create_app
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator
from case_service.db.engine import make_engine, make_sessionmaker
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.settings import CaseServiceSettings

pytestmark = pytest.mark.integration

PROTOCOL = "graphql-transport-ws"
FEED = "subscription { breaches { caseId schoolId kind clause severity owner breachCount } }"


def client_for(url: str, issuer: DevIssuer) -> TestClient:
    settings = CaseServiceSettings(environment="dev", database_url=url, pseudonym_key="k" * 40)
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    return TestClient(create_app(settings, run_loops=False, validator=validator))


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
