"""Kafka records for a parsed batch: one `EventBatch` per key and chunk, one record per reject."""

from collections.abc import Callable, Iterator, Sequence

from ingest_proxy.ingest import ParsedBatch
from ingest_proxy.settings import IngestProxySettings
from svckit.batching import event_batches
from svckit.kafka import OutRecord
from svckit.tracing import KafkaHeaders

# Writes every record and returns once the broker acknowledged all of them, raising otherwise
# (`svckit.kafka.produce_all` bound to a producer; a fake in unit tests).
Produce = Callable[[Sequence[OutRecord]], object]


def batch_records(
    parsed: ParsedBatch, school_id: str, settings: IngestProxySettings, headers: KafkaHeaders
) -> Iterator[OutRecord]:
    for key, batch in event_batches(parsed.events, settings.shards, settings.max_batch_events):
        yield OutRecord(settings.events_topic, key, batch.SerializeToString(), headers)
    for reject in parsed.rejects:
        yield OutRecord(settings.rejected_topic, school_id, reject.SerializeToString(), headers)
