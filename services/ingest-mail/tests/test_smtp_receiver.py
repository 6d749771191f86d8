"""The SMTP journal receiver over a real loopback socket, driven by `smtplib`, with a fake produce."""

import asyncio
import logging
import smtplib
import socket
import threading
from collections.abc import AsyncIterator, Sequence
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from tests.ingest_support import FakeProduce

from ingest_mail.app import create_app
from ingest_mail.settings import IngestMailSettings
from ingest_mail.smtp import AIOSMTPD_LOGGER, JournalHandler, SmtpReceiver, client_allowed
from invigilator.events.v1 import events_pb2
from svckit.kafka import OutRecord

SAMPLES = Path(__file__).parent / "samples"
ELMS, PETERS = "journal@elms-farm.test", "journal@st-peters.test"
BODY_MARKER = b"BODY-MARKER-7f3c9a"  # in every sample body
INTERNAL = (
    b"From: Tom Green <tom.green@elmsfarm.sch.uk>\r\n"
    b"To: ana.brown@elmsfarm.sch.uk\r\n"
    b"Subject: Year 6 trip\r\n"
    b"Date: Mon, 4 Mar 2024 09:00:00 +0000\r\n"
    b"Message-ID: <trip-1@elmsfarm.sch.uk>\r\n"
    b"\r\n" + BODY_MARKER + b" see you at the coach\r\n"
)

Reply = tuple[int, bytes]


def make_settings(**overrides: Any) -> IngestMailSettings:
    values: dict[str, Any] = {
        "environment": "dev",
        "smtp_port": 0,  # start() then binds an ephemeral port
        "own_domains": {"elms-farm": ["elmsfarm.sch.uk"], "st-peters": ["stpeters.sch.uk"]},
        "smtp_journal_recipients": {ELMS: "elms-farm", PETERS: "st-peters"},
    }
    return IngestMailSettings(**{**values, **overrides})


