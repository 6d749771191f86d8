"""One snapshot per query: a case's `breachCount` and its `breaches` always agree, on PostgreSQL.

The page of cases and the DataLoaders' breaches are separate SELECTs; without one REPEATABLE READ
transaction per request, a breach committed between them shows up in the list beside the older
count. The first test commits one exactly there (from a cursor event, through another
connection); the second runs a writer beside a reader and checks every response.
"""

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

pytestmark = pytest.mark.integration

PAGE = "{ cases(first: 50) { nodes { id breachCount breaches { breachId } } } }"

ADD_BREACH = sa.text(
    """
    INSERT INTO breaches (breach_id, clause, title, severity, owner, gross_misconduct, kind, school_id,
        staff_id, policy_ref, reason, evidence, evidence_event_ids, occurred_at, detected_at, decision_id,
        policy_revision, case_id)
    SELECT :breach_id, clause, title, severity, owner, gross_misconduct, kind, school_id, staff_id,
        policy_ref, reason, evidence, evidence_event_ids, occurred_at + interval '1 minute', detected_at,
        decision_id, policy_revision, case_id
    FROM breaches WHERE case_id = CAST(:case_id AS uuid) LIMIT 1;
    UPDATE cases SET breach_count = breach_count + 1 WHERE id = CAST(:case_id AS uuid);
    """
)


@contextmanager
def writer_after_cases_select(url: str, case_id: str) -> Iterator[list[str]]:
    """After the first SELECT of the cases table, another connection commits one more breach of
    `case_id` (as the ingest would: the breach and the case's count in one transaction)."""
    writer = sa.create_engine(url)
    added: list[str] = []

    def after(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if added or "FROM cases" not in statement or not statement.lstrip().upper().startswith("SELECT"):
            return
        added.append("b-injected")
        with writer.begin() as connection:
            for part in str(ADD_BREACH).split(";")[:2]:
                connection.execute(sa.text(part), {"breach_id": "b-injected", "case_id": case_id})

    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield added
    finally:
        event.remove(Engine, "after_cursor_execute", after)
        writer.dispose()


def agree(body: dict[str, Any]) -> list[int]:
    assert "errors" not in body, body
    nodes = body["data"]["cases"]["nodes"]
    for node in nodes:
        assert node["breachCount"] == len(node["breaches"]), node
    return [node["breachCount"] for node in nodes]


async def test_a_breach_committed_between_the_cases_and_their_breaches_is_not_half_visible(
    api: Any, make_breach: Any, gql_database_url: str
) -> None:
    case_id = await api.seed(make_breach, breach_id="b-1", school_id="elms-farm")
    token = api.token("u-hr", ["hr"], ["elms-farm"])
    with writer_after_cases_select(gql_database_url, case_id) as added:
        body = await api.gql(token, PAGE)
    assert added == ["b-injected"]  # the writer did commit between the two reads
    assert agree(body) == [1]  # the request's snapshot predates it: count and list both say 1
    assert agree(await api.gql(token, PAGE)) == [2]  # the next request sees both


async def test_count_and_list_agree_in_every_response_while_breaches_arrive(
    api: Any, make_breach: Any
) -> None:
    await api.seed(make_breach, breach_id="b-0", school_id="elms-farm")
    token = api.token("u-hr", ["hr"], ["elms-farm"])
    done = asyncio.Event()

    async def write() -> None:
        try:
            for n in range(1, 31):
                await api.seed(make_breach, breach_id=f"b-{n}", school_id="elms-farm")
                await asyncio.sleep(0)
        finally:
            done.set()

    writer = asyncio.create_task(write())
    seen: list[int] = []
    for _ in range(200):  # bounded: the writer finishes long before
        seen.extend(agree(await api.gql(token, PAGE)))
        if done.is_set():
            break
    await writer
    assert agree(await api.gql(token, PAGE)) == [31]
    assert seen == sorted(seen)  # counts only grow, request after request
