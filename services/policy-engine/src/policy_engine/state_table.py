"""Correlation state in a faust table: one JSON value per record key (`school/shard`).

A take spans partitions, so the partition a key's state is written to cannot be faust's "current
event": it is set explicitly to the partition the key's records came from (`writing_to`), which
keeps each key's changelog co-partitioned with its source records — on a rebalance, the worker
that takes over a partition recovers exactly the state of that partition's keys.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import faust
import orjson

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import CorrelationState

_partition: ContextVar[int | None] = ContextVar("correlation_partition", default=None)


class PartitionedTable(faust.Table[bytes, bytes]):
    def partition_for_key(self, key: Any) -> int | None:
        partition = _partition.get()
        if partition is None:
            raise RuntimeError("correlation state written outside `writing_to(partition)`")
        return partition


class DirectoryTable(faust.GlobalTable):
    """Account profiles (policy_engine.directory), on every worker. A key always goes to the same
    changelog partition, chosen from the key itself, so compaction keeps its latest profile."""

    def partition_for_key(self, key: Any) -> int | None:
        return zlib.crc32(key) % int(self.partitions or 1)


@contextmanager
def writing_to(partition: int) -> Iterator[None]:
    token = _partition.set(partition)
    try:
        yield
    finally:
        _partition.reset(token)


@dataclass
class KeyState:
    correlation: CorrelationState
    # The newest event time seen for the key: the watermark follows it.
    newest: datetime | None = None

    def saw(self, events: Sequence[events_pb2.Event], latest_possible: datetime) -> None:
        """Move `newest` to the events' newest time, but never past `latest_possible` (the wall
        clock plus a skew): one event stamped in the future must not age everyone else's out."""
        if not events:
            return
        newest = min(max(event.occurred_at.ToDatetime(UTC) for event in events), latest_possible)
        self.newest = max(newest, self.newest) if self.newest else newest

    @classmethod
    def load(cls, stored: bytes | None) -> KeyState:
        if not stored:
            return cls(CorrelationState())
        data = orjson.loads(stored)
        newest = datetime.fromisoformat(data["newest"]) if data.get("newest") else None
        return cls(CorrelationState.from_dict(data["correlation"]), newest)

    def dump(self) -> bytes:
        newest = self.newest.astimezone(UTC).isoformat() if self.newest else None
        return orjson.dumps(
            {"correlation": self.correlation.to_dict(), "newest": newest}, option=orjson.OPT_SORT_KEYS
        )


class DecodedStates:
    """Each key's state kept decoded between takes, beside the bytes it was decoded from or written
    as: a take decodes a key only when the table holds other bytes (first use, or a rebalance
    brought the key back with state another worker wrote)."""

    def __init__(self) -> None:
        self._decoded: dict[bytes, tuple[bytes | None, KeyState]] = {}

    def get(self, key: bytes, stored: bytes | None) -> KeyState:
        cached = self._decoded.get(key)
        if cached is not None and cached[0] == stored:
            return cached[1]
        state = KeyState.load(stored)
        self._decoded[key] = (stored, state)
        return state

    def wrote(self, key: bytes, stored: bytes, state: KeyState) -> None:
        self._decoded[key] = (stored, state)

    @contextmanager
    def take(self, keys: Iterable[bytes]) -> Iterator[None]:
        """A take that fails part-way leaves its keys' states half-updated while the table still
        holds the old bytes: forget them, so the replay decodes what was last written."""
        try:
            yield
        except BaseException:
            for key in keys:
                self._decoded.pop(key, None)
            raise
