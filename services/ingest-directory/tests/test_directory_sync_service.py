"""The LDAP sync in the service (scheduler, status) and on the command line, with ldap3's offline
mock directory (MOCK_SYNC): failures are recorded and the next interval syncs again."""

import asyncio
import io
import json
import socket
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from ldap3 import MOCK_SYNC, OFFLINE_AD_2012_R2, Connection, Server  # type: ignore[import-untyped]
from tests.ingest_support import FakeProduce

from ingest_directory import sync_cli
from ingest_directory.app import create_app
from ingest_directory.ldap_connect import LdapConnectError, connect
from ingest_directory.settings import IngestDirectorySettings
from ingest_directory.sync_job import run_sync
from ingest_directory.sync_scheduler import SyncScheduler
from invigilator.events.v1 import events_pb2

BASE = "DC=trust,DC=local"
TRUST = {"Authorization": "Bearer k-trust"}
LDAP = {
    "ldap_url": "ldaps://trust-dc01.trust.local",
    "ldap_bind_dn": "CN=sync,DC=trust,DC=local",
    "ldap_password": "x",
    "ldap_base_dn": BASE,
}


def mock_directory() -> Connection:
    """A fresh offline AD with one staff account per school, the domain policy and a broken entry."""
    server = Server("trust-dc01", get_info=OFFLINE_AD_2012_R2)
    connection = Connection(server, user=LDAP["ldap_bind_dn"], password="x", client_strategy=MOCK_SYNC)
    add = connection.strategy.add_entry
    add(BASE, {"objectClass": ["top", "domain", "domainDNS"], "minPwdLength": 8, "pwdProperties": 1})
    add(
        "CN=Jane Smith,OU=Staff,OU=Elms Farm,DC=trust,DC=local",
        {"objectClass": ["top", "user"], "sAMAccountName": "JSmith", "userAccountControl": 512},
    )
    add(
        "CN=Tom Old,OU=Leavers,OU=St Peter's,DC=trust,DC=local",
        {"objectClass": ["top", "user"], "sAMAccountName": "told", "userAccountControl": 514},
    )
    add(
        "CN=Odd,OU=Staff,OU=Elms Farm,DC=trust,DC=local",
        {"objectClass": ["top", "user"], "sAMAccountName": "odd", "pwdLastSet": "soon"},
        validate=False,  # a value a real DC would never hold: the mapping must reject, not crash
    )
    add(LDAP["ldap_bind_dn"], {"objectClass": ["top", "user"], "userPassword": "x", "sAMAccountName": "sync"})
    connection.bind()
    return connection


def settings(**overrides: Any) -> IngestDirectorySettings:
    keys = {"k-elms": "elms-farm", "k-trust": "trust"}
    return IngestDirectorySettings(**{"api_keys": keys, **LDAP, **overrides})


def flaky(failures: list[Exception]) -> Callable[[], Connection]:
    """Raises the given errors on the first calls, then connects to the mock directory."""

    def open_connection() -> Connection:
        if failures:
            raise failures.pop(0)
        return mock_directory()

    return open_connection


