"""DataLoaders: whatever a page of cases needs beside the cases is fetched in one query per kind.

Listing 50 cases with their breaches and schools is then three SQL queries (cases, breaches of all
50, schools of all 50), however many cases the page holds. Loaders live for one request
(`context.cache.loaders`), so nothing is served from another request's memory, and read through
`context.reading()`: in a query, the request's one REPEATABLE READ snapshot, the same the page of
cases was read in.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from strawberry.dataloader import DataLoader

from case_service.db import models
from case_service.db import workflow_models as wm
from case_service.graphql.context import GraphQLContext

Row = TypeVar("Row")
Reading = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def _grouped(
    sessions: Reading, model: type[Row], key: InstrumentedAttribute[Any], *order: Any
) -> Callable[[list[Any]], Any]:
    async def load(keys: list[Any]) -> Sequence[list[Row]]:
        async with sessions() as session:
            rows = (await session.scalars(select(model).where(key.in_(keys)).order_by(*order))).all()
        by_key: dict[Any, list[Row]] = defaultdict(list)
        for row in rows:
            by_key[getattr(row, key.key)].append(row)
        return [by_key.get(k, []) for k in keys]

    return load


def _schools(sessions: Reading) -> Callable[[list[str]], Any]:
    async def load(keys: list[str]) -> Sequence[wm.School | None]:
        async with sessions() as session:
            rows = (await session.scalars(select(wm.School).where(wm.School.id.in_(keys)))).all()
        by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    return load


def _cases(sessions: Reading) -> Callable[[list[uuid.UUID]], Any]:
    async def load(keys: list[uuid.UUID]) -> Sequence[models.Case | None]:
        async with sessions() as session:
            rows = (await session.scalars(select(models.Case).where(models.Case.id.in_(keys)))).all()
        by_id = {row.id: row for row in rows}
        return [by_id.get(k) for k in keys]

    return load


LOADERS: dict[str, Callable[[Reading], Callable[[list[Any]], Any]]] = {
    "case": _cases,
    "school": _schools,
    "breaches": lambda s: _grouped(s, models.Breach, models.Breach.case_id, models.Breach.occurred_at),
    "history": lambda s: _grouped(s, wm.CaseHistory, wm.CaseHistory.case_id, wm.CaseHistory.version),
    "events": lambda s: _grouped(s, wm.CaseEventRow, wm.CaseEventRow.case_id, wm.CaseEventRow.seq),
    "notes": lambda s: _grouped(s, wm.CaseNote, wm.CaseNote.case_id, wm.CaseNote.id),
    "evidence": lambda s: _grouped(s, wm.EvidenceLink, wm.EvidenceLink.case_id, wm.EvidenceLink.id),
    "decisions": lambda s: _grouped(s, wm.CaseDecision, wm.CaseDecision.case_id, wm.CaseDecision.id),
    "letters": lambda s: _grouped(s, wm.Letter, wm.Letter.case_id, wm.Letter.id),
}


def loader(context: GraphQLContext, name: str) -> DataLoader[Any, Any]:
    """The request's DataLoader called `name` (one of LOADERS), created on first use."""
    existing = context.cache.loaders.get(name)
    if existing is None:
        existing = DataLoader(load_fn=LOADERS[name](context.reading))
        context.cache.loaders[name] = existing
    return existing
