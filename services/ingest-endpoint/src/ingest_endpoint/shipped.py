"""Winlogbeat documents a Beats shipper wrote straight to Kafka → events and rejects.

Winlogbeat's Kafka output writes one ECS JSON document per record. The school is not in the URL
as on the HTTP route but in the document: the shipper's `fields: {school: elms-farm}` option
(`fields.school`, or `fields_under_root` / a processor putting it in `labels.school`). The document
then goes through the same path as an HTTP `ecs` line (`ecs.read` → `winlog.to_event`: the same
minimisation, the same event ids), so a record is one `Event` or one `RejectedInput` whose reason
starts with where it was read (`topic[partition]@offset`). A document without a school, or with a
school this deployment does not serve, is a reject: it cannot be attributed.
"""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ingest_endpoint import ecs
from ingest_endpoint.ingest import ParsedBatch
from ingest_endpoint.winlog import to_event
from svckit.ingest import RecordError, json_object, reject
from svckit.winevent import first_text

# The same source as the HTTP `ecs` route: the same document is the same event, whichever way it came.
SOURCE = "endpoint.ecs"
SCHOOL_FIELDS = ("fields.school", "labels.school")


@dataclass(frozen=True)
class Shipped:
    """One record of the raw topic: its value and where it was read."""

    value: bytes
    topic: str
    partition: int
    offset: int

    @property
    def position(self) -> str:
        return f"{self.topic}[{self.partition}]@{self.offset}"


def school_of(obj: dict[str, Any], schools: Collection[str]) -> str:
    """The school the shipper named (`fields.school`, else `labels.school`); RecordError when it named
    none or one not in `schools`."""
    school = first_text(obj, *SCHOOL_FIELDS)
    if not school:
        raise RecordError("no school: the document has neither fields.school nor labels.school")
    if school not in schools:
        raise RecordError(f"unknown school {school[:64]!r}")
    return school


def parse_shipped(
    records: Iterable[Shipped], schools: Collection[str], received_at: datetime | None = None
) -> ParsedBatch:
    """Every record → one event or one reject (never raises for bad input), in record order."""
    now = received_at or datetime.now(UTC)
    batch = ParsedBatch()
    for record in records:
        school = ""
        try:
            if not record.value.strip():
                raise RecordError("empty record")
            obj = json_object(record.value)
            school = school_of(obj, schools)
            text = record.value.decode("utf-8-sig")
            batch.events.append(to_event(ecs.read(obj), school, SOURCE, text))
        except RecordError as error:
            batch.rejects.append(reject(SOURCE, school, record.value, f"{record.position}: {error}", now))
        except Exception as error:
            reason = f"{record.position}: parser bug: {type(error).__name__}: {str(error)[:120]}"
            batch.rejects.append(reject(SOURCE, school, record.value, reason, now))
    return batch