def eventually(probe: Callable[[], bool], timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while not probe():
        assert time.monotonic() < deadline, "not within the time limit"
        time.sleep(0.02)


def test_one_sync_writes_the_snapshot_keyed_by_school_and_rejects_keyed_by_the_trust() -> None:
    produce = FakeProduce("events.directory.v1")
    report = run_sync(settings(), mock_directory, produce, settings().layout())
    assert (report.accounts, report.events, report.rejects) == (2, 4, 1)  # 2 accounts + 2 domain policies
    assert report.skipped == {"not under any school's OU": 1}  # the sync account itself
    assert report.records == len(produce.records)
    keys = {str(r.key).split("/")[0] for r in produce.records if r.topic == "events.directory.v1"}
    assert keys == {"elms-farm", "st-peters"}
    [reject] = [r for r in produce.records if r.topic == "events.rejected.v1"]
    assert reject.key == "trust"
    rejected = events_pb2.RejectedInput.FromString(reject.value)
    assert (rejected.format, rejected.school_id) == ("directory.ldap", "elms-farm")
    assert "pwdLastSet is not a number" in rejected.reason


async def test_a_failed_sync_is_recorded_and_the_next_one_runs() -> None:
    produce = FakeProduce("events.directory.v1")
    refused = "binding to ldaps://dc01 as CN=sync failed: invalidCredentials"
    failures: list[Exception] = [LdapConnectError(refused)]
    scheduler = SyncScheduler(
        lambda: run_sync(settings(), flaky(failures), produce, settings().layout()), interval_s=900
    )
    first = await scheduler.run_now()
    assert (first.ok, first.error) == (False, refused)
    assert scheduler.status().consecutive_failures == 1
    assert scheduler.status().last_success_at is None
    assert not produce.records
    second = await scheduler.run_now()
    assert (second.ok, second.accounts, second.error) == (True, 2, None)
    status = scheduler.status()
    assert (status.runs, status.consecutive_failures, status.last_success_at) == (2, 0, second.finished_at)


async def test_kafka_down_and_bugs_are_failures_too_never_raised() -> None:
    produce = FakeProduce("events.directory.v1")
    produce.failures = 1
    scheduler = SyncScheduler(lambda: run_sync(settings(), mock_directory, produce, settings().layout()), 900)
    assert (await scheduler.run_now()).error == "KafkaException: broker down"

    def bug() -> Any:
        raise KeyError("surprise")

    assert (await SyncScheduler(bug, 900).run_now()).error == "KeyError: 'surprise'"


def test_the_service_syncs_every_interval_and_shows_the_status() -> None:
    produce = FakeProduce("events.directory.v1")
    failures: list[Exception] = [LdapConnectError("connecting to ldaps://dc01 failed: timed out")]
    app = create_app(settings(ldap_sync_interval_s=0.05), produce, flaky(failures))
    with TestClient(app) as http:

        def synced_twice() -> bool:
            body = http.get("/v1/ldap-sync/status", headers=TRUST).json()
            return bool(body["runs"] >= 2 and body["last_run"]["ok"])

        eventually(synced_twice)
        assert http.get("/v1/ldap-sync/status", headers={"Authorization": "Bearer k-elms"}).status_code == 403
        status = http.get("/v1/ldap-sync/status", headers=TRUST).json()
        assert http.get("/readyz").json()["checks"] == {"ldap_sync_loop": True}
    assert status["enabled"] is True
    assert status["interval_s"] == 0.05
    assert status["consecutive_failures"] == 0
    assert status["last_run"]["accounts"] == 2
    assert status["last_run"]["skipped"] == {"not under any school's OU": 1}
    assert status["last_success_at"] is not None
    assert not failures, "the failed first attempt was followed by more"
    accounts = {event.account for event in produce.events()}
    assert accounts == {"jsmith", "told", ""}  # "" = the domain policy events


async def test_the_interval_counts_from_the_start_of_a_run() -> None:
    moments = iter(
        datetime(2026, 11, 24, 2, 0, tzinfo=UTC) + timedelta(seconds=s) for s in (0, 0, 30, 30, 31)
    )
    scheduler = SyncScheduler(
        lambda: (_ for _ in ()).throw(ValueError("x")), 900, clock=lambda: next(moments)
    )

    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run_forever(stop))
    await asyncio.sleep(0.05)
    assert scheduler.status().next_run_at == datetime(2026, 11, 24, 2, 15, 1, tzinfo=UTC)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert scheduler.status().next_run_at is None


# --- ingest-directory-sync ---------------------------------------------------------------------


