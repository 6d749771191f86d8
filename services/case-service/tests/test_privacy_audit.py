"""The audit log on the real PostgreSQL: chained, serialised under concurrency, append-only in the
database, and tampering found by verify()."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from case_service.db.engine import make_engine, make_sessionmaker
from case_service.db.migrate import alembic_config
from case_service.db.privacy_models import AuditLog
from case_service.privacy import audit
from case_service.privacy.testing import DatabaseUnavailableError, throwaway_schema
from case_service.settings import DEV_DATABASE_URL

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    try:
        with throwaway_schema(os.environ.get("DATABASE_URL", DEV_DATABASE_URL)) as url:
            yield url
    except DatabaseUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def own_url() -> Iterator[str]:
    """A schema of its own, for the tests that break the chain on purpose."""
    try:
        with throwaway_schema(os.environ.get("DATABASE_URL", DEV_DATABASE_URL)) as url:
            yield url
    except DatabaseUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
async def own_engine(own_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(own_url)
    yield engine
    await engine.dispose()


def test_migrations_match_the_models(database_url: str) -> None:
    command.check(alembic_config(database_url))


def test_privacy_migration_goes_down_and_up_again(own_url: str) -> None:
    config = alembic_config(own_url)
    command.downgrade(config, "0002_workflow")
    engine = sa.create_engine(own_url)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            assert "audit_log" not in tables
            assert "cases" in tables
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert {
                "audit_log",
                "identity_reveals",
                "content_access",
                "spot_checks",
                "subject_access_requests",
            } <= set(sa.inspect(connection).get_table_names())
            triggers = connection.execute(
                sa.text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass ORDER BY tgname")
            ).scalars()
            assert list(triggers) == ["audit_log_no_truncate", "audit_log_no_update_delete"]
    finally:
        engine.dispose()


async def test_entries_chain_and_verify(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    case_id = uuid.uuid4()
    async with sessions() as session, session.begin():
        before = await audit.head(session)
        first = await audit.record(
            session,
            actor="u-hr",
            action="identity.reveal.request",
            school_id="st-peters",
            case_id=case_id,
            staff_id="staff-0123456789",
            details={"reason": "hearing", "n": 2, "tags": ["a", None]},
            decision_id="d-1",
        )
        second = await audit.record(session, actor="system:retention", action="retention.purge")
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert first.prev_hash == (audit.GENESIS if before is None else before[1])
    assert first.hash == audit.row_hash(first) != second.hash
    async with sessions() as session:
        row = await session.get(AuditLog, first.seq)
        assert row is not None
        assert audit.entry_of(row) == first  # read back, the row hashes to the same value
        assert await audit.verify(session) is None
        assert await audit.head(session) == (second.seq, second.hash)


async def test_details_refuse_values_jsonb_would_change(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        with pytest.raises(TypeError, match="float"):
            await audit.record(session, actor="u", action="x", details={"ratio": 0.5})
        with pytest.raises(TypeError, match="datetime"):
            await audit.record(session, actor="u", action="x", details={"at": datetime.now(UTC)})
        with pytest.raises(ValueError, match="actor"):
            await audit.record(session, actor="", action="x")


async def test_concurrent_appends_never_fork(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)

    async def append(i: int) -> audit.AuditEntry:
        async with sessions() as session, session.begin():
            entry = await audit.record(session, actor=f"u-{i}", action="evidence.read")
            await asyncio.sleep(0.01)  # hold the head a moment: others must wait, not chain on it
            return entry

    entries = await asyncio.gather(*(append(i) for i in range(12)))
    seqs = sorted(e.seq for e in entries)
    assert seqs == list(range(seqs[0], seqs[0] + 12))
    assert len({e.prev_hash for e in entries}) == 12  # each on its own predecessor
    async with sessions() as session:
        assert await audit.verify(session) is None


async def test_the_database_refuses_update_delete_and_truncate(engine: AsyncEngine) -> None:
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        entry = await audit.record(session, actor="u-1", action="audit.read")
    for statement in (
        f"UPDATE audit_log SET actor = 'someone-else' WHERE seq = {entry.seq}",
        f"DELETE FROM audit_log WHERE seq = {entry.seq}",
        "TRUNCATE audit_log",
    ):
        async with sessions() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                async with session.begin():
                    await session.execute(sa.text(statement))
    async with sessions() as session:
        row = await session.get(AuditLog, entry.seq)
        assert row is not None
        assert row.actor == "u-1"


async def _tamper(engine: AsyncEngine, statement: str) -> None:
    """What the table's owner can still do: switch the trigger off, change a row, switch it back."""
    async with engine.begin() as connection:
        await connection.execute(sa.text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
        await connection.execute(sa.text(statement))
        await connection.execute(sa.text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete"))


async def test_verify_finds_the_first_modified_row(own_engine: AsyncEngine) -> None:
    engine = own_engine
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        entries = [await audit.record(session, actor="u-dpo", action="audit.read") for _ in range(3)]
    async with sessions() as session:
        assert await audit.verify(session) is None
    middle = entries[1].seq
    await _tamper(engine, f'UPDATE audit_log SET details = \'{{"note": "nothing"}}\' WHERE seq = {middle}')
    async with sessions() as session:
        assert await audit.verify(session) == middle
    # Re-hashing the altered row does not help: the next row no longer links to it.
    async with sessions() as session:
        row = await session.get(AuditLog, middle)
        assert row is not None
        forged = audit.row_hash(row)
    await _tamper(engine, f"UPDATE audit_log SET hash = '{forged}' WHERE seq = {middle}")
    async with sessions() as session:
        assert await audit.verify(session) == middle + 1


async def test_verify_finds_a_removed_or_inserted_row(own_engine: AsyncEngine) -> None:
    engine = own_engine
    sessions = make_sessionmaker(engine)
    async with sessions() as session, session.begin():
        entries = [await audit.record(session, actor="u-dpo", action="sar.export") for _ in range(4)]
    assert [e.seq for e in entries] == [1, 2, 3, 4]
    await _tamper(engine, "DELETE FROM audit_log WHERE seq = 3")
    async with sessions() as session:
        assert await audit.verify(session) == 3
    # A forged row 3 put back, hashed and linked to row 2, is valid alone; row 4 no longer links to it.
    forged = audit.AuditEntry(**{**entries[2].__dict__, "actor": "u-someone-else", "hash": ""})
    values = {**forged.__dict__, "hash": audit.row_hash(forged)}
    async with engine.begin() as connection:
        await connection.execute(sa.insert(AuditLog).values(**values))
    async with sessions() as session:
        assert await audit.verify(session) == 4
