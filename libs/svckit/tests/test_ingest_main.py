import functools

import pytest
import uvicorn
from fastapi import FastAPI

from svckit import ingest_main
from svckit.ingest_http import IngestSettings, Produce
from svckit.kafka import produce_all


class FakeProducer:
    def __init__(self, calls: list[tuple[object, ...]]) -> None:
        self.calls = calls

    def flush(self, timeout: float) -> int:
        self.calls.append(("flush", timeout))
        return 0


def test_serve_runs_the_app_where_the_settings_say_and_flushes_the_producer_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[object, ...]] = []
    producer = FakeProducer(calls)
    apps: list[tuple[IngestSettings, Produce]] = []

    def make_producer(bootstrap: str, client_id: str) -> FakeProducer:
        calls.append(("producer", bootstrap, client_id))
        return producer

    def run(app: FastAPI, host: str, port: int, log_level: str) -> None:
        calls.append(("run", host, port, log_level))
        raise KeyboardInterrupt

    def create_app(settings: IngestSettings, produce: Produce) -> FastAPI:
        apps.append((settings, produce))
        return FastAPI()

    monkeypatch.setattr(ingest_main, "setup_tracing", lambda name, _settings: calls.append(("tracing", name)))
    monkeypatch.setattr(ingest_main, "make_producer", make_producer)
    monkeypatch.setattr(uvicorn, "run", run)
    settings = IngestSettings(environment="dev", port=18999, kafka_bootstrap_servers="kafka:9092")

    with pytest.raises(KeyboardInterrupt):
        ingest_main.serve("ingest-test", settings, create_app, untraced_urls="healthz,readyz")

    assert calls == [
        ("tracing", "ingest-test"),
        ("producer", "kafka:9092", "ingest-test"),
        ("run", "127.0.0.1", 18999, "info"),
        ("flush", 10),
    ]
    [(given, produce)] = apps
    assert given is settings
    assert isinstance(produce, functools.partial)
    assert (produce.func, produce.args) == (produce_all, (producer,))