def env_settings(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name in [*LDAP, "api_keys", "environment", "ldap_start_tls", "ldap_timeout_s"]:
        monkeypatch.delenv(f"INGEST_DIRECTORY_{name.upper()}", raising=False)
    for name, value in values.items():
        monkeypatch.setenv(f"INGEST_DIRECTORY_{name.upper()}", value)


def test_cli_dry_run_prints_the_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    env_settings(monkeypatch, environment="dev", **LDAP)
    out, err = io.StringIO(), io.StringIO()
    code = sync_cli.run(["--dry-run"], out, err, open_ldap=lambda _settings: mock_directory())
    assert code == 0, err.getvalue()
    assert out.getvalue().startswith("ldap sync: 2 staff account(s), 4 event(s), 1 reject(s)")
    assert "not written (dry run)" in out.getvalue()
    out = io.StringIO()
    assert sync_cli.run(["--dry-run", "--json"], out, err, open_ldap=lambda _s: mock_directory()) == 0
    assert json.loads(out.getvalue())["accounts"] == 2


def test_as_of_stamps_the_snapshot_with_that_time() -> None:
    produce = FakeProduce("events.directory.v1")
    as_of = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
    run_sync(settings(), mock_directory, produce, settings().layout(), as_of=as_of)
    records = [r for r in produce.records if r.topic == "events.directory.v1"]
    batches = [events_pb2.EventBatch.FromString(r.value) for r in records]
    assert {e.occurred_at.ToDatetime(UTC) for batch in batches for e in batch.events} == {as_of}


def test_cli_as_of_needs_a_zone(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    env_settings(monkeypatch, environment="dev", **LDAP)
    out = io.StringIO()
    args = ["--dry-run", "--json", "--as-of", "2026-11-24T06:00:00Z"]
    assert sync_cli.run(args, out, io.StringIO(), open_ldap=lambda _s: mock_directory()) == 0
    assert json.loads(out.getvalue())["accounts"] == 2
    with pytest.raises(SystemExit) as exit_info:
        sync_cli.run(["--as-of", "2026-11-24T06:00:00"], io.StringIO(), io.StringIO())
    assert exit_info.value.code == 2
    assert "has no time zone" in capsys.readouterr().err


def test_cli_bind_failure_exits_1_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    url = f"ldap://127.0.0.1:{port}"
    env_settings(monkeypatch, environment="dev", **{**LDAP, "ldap_url": url, "ldap_timeout_s": "2"})
    out, err = io.StringIO(), io.StringIO()
    assert sync_cli.run([], out, err) == 1
    assert err.getvalue().startswith(
        f"ingest-directory-sync: connecting to {url} failed: LDAPSocketOpenError"
    )
    assert not out.getvalue()


def test_cli_refused_bind_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    env_settings(monkeypatch, environment="dev", **LDAP)

    def refuse(settings: IngestDirectorySettings) -> Connection:
        raise LdapConnectError(
            f"binding to {settings.ldap_url} as {settings.ldap_bind_dn} refused: invalidCredentials"
        )

    err = io.StringIO()
    assert sync_cli.run([], io.StringIO(), err, open_ldap=refuse) == 1
    assert "refused: invalidCredentials" in err.getvalue()


def test_cli_without_ldap_url_or_with_bad_settings_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    env_settings(monkeypatch, environment="dev")
    err = io.StringIO()
    assert sync_cli.run([], io.StringIO(), err) == 2
    assert "INGEST_DIRECTORY_LDAP_URL is not set" in err.getvalue()
    env_settings(monkeypatch, environment="dev", ldap_url="ldap://dc01")
    err = io.StringIO()
    assert sync_cli.run([], io.StringIO(), err) == 2
    assert "LDAP_BIND_DN" in err.getvalue()


def test_connect_refuses_an_unconfigured_sync() -> None:
    with pytest.raises(LdapConnectError, match="not configured"):
        connect(IngestDirectorySettings(environment="dev"))


def test_a_dc_that_never_answers_fails_within_the_timeout() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()  # accepts (the kernel does) but never answers the bind
        port = listener.getsockname()[1]
        mute = settings(environment="dev", ldap_url=f"ldap://127.0.0.1:{port}", ldap_start_tls=False)
        mute = mute.model_copy(update={"ldap_timeout_s": 1})
        started = time.monotonic()
        with pytest.raises(LdapConnectError, match=f"binding to ldap://127.0.0.1:{port} as CN=sync"):
            connect(mute)
        assert time.monotonic() - started < 5