@pytest.fixture(scope="module")
def spans() -> InMemorySpanExporter:
    """Spans of this module's tests, in memory (an SDK provider is installed if there is none)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def produce() -> FakeProduce:
    return FakeProduce("events.mail.v1")


@pytest.fixture
def settings() -> IngestMailSettings:
    return make_settings()


@pytest.fixture
async def receiver(settings: IngestMailSettings, produce: FakeProduce) -> AsyncIterator[SmtpReceiver]:
    server = SmtpReceiver(settings, JournalHandler(settings, produce))
    await server.start()
    yield server
    await server.stop()


def converse(
    port: int,
    message: bytes,
    rcpts: Sequence[str] = (ELMS,),
    mail_from: str = "tom.green@elmsfarm.sch.uk",
    helo: str = "ehlo",
) -> list[Reply]:
    """One session step by step (no SIZE declared), returning every reply: greeting excluded."""
    replies: list[Reply] = []
    with smtplib.SMTP("127.0.0.1", port, local_hostname="mta.test", timeout=10) as client:
        replies.append(client.ehlo() if helo == "ehlo" else client.helo())
        replies.append(client.mail(mail_from))
        if replies[-1][0] != 250:
            return replies
        replies.extend(client.rcpt(rcpt) for rcpt in rcpts)
        if any(code == 250 for code, _ in replies[2:]):
            replies.append(client.data(message))
    return replies


async def deliver(port: int, message: bytes, **kwargs: Any) -> list[Reply]:
    return await asyncio.to_thread(converse, port, message, **kwargs)


async def test_a_message_becomes_one_event_and_250_after_the_write(
    receiver: SmtpReceiver, produce: FakeProduce, spans: InMemorySpanExporter
) -> None:
    spans.clear()
    replies = await deliver(receiver.port, INTERNAL)
    code, text = replies[-1]
    assert code == 250, text
    assert b"1 event(s)" in text
    (event,) = produce.events()
    assert event.school_id == "elms-farm"
    assert event.account == "tom.green@elmsfarm.sch.uk"
    assert event.mail.subject == "Year 6 trip"
    # The journal mailbox is not a recipient of the message: internal mail stays internal.
    assert list(event.mail.to) == ["ana.brown@elmsfarm.sch.uk"]
    assert not event.mail.bcc
    assert event.mail.direction == events_pb2.MAIL_DIRECTION_INTERNAL
    (span,) = spans.get_finished_spans()  # one span per message, its trace carried to Kafka
    assert span.name == "smtp message"
    assert dict(span.attributes or {}) == {
        "mail.schools": "elms-farm",
        "smtp.message_bytes": len(INTERNAL),
        "mail.events": 1,
        "mail.rejects": 0,
    }
    (call,) = produce.calls
    traceparent = dict(call[0].headers)["traceparent"].decode()
    assert traceparent.split("-")[1] == format(span.context.trace_id, "032x")
    assert format(span.context.trace_id, "032x").encode() in text
    assert receiver.handler.accepted == 1


async def test_kafka_refusing_answers_451_and_the_retry_is_written(
    receiver: SmtpReceiver, produce: FakeProduce
) -> None:
    produce.failures = 1
    code, text = (await deliver(receiver.port, INTERNAL))[-1]
    assert (code, text) == (451, b"4.3.0 event stream unavailable, try again later")
    assert not produce.calls
    assert receiver.handler.accepted == 0
    code, _ = (await deliver(receiver.port, INTERNAL))[-1]  # the MTA retries
    assert code == 250
    assert len(produce.events()) == 1


async def test_unknown_recipients_are_refused_with_550(receiver: SmtpReceiver, produce: FakeProduce) -> None:
    replies = await deliver(receiver.port, INTERNAL, rcpts=("someone@elsewhere.example",))
    assert replies[-1][0] == 550
    assert not produce.calls
    replies = await deliver(receiver.port, INTERNAL, rcpts=("nobody@elms-farm.test", ELMS.upper()))
    assert [code for code, _ in replies[2:]] == [550, 250, 250]
    assert len(produce.events()) == 1


async def test_one_copy_for_two_schools_is_one_event_each(
    receiver: SmtpReceiver, produce: FakeProduce
) -> None:
    assert (await deliver(receiver.port, INTERNAL, rcpts=(ELMS, PETERS)))[-1][0] == 250
    events = produce.events()
    assert sorted(e.school_id for e in events) == ["elms-farm", "st-peters"]
    peters = next(e for e in events if e.school_id == "st-peters")
    assert peters.mail.direction == events_pb2.MAIL_DIRECTION_INBOUND  # not its own domain
    assert peters.account == ""


async def test_oversize_is_refused_with_552(produce: FakeProduce) -> None:
    settings = make_settings(smtp_max_message_bytes=2_000)
    receiver = SmtpReceiver(settings, JournalHandler(settings, produce))
    await receiver.start()
    big = INTERNAL + (b"x" * 70 + b"\r\n") * 40
    try:
        assert (await deliver(receiver.port, big))[-1][0] == 552  # at DATA: no SIZE declared

        def sendmail() -> None:  # smtplib declares SIZE: refused at MAIL FROM already
            with smtplib.SMTP("127.0.0.1", receiver.port, timeout=10) as client:
                client.sendmail("tom.green@elmsfarm.sch.uk", [ELMS], big)

        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            await asyncio.to_thread(sendmail)
        assert refused.value.smtp_code == 552
        assert (await deliver(receiver.port, INTERNAL))[-1][0] == 250
    finally:
        await receiver.stop()
    assert len(produce.events()) == 1


async def test_private_mail_leaves_no_subject_names_or_body_in_records_replies_or_logs(
    receiver: SmtpReceiver, produce: FakeProduce, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    private = (SAMPLES / "private.eml").read_bytes()
    # No From header and a null sender: a reject, which keeps the header block only.
    unattributable = b"Subject: stray\r\nTo: x@elmsfarm.sch.uk\r\n\r\n" + BODY_MARKER + b" stray body\r\n"
    replies = await deliver(receiver.port, private)
    replies += await deliver(receiver.port, unattributable, mail_from="<>")
    assert [code for code, _ in replies if code == 250][-2:] == [250, 250]
    (event,) = produce.events()
    assert event.mail.private_marked
    assert event.mail.subject == ""
    assert [a.file_name for a in event.mail.attachments] == [""]
    (reject,) = produce.rejects()
    assert reject.raw.startswith(b"Subject: stray")
    out = b"".join(r.value + str(r.key).encode() for r in produce.records)
    replies_text = b"".join(text for _, text in replies)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged  # the receiver and aiosmtpd did log at DEBUG/INFO: only nothing of the messages
    for secret in (b"Divorce hearing", b"custody", b"custody-statement-final", BODY_MARKER):
        assert secret not in out
        assert secret not in replies_text
        assert secret.decode() not in logged
        assert secret.decode() not in caplog.text
    assert all(
        record.name != AIOSMTPD_LOGGER or record.levelno >= logging.WARNING for record in caplog.records
    )


async def test_clients_outside_the_allow_list_get_554_and_cannot_send(produce: FakeProduce) -> None:
    settings = make_settings(smtp_allowed_clients=["192.0.2.0/24"])
    receiver = SmtpReceiver(settings, JournalHandler(settings, produce))
    await receiver.start()
    try:
        for helo in ("ehlo", "helo"):
            replies = await deliver(receiver.port, INTERNAL, helo=helo)
            assert replies[0][0] == 554
            assert replies[1][0] == 503  # MAIL without an accepted HELO/EHLO
    finally:
        await receiver.stop()
    assert not produce.calls
    allowed = make_settings(smtp_allowed_clients=["127.0.0.0/8"])
    receiver = SmtpReceiver(allowed, JournalHandler(allowed, produce))
    await receiver.start()
    try:
        assert (await deliver(receiver.port, INTERNAL, helo="helo"))[-1][0] == 250
    finally:
        await receiver.stop()


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("192.0.2.7", True),
        ("::ffff:192.0.2.7", True),
        ("198.51.100.1", False),
        ("fe80::1%eth0", False),
        ("?", False),
    ],
)
def test_client_allow_list(host: str, allowed: bool) -> None:
    assert client_allowed([ip_network("192.0.2.0/24")], host) is allowed
    assert client_allowed([], host) is True  # dev without a list


async def test_a_closing_receiver_answers_421_to_new_messages(
    receiver: SmtpReceiver, produce: FakeProduce
) -> None:
    receiver.handler.closing = True
    assert (await deliver(receiver.port, INTERNAL))[1][0] == 421
    assert not produce.calls


async def test_stop_lets_a_message_being_written_finish(settings: IngestMailSettings) -> None:
    entered, release = threading.Event(), threading.Event()
    written: list[OutRecord] = []

    def slow_produce(records: Sequence[OutRecord]) -> int:
        entered.set()
        release.wait(10)
        written.extend(records)
        return len(records)

    receiver = SmtpReceiver(settings, JournalHandler(settings, slow_produce))
    await receiver.start()
    sending = asyncio.create_task(deliver(receiver.port, INTERNAL))
    assert await asyncio.to_thread(entered.wait, 10)
    stopping = asyncio.create_task(receiver.stop())
    await asyncio.sleep(0.1)
    assert not stopping.done()  # waiting for the write, not cutting it off
    release.set()
    await stopping
    assert (await sending)[-1][0] == 250
    assert written


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_the_app_lifespan_runs_the_receiver_and_reports_it_ready(produce: FakeProduce) -> None:
    port = free_port()
    app = create_app(make_settings(smtp_port=port), produce)
    with TestClient(app) as http:
        assert http.get("/readyz").json() == {"status": "ok", "checks": {"smtp": True}}
        assert converse(port, INTERNAL)[-1][0] == 250
    assert len(produce.events()) == 1
    with pytest.raises(ConnectionRefusedError):  # stopped with the app
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
