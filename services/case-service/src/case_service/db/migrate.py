"""Running the service's Alembic migrations from code, so starting the service needs no extra step."""

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """The migrations ship inside the package, so this works from a checkout and from a wheel."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = database_url
    return config


def upgrade_to_head(database_url: str) -> None:
    """Blocking: call it before the event loop starts, or through `asyncio.to_thread`."""
    command.upgrade(alembic_config(database_url), "head")
