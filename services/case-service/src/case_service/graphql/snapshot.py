"""One snapshot per query: the schema extension that scopes `GraphQLContext.reading()`.

For a query operation the context's reads share one REPEATABLE READ transaction (opened at the
first read, closed here when the operation ends, errors included); mutations and subscriptions
read in short sessions of their own (a mutation's answer must see its own committed write, and a
subscription lives far longer than a snapshot should).
"""

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from case_service.graphql.context import GraphQLContext


class SnapshotReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        snapshot = isinstance(context, GraphQLContext) and execution.operation_type is OperationType.QUERY
        if not snapshot:
            yield
            return
        assert isinstance(context, GraphQLContext)
        context.begin_snapshot_reads()
        try:
            yield
        finally:
            await context.end_snapshot_reads()
