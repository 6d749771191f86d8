"""Shared test helpers: a factory for serialized `Breach` records as the policy engine writes them."""

import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp
from strawberry.utils.str_converters import to_camel_case

from case_service.app import create_app
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator
from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.db.migrate import upgrade_to_head
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.settings import DEV_DATABASE_URL, CaseServiceSettings
from case_service.workflow import COMMANDS_BY_NAME
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


# GraphQL on the real PostgreSQL and OPA ------------------------------------------------------
# A throw-away migrated schema per test session, a dev issuer with a fresh key (its JWKS given to
# the validator directly), the app in-process over ASGI, and a clock the test moves.

GQL_KEY = b"graphql-test-pseudonym-key"


@pytest.fixture(scope="session")
def gql_database_url() -> Iterator[str]:
    base = os.environ.get("DATABASE_URL", DEV_DATABASE_URL)
    engine = sa.create_engine(base)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL unreachable at {engine.url!r}: start it with `scripts/stack/postgres.sh start` "
            f"or point DATABASE_URL at a server ({exc.orig})",
            pytrace=False,
        )
    schema = f"case_graphql_test_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        upgrade_to_head(url)
        yield url
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def issuer() -> DevIssuer:
    return DevIssuer.generate()


class Clock:
    """The app's "now", moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Api:
    client: httpx.AsyncClient
    issuer: DevIssuer
    sessions: SessionMaker
    clock: Clock

    def token(self, subject: str, roles: list[str], schools: list[str]) -> str:
        return self.issuer.mint(subject, roles, schools)

    async def post(
        self, token: str | None, query: str, variables: dict[str, Any] | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.client.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def gql(self, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The response body of a request that must succeed at the HTTP level."""
        response = await self.post(token, query, variables)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def seed(self, make: BreachFactory, **overrides: Any) -> str:
        """Ingest one breach as the consumer does; the id of the case it opened or joined."""
        facts = parse_breach(make(**overrides).SerializeToString())
        staff = pseudonym(GQL_KEY, facts.school_id, facts.account)
        async with self.sessions() as session, session.begin():
            event = await store_breach(
                session, facts, staff, case_events_topic="case-events.v1", headers=[], now=self.clock.now
            )
        assert event is not None
        return event.case_id


@pytest.fixture
async def api(gql_database_url: str, issuer: DevIssuer) -> AsyncIterator[Api]:
    engine = sa.create_engine(gql_database_url)
    with engine.begin() as connection:  # each test starts from empty tables (the audit log stays)
        connection.execute(
            sa.text("TRUNCATE outbox, breaches, cases, staff_identity, staff, schools CASCADE")
        )
    engine.dispose()
    settings = CaseServiceSettings(
        environment="dev", database_url=gql_database_url, pseudonym_key=GQL_KEY.decode() * 2
    )
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    clock = Clock(datetime(2026, 3, 2, 9, tzinfo=UTC))  # Monday 2 March 2026
    app = create_app(settings, run_loops=False, validator=validator, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        seed_engine = make_engine(gql_database_url)
        async with httpx.AsyncClient(transport=transport, base_url="http://case-service") as client:
            yield Api(client, issuer, make_sessionmaker(seed_engine), clock)
        await seed_engine.dispose()


# Walking a case through its workflow over GraphQL -------------------------------------------


def _has_fields(kind: type) -> bool:
    return any(f.name != "actor" for f in fields(kind))


INPUT_TYPES = {to_camel_case(name): f"{kind.__name__}Input" for name, kind in COMMANDS_BY_NAME.items()}
NO_INPUT = {to_camel_case(kind.name) for kind in COMMANDS_BY_NAME.values() if not _has_fields(kind)}
RESULT = "case { version track stage status owner } events { kind actor } decisionId"


def mutation_text(mutation: str) -> str:
    if mutation in NO_INPUT:
        return f"mutation($id: ID!) {{ {mutation}(caseId: $id) {{ {RESULT} }} }}"
    return (
        f"mutation($id: ID!, $input: {INPUT_TYPES[mutation]}!) "
        f"{{ {mutation}(caseId: $id, input: $input) {{ {RESULT} }} }}"
    )


# A step: (actor, mutation, input or None, the time the clock reads) — the actor takes the mutation.
Step = tuple[str, str, dict[str, Any] | None, datetime]


@dataclass
class Walker:
    """One case, moved on by people whose tokens carry `roles_of(actor)` in `school`."""

    api: Api
    case_id: str
    school: str
    roles_of: Callable[[str], list[str]]

    async def send(self, step: Step) -> dict[str, Any]:
        actor, mutation, given, at = step
        self.api.clock.now = at
        token = self.api.token(actor, self.roles_of(actor), [self.school])
        variables: dict[str, Any] = {"id": self.case_id}
        if given is not None:
            variables["input"] = given
        return await self.api.gql(token, mutation_text(mutation), variables)

    async def do(self, *steps: Step) -> dict[str, Any]:
        """Take every step; each must succeed. The last one's result."""
        result: dict[str, Any] = {}
        for step in steps:
            body = await self.send(step)
            assert "errors" not in body, (step, body["errors"])
            result = body["data"][step[1]]
        return result

    async def refused(self, step: Step) -> dict[str, Any]:
        """The step must be refused by a guard; the error's extensions."""
        body = await self.send(step)
        assert body["data"] is None, body
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "GUARD_REFUSED", error
        assert error["message"], error
        return {"message": error["message"], **error["extensions"]}


def hr_roles(actor: str) -> list[str]:
    """Who is who in the tests: head-1 is the Headteacher, dsl-1 the DSL, everyone else HR."""
    return {"head-1": ["headteacher"], "dsl-1": ["dsl"]}.get(actor, ["hr"])


OpenCase = Callable[..., Awaitable[Walker]]


@pytest.fixture
def open_case(api: Api, make_breach: BreachFactory) -> OpenCase:
    """`await open_case(school=..., roles_of=..., **breach fields)`: a case opened on Monday 2 March
    2026 at 09:00 by ingesting a breach, and a Walker to move it on."""

    async def make(
        school: str = "elms-farm", roles_of: Callable[[str], list[str]] = hr_roles, **breach: Any
    ) -> Walker:
        api.clock.now = datetime(2026, 3, 2, 9, tzinfo=UTC)
        case_id = await api.seed(make_breach, school_id=school, **breach)
        return Walker(api, case_id, school, roles_of)

    return make
