"""Running the alerter's Alembic migrations from code (its own version table)."""

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version_alerter"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    """Blocking: call it before the event loop starts, or through `asyncio.to_thread`."""
    command.upgrade(alembic_config(database_url), "head")


def check(database_url: str) -> None:
    """Raises when the models and the migrations disagree (alembic check)."""
    command.check(alembic_config(database_url))
