"""Fixtures of the integration tests (the kit itself is alerter.testkit): the real PostgreSQL in a
throw-away schema per run, a real SMTP server and webhook receiver per test, the app in-process."""

from collections.abc import AsyncIterator, Iterator

import pytest

from alerter.testkit import (
    Harness,
    SmtpServer,
    WebhookReceiver,
    running_harness,
    smtp_server,
    throwaway_schema,
    webhook_receiver,
)


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    with throwaway_schema() as url:
        yield url


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def webhooks() -> Iterator[WebhookReceiver]:
    with webhook_receiver() as receiver:
        yield receiver


@pytest.fixture
async def harness(database_url: str, smtp: SmtpServer, webhooks: WebhookReceiver) -> AsyncIterator[Harness]:
    async with running_harness(database_url, smtp, webhooks) as running:
        yield running


@pytest.fixture
async def bundling(database_url: str, smtp: SmtpServer, webhooks: WebhookReceiver) -> AsyncIterator[Harness]:
    """The harness with `fatigue.bundle_minutes: 15`."""
    async with running_harness(database_url, smtp, webhooks, {"bundle_minutes": 15}) as running:
        yield running
