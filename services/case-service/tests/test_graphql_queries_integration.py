"""No N+1: a page of cases with their breaches and schools costs the same few SQL queries whatever
its size (DataLoaders), counted on the real PostgreSQL with SQLAlchemy's cursor events."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

pytestmark = pytest.mark.integration

PAGE = """query($first: Int!) { cases(first: $first) { nodes {
  id clause severity staff school { id name } breaches { breachId reason occurredAt }
  allowedCommands { mutation } overdue { key } } } }"""


@contextmanager
def counting() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


async def test_listing_cases_with_breaches_and_schools_is_a_constant_number_of_queries(
    api: Any, make_breach: Any
) -> None:
    for n in range(60):
        school = "elms-farm" if n % 2 else "st-peters"
        for k in range(2):  # two breaches of one person and clause: one case
            await api.seed(make_breach, breach_id=f"b-{n}-{k}", school_id=school, account=f"user{n}")
    token = api.token("u-hr", ["hr"], ["elms-farm", "st-peters"])
    counts = {}
    for first in (5, 50):
        with counting() as statements:
            body = await api.gql(token, PAGE, {"first": first})
        assert "errors" not in body, body
        nodes = body["data"]["cases"]["nodes"]
        assert len(nodes) == first
        assert all(len(node["breaches"]) == 2 for node in nodes)
        assert {node["school"]["id"] for node in nodes} == {"elms-farm", "st-peters"}
        counts[first] = len([s for s in statements if s.lstrip().upper().startswith("SELECT")])
    assert counts[5] == counts[50] == 3  # cases, their breaches, their schools


async def test_a_breach_of_an_account_the_directory_did_not_know_is_flagged(
    api: Any, make_breach: Any
) -> None:
    await api.seed(make_breach, breach_id="b-known", school_id="elms-farm", account="known")
    await api.seed(
        make_breach, breach_id="b-unknown", school_id="elms-farm", account="svc-shared", account_unknown=True
    )
    token = api.token("u-hr", ["hr"], ["elms-farm"])
    body = await api.gql(token, "{ cases(first: 10) { nodes { breaches { breachId accountUnknown } } } }")
    assert "errors" not in body, body
    flags = {
        b["breachId"]: b["accountUnknown"] for n in body["data"]["cases"]["nodes"] for b in n["breaches"]
    }
    assert flags == {"b-known": False, "b-unknown": True}


async def test_a_school_shows_its_configured_name(api: Any, make_breach: Any) -> None:
    """The app wrote the settings' names (dev: config/trust.yaml's) to `schools` when it started;
    the ingest's first sight of a school keeps the name."""
    await api.seed(make_breach, breach_id="b-ef", school_id="elms-farm")
    token = api.token("u-hr", ["hr"], ["elms-farm"])
    body = await api.gql(token, "{ cases(first: 5) { nodes { school { id name } } } }")
    assert "errors" not in body, body
    assert [n["school"] for n in body["data"]["cases"]["nodes"]] == [
        {"id": "elms-farm", "name": "Elms Farm Primary"}
    ]


async def test_a_school_without_a_name_shows_its_id(api: Any, make_breach: Any) -> None:
    await api.seed(make_breach, breach_id="b-sp", school_id="st-peters")
    async with api.sessions() as session, session.begin():
        await session.execute(sa.text("UPDATE schools SET name = NULL WHERE id = 'st-peters'"))
    token = api.token("u-hr", ["hr"], ["st-peters"])
    body = await api.gql(token, "{ cases(first: 5) { nodes { school { id name } } } }")
    assert "errors" not in body, body
    assert [n["school"] for n in body["data"]["cases"]["nodes"]] == [{"id": "st-peters", "name": "st-peters"}]
