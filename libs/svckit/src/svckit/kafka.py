"""confluent-kafka producers and consumers with the settings every service shares.

Producers are idempotent (no duplicates on retry) and compress with lz4; every consumer that reads
them must be able to decompress lz4 (aiokafka under faust needs cramjam, pinned in policy-engine).
Consumers never auto-commit: offsets are committed only after the output is written (house rule 9).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer


def make_producer(bootstrap: str, client_id: str, **overrides: Any) -> Producer:
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "client.id": client_id,
        "enable.idempotence": True,
        "acks": "all",
        "compression.type": "lz4",
        "linger.ms": 20,
    }
    config.update(overrides)
    return Producer(config)


def make_consumer(bootstrap: str, group_id: str, topics: list[str], **overrides: Any) -> Consumer:
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "group.id": group_id,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "isolation.level": "read_committed",
    }
    config.update(overrides)
    consumer = Consumer(config)
    consumer.subscribe(topics)
    return consumer


@dataclass(frozen=True)
class OutRecord:
    topic: str
    key: bytes | str
    value: bytes
    headers: list[tuple[str, bytes]] = field(default_factory=list)


def produce_all(producer: Producer, records: Iterable[OutRecord], timeout_s: float = 30.0) -> int:
    """Produce every record and wait until the broker acknowledged all of them.

    Raises when any record was refused or not acknowledged in time, so a caller that only
    acknowledges its own input after this returns never loses anything.
    """
    errors: list[KafkaError] = []

    def on_delivery(err: KafkaError | None, _msg: Message) -> None:
        if err is not None:
            errors.append(err)

    count = 0
    for record in records:
        headers: list[tuple[str, str | bytes | None]] = list(record.headers)
        producer.produce(
            record.topic, value=record.value, key=record.key, headers=headers, on_delivery=on_delivery
        )
        producer.poll(0)  # serve delivery callbacks so the local queue never fills up
        count += 1
    remaining = producer.flush(timeout_s)
    if remaining:
        raise KafkaException(f"{remaining} record(s) not acknowledged within {timeout_s}s")
    if errors:
        raise KafkaException(errors[0])
    return count


def produce_sync(
    producer: Producer,
    topic: str,
    key: bytes | str,
    value: bytes,
    headers: list[tuple[str, bytes]] | None = None,
    timeout_s: float = 30.0,
) -> None:
    """Produce one record and wait until the broker acknowledged it."""
    produce_all(producer, [OutRecord(topic, key, value, headers or [])], timeout_s)


def raise_on_error(message: Message) -> None:
    """Fail loudly on consumer errors other than reaching the end of a partition."""
    err = message.error()
    if err is not None and err.code() != KafkaError._PARTITION_EOF:
        raise KafkaException(err)
