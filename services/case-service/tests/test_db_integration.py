"""Against the real PostgreSQL of the local stack (DATABASE_URL, default the dev URL).

Each run migrates a throw-away schema and drops it afterwards, so the dev database keeps its data.
An unreachable database fails the test with a clear message: it is never silently skipped.
"""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncEngine

from case_service.app import create_app
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator
from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.db.migrate import alembic_config, upgrade_to_head
from case_service.db.models import Breach, Case, Outbox, StaffIdentity
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.outbox import publish_pending
from case_service.settings import DEV_DATABASE_URL, CaseServiceSettings
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

pytestmark = pytest.mark.integration

BreachFactory = Callable[..., breaches_pb2.Breach]  # the conftest fixture `make_breach`
KEY = b"integration-test-key"
TOPIC = "case-events.v1"
TRACE = [("traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
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
    schema = f"case_service_test_{uuid.uuid4().hex[:8]}"
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


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    async with engine.begin() as connection:  # each test starts from empty tables
        await connection.execute(
            sa.text("TRUNCATE outbox, breaches, cases, staff_identity, staff, schools CASCADE")
        )
    yield engine
    await engine.dispose()


async def store(sessions: SessionMaker, breach: breaches_pb2.Breach) -> cases_pb2.CaseEvent | None:
    facts = parse_breach(breach.SerializeToString())
    staff = pseudonym(KEY, facts.school_id, facts.account)
    async with sessions() as session, session.begin():
        return await store_breach(
            session, facts, staff, case_events_topic=TOPIC, headers=TRACE, now=datetime.now(UTC)
        )


async def count(sessions: SessionMaker, model: Any) -> int:
    async with sessions() as session:
        return int((await session.execute(sa.select(sa.func.count()).select_from(model))).scalar_one())


def test_migrations_match_the_models(database_url: str) -> None:
    command.check(alembic_config(database_url))  # raises when autogenerate would find a difference


async def test_duplicate_breach_changes_nothing(engine: AsyncEngine, make_breach: BreachFactory) -> None:
    sessions = make_sessionmaker(engine)
    first = await store(sessions, make_breach())
    assert first is not None
    assert first.type == cases_pb2.CASE_EVENT_TYPE_OPENED
    assert await store(sessions, make_breach()) is None
    assert [await count(sessions, m) for m in (Breach, Case, Outbox)] == [1, 1, 1]
    async with sessions() as session:
        row = (await session.scalars(sa.select(Outbox))).one()
        assert row.topic == TOPIC
        assert row.key == "st-peters"
        assert row.published_at is None
        assert row.headers == [["traceparent", TRACE[0][1].decode()]]
        assert cases_pb2.CaseEvent.FromString(row.payload) == first
        identity = (await session.scalars(sa.select(StaffIdentity))).one()
        assert identity.account == "jsmith"
        assert identity.staff_id == pseudonym(KEY, "st-peters", "jsmith")


async def test_same_person_and_clause_joins_the_case(engine: AsyncEngine, make_breach: BreachFactory) -> None:
    sessions = make_sessionmaker(engine)
    opened = await store(sessions, make_breach())
    added = await store(sessions, make_breach(breach_id="b-0002", severity=breaches_pb2.SEVERITY_CRITICAL))
    other = await store(sessions, make_breach(breach_id="b-0003", clause="NET-GAMBLING"))
    assert opened is not None
    assert added is not None
    assert other is not None
    assert added.type == cases_pb2.CASE_EVENT_TYPE_BREACH_ADDED
    assert added.case_id == opened.case_id != other.case_id
    assert added.breach_count == 2
    assert added.severity == breaches_pb2.SEVERITY_CRITICAL
    assert [await count(sessions, m) for m in (Breach, Case, Outbox)] == [3, 2, 3]
    async with sessions() as session:
        case = await session.get(Case, uuid.UUID(opened.case_id))
        assert case is not None
        assert (case.severity, case.breach_count) == ("critical", 2)
        case_ids = (await session.scalars(sa.select(Breach.case_id).order_by(Breach.breach_id))).all()
        assert [str(c) for c in case_ids] == [opened.case_id, opened.case_id, other.case_id]
        events = (await session.scalars(sa.select(Outbox.payload).order_by(Outbox.id))).all()
        kinds = [cases_pb2.CaseEvent.FromString(p).type for p in events]
        assert kinds == [
            cases_pb2.CASE_EVENT_TYPE_OPENED,
            cases_pb2.CASE_EVENT_TYPE_BREACH_ADDED,
            cases_pb2.CASE_EVENT_TYPE_OPENED,
        ]


class AckingProducer:
    """Stands in for confluent-kafka's Producer: acknowledges every record (produce_sync's contract)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | str, bytes, list[tuple[str, bytes]]]] = []

    def produce(self, topic: str, *, value: bytes, key: bytes | str, headers: Any, on_delivery: Any) -> None:
        self.sent.append((topic, key, value, headers))
        on_delivery(None, None)

    def poll(self, _timeout: float) -> int:
        return 0

    def flush(self, _timeout: float) -> int:
        return 0


async def test_outbox_marks_rows_published_after_ack(engine: AsyncEngine, make_breach: BreachFactory) -> None:
    sessions = make_sessionmaker(engine)
    await store(sessions, make_breach())
    await store(sessions, make_breach(breach_id="b-0002"))
    producer = AckingProducer()
    assert await publish_pending(sessions, producer, limit=10) == 2  # type: ignore[arg-type]
    assert await publish_pending(sessions, producer, limit=10) == 0  # type: ignore[arg-type]
    assert [(topic, key) for topic, key, _, _ in producer.sent] == [(TOPIC, "st-peters")] * 2
    sent_trace = dict(producer.sent[0][3])["traceparent"].decode()
    assert sent_trace.split("-")[1] == "0af7651916cd43dd8448eb211c80319c"  # the stored trace continues
    async with sessions() as session:
        unpublished = await session.scalars(sa.select(Outbox).where(Outbox.published_at.is_(None)))
        assert unpublished.all() == []


async def test_graphql_serves_cases_with_pseudonyms_only(
    database_url: str, engine: AsyncEngine, make_breach: BreachFactory
) -> None:
    sessions = make_sessionmaker(engine)
    await store(sessions, make_breach())
    await store(sessions, make_breach(breach_id="b-0002"))
    await store(sessions, make_breach(breach_id="b-0003", school_id="elms-farm"))
    settings = CaseServiceSettings(environment="dev", database_url=database_url)
    issuer = DevIssuer.generate()
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    app = create_app(settings, run_loops=False, validator=validator)
    query = """{ cases(where: {schoolId: "st-peters"}) { nodes {
        id schoolId staff clause title severity owner status openedAt breachCount track stage
        breaches { breachId clause reason occurredAt policyRef decisionId } } } }"""
    # a trust-wide HR token: the school filter, not the scope, keeps elms-farm's case out
    token = issuer.mint("u-hr", ["hr"], ["st-peters", "elms-farm"])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        response = await client.post(
            "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
        )
        assert (await client.get("/readyz")).status_code == 200
    assert response.status_code == 200, response.text
    cases = response.json()["data"]["cases"]["nodes"]
    assert len(cases) == 1
    case = cases[0]
    assert case["staff"] == pseudonym(KEY, "st-peters", "jsmith")
    assert (case["severity"], case["owner"], case["status"], case["breachCount"]) == ("high", "hr", "open", 2)
    assert [b["breachId"] for b in case["breaches"]] == ["b-0001", "b-0002"]
    assert (case["track"], case["stage"]) == ("triage", "new")  # the ingest started the workflow
    assert "jsmith" not in response.text
