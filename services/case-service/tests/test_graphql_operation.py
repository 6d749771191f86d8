"""Each GraphQL operation keeps its own snapshot and memo, also when one context serves several at
once (a WebSocket): pure code, with stand-in sessions."""

import asyncio
from typing import Any

from case_service.graphql.context import CURRENT_OPERATION, GraphQLContext, Operation


class StandInSession:
    def __init__(self) -> None:
        self.options: dict[str, Any] = {}
        self.closed = False

    async def connection(self, execution_options: dict[str, Any]) -> None:
        self.options = execution_options

    async def close(self) -> None:
        self.closed = True

    async def __aenter__(self) -> "StandInSession":
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


async def test_a_query_and_a_mutation_on_one_context_do_not_share_reads_or_memo() -> None:
    made: list[StandInSession] = []

    def sessions() -> StandInSession:
        made.append(StandInSession())
        return made[-1]

    context = GraphQLContext(sessions, None, authorizer=None)  # type: ignore[arg-type]
    query_reading = asyncio.Event()

    async def operation(snapshot_reads: bool, reads: int) -> tuple[list[Any], Operation]:
        op = Operation(snapshot_reads=snapshot_reads)
        CURRENT_OPERATION.set(op)  # this task's own context, as the extension sets it
        seen = []
        for _ in range(reads):
            async with context.reading() as session:
                seen.append(session)
            query_reading.set()
            await asyncio.sleep(0)
        context.cache.values["who"] = "query" if snapshot_reads else "mutation"
        return seen, op

    query = asyncio.create_task(operation(True, 3))
    await query_reading.wait()  # the mutation runs while the query holds its snapshot
    mutation_reads, mutation = await asyncio.create_task(operation(False, 2))
    query_reads, query_op = await query

    assert len(set(map(id, query_reads))) == 1  # one snapshot for all the query's reads
    assert query_reads[0].options == {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    assert len(set(map(id, mutation_reads))) == 2  # the mutation: short sessions of its own
    assert not {id(s) for s in mutation_reads} & {id(query_reads[0])}
    assert all(s.closed for s in mutation_reads)
    assert not query_reads[0].closed
    assert (query_op.cache.values["who"], mutation.cache.values["who"]) == ("query", "mutation")
    await query_op.close()
    assert query_reads[0].closed
    assert context.cache.values == {}  # outside any operation: the context's own memo, untouched
