"""The asyncio adapter over a real loopback socket, with a fake `produce` (no Kafka)."""

import asyncio
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from tests.ingest_support import FakeProduce

from ingest_proxy.settings import IngestProxySettings
from ingest_proxy.syslog_server import SyslogBatcher, SyslogServer

SQUID = "1700000000.123    456 10.0.0.5 TCP_MISS/200 1234 GET http://a.example/x jsmith HIER_DIRECT/1.2.3.4 -"
E2G = "2026.7.6 9:15:02\tjsmith\t10.20.1.15\thttps://x.example/p\t*DENIED* Banned\tGET\t1\t0\tGames"
EVENTS = "events.proxy.v1"


def make_settings(**overrides: Any) -> IngestProxySettings:
    values: dict[str, Any] = {
        "environment": "dev",
        "syslog_port": 0,
        "syslog_flush_interval_s": 0.05,
        "syslog_sources": {
            "Proxy1.elms.example": {"school": "elms-farm", "format": "squid"},
            "filter": {"school": "st-peters", "format": "e2guardian"},
        },
    }
    values.update(overrides)
    return IngestProxySettings(**values)


async def started(settings: IngestProxySettings, produce: FakeProduce) -> SyslogServer:
    server = SyslogServer(settings, SyslogBatcher(settings, produce, ZoneInfo("UTC")))
    await server.start()
    return server


async def until(condition: Any, timeout_s: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


@pytest.fixture
def produce() -> FakeProduce:
    return FakeProduce(EVENTS)


async def test_lines_of_both_framings_become_events_and_unknown_hosts_rejects(produce: FakeProduce) -> None:
    server = await started(make_settings(), produce)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        counted = f"<14>1 2026-11-23T10:00:00Z proxy1.elms.example squid 1 - - {SQUID}".encode()
        writer.write(f"{len(counted)} ".encode() + counted[:20])
        await writer.drain()
        await asyncio.sleep(0.02)  # the frame arrives in two reads
        writer.write(counted[20:])
        writer.write(f"<14>Jul  6 09:15:02 filter e2guardian[7]: {E2G}\n".encode())
        writer.write(f"<14>Jul  6 09:15:02 stranger squid: {SQUID}\n".encode())
        writer.write(b"garbage without a header\n")
        await writer.drain()
        writer.close()
        await writer.wait_closed()
        await until(lambda: len(produce.events()) == 2 and len(produce.rejects()) == 2)
    finally:
        await server.stop()
    squid_event, e2g_event = sorted(produce.events(), key=lambda e: e.school_id)
    assert (squid_event.school_id, squid_event.proxy.host) == ("elms-farm", "a.example")
    assert (e2g_event.school_id, e2g_event.proxy.path) == ("st-peters", "/p")
    unknown, garbage = produce.rejects()
    assert unknown.reason.startswith("unknown syslog host 'stranger'")
    assert unknown.raw.endswith(SQUID.encode())
    assert "no <PRI>" in garbage.reason
    assert produce.on("events.rejected.v1")[0].key == "syslog/stranger"


async def test_bad_proxy_line_from_a_known_host_is_a_reject_naming_the_host(produce: FakeProduce) -> None:
    server = await started(make_settings(), produce)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"<14>Nov 23 10:00:00 proxy1.elms.example squid: not a squid line\n")
        await writer.drain()
        await until(lambda: len(produce.rejects()) == 1)
        writer.close()
    finally:
        await server.stop()
    [reject] = produce.rejects()
    assert reject.reason.startswith("syslog from proxy1.elms.example: expected 10")
    assert (reject.school_id, reject.format, reject.raw) == ("elms-farm", "proxy.squid", b"not a squid line")


async def test_full_count_flushes_before_the_interval(produce: FakeProduce) -> None:
    settings = make_settings(syslog_flush_lines=3, syslog_flush_interval_s=60)
    server = await started(settings, produce)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"<14>Nov 23 10:00:00 proxy1.elms.example squid: {SQUID}\n".encode() * 3)
        await writer.drain()
        await until(lambda: len(produce.calls) == 1, timeout_s=2)
        writer.close()
    finally:
        await server.stop()
    assert len(produce.events()) == 3


async def test_kafka_failure_keeps_the_lines_and_retries_them_in_order() -> None:
    produce = FakeProduce(EVENTS, failures=2)
    server = await started(make_settings(), produce)
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        for n in range(5):
            line = SQUID.replace("/x ", f"/{n} ")
            writer.write(f"<14>Nov 23 10:00:00 proxy1.elms.example squid: {line}\n".encode())
            await writer.drain()
            await asyncio.sleep(0.03)
        await until(lambda: len(produce.events()) == 5)
        writer.close()
    finally:
        await server.stop()
    assert produce.failures == 0
    assert len({e.event_id for e in produce.events()}) == 5


async def test_full_buffer_stops_reading_then_closes_the_connection() -> None:
    produce = FakeProduce(EVENTS, failures=10**6)  # Kafka never comes back
    settings = make_settings(syslog_max_buffered_lines=2, syslog_stall_timeout_s=0.2)
    server = await started(settings, produce)
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"<14>Nov 23 10:00:00 proxy1.elms.example squid: {SQUID}\n".encode() * 3)
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), 5) == b""  # closed by the server
        assert server.batcher.buffered == 3  # everything read is still held, nothing dropped
        produce.failures = 0
        await until(lambda: len(produce.events()) == 3)
    finally:
        await server.stop()


async def test_stop_writes_what_is_still_buffered(produce: FakeProduce) -> None:
    server = await started(make_settings(syslog_flush_interval_s=60), produce)
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(f"<14>Nov 23 10:00:00 proxy1.elms.example squid: {SQUID}\n".encode() * 2)
    await writer.drain()
    await until(lambda: server.batcher.buffered == 2)
    await server.stop()
    assert len(produce.events()) == 2
    writer.close()
