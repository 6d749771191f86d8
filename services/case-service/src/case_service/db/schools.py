"""The schools' names: written from the settings (CASE_SERVICE_SCHOOL_NAMES) when the app starts."""

from collections.abc import Mapping

from sqlalchemy.dialects.postgresql import insert

from case_service.db.engine import SessionMaker
from case_service.db.workflow_models import School


async def record_school_names(sessions: SessionMaker, names: Mapping[str, str]) -> None:
    """Insert or rename each school; schools not named here keep what they have."""
    if not names:
        return
    statement = insert(School).values(
        [{"id": school, "name": name} for school, name in sorted(names.items())]
    )
    statement = statement.on_conflict_do_update(
        index_elements=[School.id], set_={"name": statement.excluded.name}
    )
    async with sessions() as session, session.begin():
        await session.execute(statement)
