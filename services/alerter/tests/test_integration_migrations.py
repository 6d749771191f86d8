"""The alerter's migrations: they match the models, go down and up again, and keep to their own
version table and `alerter_` tables (so they never meet the case-service's)."""

import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from alembic import command

from alerter.db.migrate import VERSION_TABLE, alembic_config, check, upgrade_to_head

pytestmark = pytest.mark.integration


def test_models_and_migrations_agree(database_url: str) -> None:
    check(database_url)  # raises when autogenerate would find a difference


def test_own_version_table_and_tables_down_and_up(database_url: str) -> None:
    base, _, _options = database_url.partition("?options=")
    schema = f"alerter_mig_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        # A table of another service's in the same schema, with the default version table.
        connection.execute(sa.text(f'CREATE TABLE "{schema}".alembic_version (version_num text)'))
        connection.execute(sa.text(f"INSERT INTO \"{schema}\".alembic_version VALUES ('0003')"))
    url = f"{base}?options={quote(f'-csearch_path={schema}')}"

    def tables() -> set[str]:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                {"s": schema},
            )
            return {row[0] for row in rows}

    try:
        upgrade_to_head(url)
        assert tables() == {
            "alembic_version",
            VERSION_TABLE,
            "alerter_alerts",
            "alerter_deliveries",
            "alerter_digest_lines",
            "alerter_repeat_counts",
            "alerter_case_events",
            "alerter_ack_audit",
        }
        with engine.connect() as connection:
            other = connection.execute(
                sa.text(f'SELECT version_num FROM "{schema}".alembic_version')
            ).scalar()
        assert other == "0003"  # the other service's revision is untouched
        command.downgrade(alembic_config(url), "base")
        assert tables() == {"alembic_version", VERSION_TABLE}
        upgrade_to_head(url)
        assert "alerter_deliveries" in tables()
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()
