"""One snapshot per query: the schema extension that gives each operation its own state.

Every operation gets an `Operation` (graphql/context.py) of its own: its DataLoaders and OPA scope,
and — for a query — one REPEATABLE READ transaction that all its reads share (opened at the first
read, closed here when the operation ends, errors included). Mutations and subscriptions read in
short sessions of their own (a mutation's answer must see its own committed write, and a
subscription lives far longer than a snapshot should). Per operation, not per context: a
WebSocket's one context runs several operations, some at once.
"""

import contextlib
from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from case_service.graphql.context import CURRENT_OPERATION, GraphQLContext, Operation


class SnapshotReads(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        if not isinstance(execution.context, GraphQLContext):
            yield
            return
        operation = Operation(snapshot_reads=execution.operation_type is OperationType.QUERY)
        token = CURRENT_OPERATION.set(operation)
        try:
            yield
        finally:
            await operation.close()
            with contextlib.suppress(ValueError):  # ended in another context than it began: nothing to undo
                CURRENT_OPERATION.reset(token)
