"""What the ingest services' unit tests share: a fake `produce` in place of Kafka, and an app served
by a real uvicorn on a loopback port (for the replay CLIs)."""

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import uvicorn
from confluent_kafka import KafkaException
from fastapi import FastAPI

from invigilator.events.v1 import events_pb2
from svckit.kafka import OutRecord

REJECTED_TOPIC = "events.rejected.v1"


class FakeProduce:
    """Stands in for `svckit.kafka.produce_all`: keeps what each call wrote and raises like it while
    `failures` lasts. Thread-safe: the SMTP and syslog receivers produce from worker threads."""

    def __init__(self, events_topic: str, failures: int = 0) -> None:
        self.events_topic = events_topic
        self.failures = failures
        self.calls: list[list[OutRecord]] = []
        self._lock = threading.Lock()

    def __call__(self, records: Sequence[OutRecord]) -> int:
        with self._lock:
            if self.failures:
                self.failures -= 1
                raise KafkaException("broker down")
            self.calls.append(list(records))
        return len(records)

    @property
    def records(self) -> list[OutRecord]:
        return [record for call in self.calls for record in call]

    def on(self, topic: str) -> list[OutRecord]:
        return [record for record in self.records if record.topic == topic]

    def events(self) -> list[events_pb2.Event]:
        return [
            event
            for record in self.on(self.events_topic)
            for event in events_pb2.EventBatch.FromString(record.value).events
        ]

    def rejects(self) -> list[events_pb2.RejectedInput]:
        return [events_pb2.RejectedInput.FromString(record.value) for record in self.on(REJECTED_TOPIC)]


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """The app under uvicorn on an ephemeral loopback port, in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
