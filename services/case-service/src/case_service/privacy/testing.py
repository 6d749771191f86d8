"""Helpers of the privacy integration tests (never used at run time): a throw-away migrated schema.

Same approach as tests/test_db_integration.py: a fresh schema on the server at DATABASE_URL, reached
through `search_path`, migrated to head, dropped afterwards. An unreachable server fails loudly.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import quote

import sqlalchemy as sa

from case_service.db.engine import SessionMaker
from case_service.db.migrate import upgrade_to_head
from case_service.db.models import Breach
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from invigilator.breaches.v1 import breaches_pb2


class DatabaseUnavailableError(RuntimeError):
    pass


@contextmanager
def throwaway_schema(base_url: str, prefix: str = "case_privacy_test") -> Iterator[str]:
    """Yields a database URL whose search_path is a new, migrated schema."""
    engine = sa.create_engine(base_url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise DatabaseUnavailableError(
            f"PostgreSQL unreachable at {engine.url!r}: start it with `scripts/stack/postgres.sh start` "
            f"or point DATABASE_URL at a server ({exc.orig})"
        ) from exc
    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base_url else "?"
    url = f"{base_url}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        upgrade_to_head(url)
        yield url
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


async def store_test_breach(sessions: SessionMaker, breach: breaches_pb2.Breach, key: bytes) -> uuid.UUID:
    """Ingests one breach the way the consumer does; the id of the case it joined or opened."""
    facts = parse_breach(breach.SerializeToString())
    staff = pseudonym(key, facts.school_id, facts.account)
    async with sessions() as session, session.begin():
        await store_breach(
            session, facts, staff, case_events_topic="case-events.v1", headers=[], now=datetime.now(UTC)
        )
        case_id = await session.scalar(sa.select(Breach.case_id).where(Breach.breach_id == facts.breach_id))
    assert case_id is not None
    return case_id
