"""Integration test kit (imported by tests only; needs the dev dependencies).

The real PostgreSQL (a throw-away migrated schema per run), a real SMTP server
(aiosmtpd on a free loopback port) and a real HTTP webhook receiver, both started here; the
alerter's app in-process over ASGI with its loops' single steps driven under a clock the test moves.
"""

import email
import json
import os
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from alerter.api.app import Parts, create_app
from alerter.config import TrustConfig
from alerter.consumer import handle_case_event
from alerter.db.engine import SessionMaker, make_engine, make_sessionmaker
from alerter.db.migrate import upgrade_to_head
from alerter.metrics import AlerterMetrics
from alerter.settings import DEV_DATABASE_URL, AlerterSettings
from alerter.testing import trust
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator
from invigilator.cases.v1 import cases_pb2

LINK_KEY = "integration-test-link-key-0123456789"
WEBHOOK_SECRET = "integration-test-webhook-secret"  # noqa: S105 - a test fixture
TABLES = (
    "alerter_ack_audit, alerter_deliveries, alerter_digest_lines, alerter_repeat_counts, "
    "alerter_case_events, alerter_alerts"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def throwaway_schema() -> Iterator[str]:
    base = os.environ.get("DATABASE_URL", DEV_DATABASE_URL)
    engine = sa.create_engine(base)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"PostgreSQL unreachable at {engine.url!r}: start it with `scripts/stack/postgres.sh start` "
            f"or point DATABASE_URL at a server ({exc.orig})",
            pytrace=False,
        )
    schema = f"alerter_test_{uuid.uuid4().hex[:8]}"
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in base else "?"
    url = f"{base}{separator}options={quote(f'-csearch_path={schema}')}"
    try:
        upgrade_to_head(url)
        yield url
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@dataclass
class Received:
    """What the SMTP server accepted: (envelope recipients, raw bytes) per message."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd)
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 OK"


class SmtpServer:
    """aiosmtpd on a fixed free port; `stop()` / `start()` make an outage."""

    def __init__(self) -> None:
        self.port = free_port()
        self.received = Received()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.received, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@dataclass
class Hook:
    path: str
    headers: dict[str, str]
    body: bytes


class WebhookReceiver:
    """A real HTTP server in a thread, recording every POST; `answer` sets its status code."""

    def __init__(self) -> None:
        self.posts: list[Hook] = []
        self.answer = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                if receiver.answer < 300:
                    receiver.posts.append(Hook(self.path, dict(self.headers.items()), body))
                self.send_response(receiver.answer)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def json(self, path: str) -> list[dict[str, Any]]:
        return [json.loads(post.body) for post in self.posts if post.path == path]


@contextmanager
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def config_for(webhooks: WebhookReceiver, fatigue: dict[str, Any] | None = None) -> TrustConfig:
    """The factories' trust with its webhooks pointing at the local receiver."""
    raw = trust().model_dump(mode="json")
    raw["fatigue"].update(fatigue or {})
    for hook in raw["trust"]["webhooks"]:
        hook["url"] = f"{webhooks.url}/{hook['name']}"
    for school in raw["schools"].values():
        for hook in school["webhooks"]:
            hook["url"] = f"{webhooks.url}/{hook['name']}"
    return TrustConfig.model_validate(raw)


def parse_alert_ids(messages: list[bytes]) -> list[str]:
    """The X-Invigilator-Alert-Id of each raw message."""
    ids = []
    for raw in messages:
        found = email.message_from_bytes(raw)["X-Invigilator-Alert-Id"]
        assert found, "every alert e-mail carries its alert id"
        ids.append(str(found))
    return ids


@dataclass
class Harness:
    database_url: str
    client: httpx.AsyncClient
    parts: Parts
    sessions: SessionMaker
    config: TrustConfig
    clock: Clock
    smtp: SmtpServer
    webhooks: WebhookReceiver
    issuer: DevIssuer
    reader: InMemoryMetricReader
    metrics: AlerterMetrics

    async def feed(self, event: cases_pb2.CaseEvent) -> str:
        return await handle_case_event(
            self.sessions, self.config, event.SerializeToString(), [], self.clock, self.metrics
        )

    async def gql(self, token: str, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]  # type: ignore[no-any-return]

    def token(self, roles: list[str], schools: list[str], subject: str = "u-1") -> str:
        return self.issuer.mint(subject, roles, schools)

    def mail_to(self, address: str) -> list[bytes]:
        return [raw for rcpt, raw in self.smtp.received.messages if address in rcpt]

    def metric(self, name: str) -> list[tuple[dict[str, Any], float]]:
        data = self.reader.get_metrics_data()
        points: list[tuple[dict[str, Any], float]] = []
        for resource in data.resource_metrics if data else []:
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    if metric.name == name:
                        points.extend((dict(p.attributes or {}), p.value) for p in metric.data.data_points)  # type: ignore[union-attr]
        return points


def harness_settings(database_url: str, smtp: SmtpServer) -> AlerterSettings:
    return AlerterSettings(
        environment="dev",
        database_url=database_url,
        link_key=LINK_KEY,
        public_url="http://alerter.test",
        smtp_port=smtp.port,
        smtp_timeout_s=3.0,
        webhook_timeout_s=3.0,
        webhook_secrets={"elms-signed": WEBHOOK_SECRET},
        retry_base_s=5.0,
        retry_cap_s=60.0,
        failing_after_attempts=3,
        run_migrations=False,
    )


@asynccontextmanager
async def running_harness(
    database_url: str, smtp: SmtpServer, webhooks: WebhookReceiver, fatigue: dict[str, Any] | None = None
) -> AsyncIterator[Harness]:
    engine = sa.create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE"))
    engine.dispose()
    issuer = DevIssuer.generate()
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    reader = InMemoryMetricReader()
    metrics = AlerterMetrics(MeterProvider(metric_readers=[reader]).get_meter("alerter-test"))
    clock = Clock(datetime(2026, 3, 2, 10, tzinfo=UTC))  # Monday 2 March 2026, GMT
    config = config_for(webhooks, fatigue)
    settings = harness_settings(database_url, smtp)
    app = create_app(settings, config, run_loops=False, validator=validator, clock=clock, metrics=metrics)
    feed_engine = make_engine(database_url)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://alerter.test") as client:
            yield Harness(
                database_url,
                client,
                app.state.parts,
                make_sessionmaker(feed_engine),
                config,
                clock,
                smtp,
                webhooks,
                issuer,
                reader,
                metrics,
            )
    await feed_engine.dispose()
