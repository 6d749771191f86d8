"""Fixtures of the workspace's browser tests (marker `integration`).

They run against the local stack (Kafka, PostgreSQL, OPA, the dev OIDC issuer with its login page,
the case-service ingesting `breaches.v1`), started like tests/conftest.py does when not running.
The case-service the workspace talks to is the real app (`case_service.app.create_app`) served in
this process on a free port against the stack's database, with a settable clock: the disciplinary
walk needs days to pass (5 working days' notice before a hearing, an appeal window afterwards).
The workspace under test is this checkout's app, also served here on a free port. Both servers and
the browser live as long as the test module, so nothing of them outlasts the browser tests. Chromium is
Debian's (`/usr/bin/chromium`, scripts/stack/tools.sh ensure_chromium), driven by Playwright.
"""

import os
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from google.protobuf.timestamp_pb2 import Timestamp

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / ".local" / "artifacts" / "web"
DEV_OIDC_URL = f"http://127.0.0.1:{os.environ.get('DEV_OIDC_PORT', '18390')}"
CASE_SERVICE_URL = f"http://127.0.0.1:{os.environ.get('CASE_SERVICE_PORT', '18300')}"
DEV_OIDC_KEY = ROOT / ".local" / "dev-oidc" / "signing-key.pem"
CHROMIUM = "/usr/bin/chromium"
TIMEOUT_MS = 45_000  # generous: a loaded 2-core machine


class Clock:
    """The in-process case-service's "now": the real time plus an offset the test moves forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def set(self, at: datetime) -> None:
        self.offset = at - datetime.now(UTC)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app: FastAPI, port: int) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True, name=f"uvicorn-{port}").start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app on port {port} did not start within 60 s")
        time.sleep(0.05)
    return server


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


def _has_login_page() -> bool:
    try:
        discovery = httpx.get(f"{DEV_OIDC_URL}/.well-known/openid-configuration", timeout=3).json()
    except (httpx.HTTPError, ValueError):
        return False
    return "authorization_endpoint" in discovery


@pytest.fixture(scope="session")
def stack() -> None:
    """The local stack, started when it is not running (idempotent scripts)."""
    if not (_ok(f"{CASE_SERVICE_URL}/readyz") and _ok(f"{DEV_OIDC_URL}/jwks.json")):
        for args in (["scripts/stack/up.sh"], ["scripts/stack/services.sh", "start"]):
            result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
            if result.returncode != 0:
                pytest.fail(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    if not _has_login_page():
        pytest.fail(
            "the dev OIDC issuer has no login page (authorization_endpoint): it predates dev_login.py; "
            "restart it with 'scripts/stack/services.sh restart dev-oidc'"
        )
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: run '. scripts/stack/tools.sh && ensure_chromium' (apt-get)")


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(autouse=True)
def _real_time_first(clock: Clock) -> None:
    """Every test starts at the real time; a test that needs days to pass moves the clock itself."""
    clock.offset = timedelta()


@pytest.fixture(scope="module")
def case_api(stack: None, clock: Clock) -> Iterator[str]:
    """The case-service's GraphQL URL: the real app with the settable clock, the stack's database,
    OPA and dev issuer (its JWKS over HTTP, as in dev)."""
    from case_service.app import create_app
    from case_service.settings import CaseServiceSettings

    settings = CaseServiceSettings(environment="dev", run_migrations=False)
    server = serve(create_app(settings, run_loops=False, clock=clock), port := free_port())
    yield f"http://127.0.0.1:{port}/graphql"
    server.should_exit = True


@pytest.fixture(scope="module")
def web_url(case_api: str) -> Iterator[str]:
    """This checkout's workspace, served on a free port, talking to `case_api`."""
    from invigilator_web.app import create_app
    from invigilator_web.settings import WebSettings

    port = free_port()
    settings = WebSettings(environment="dev", http_port=port, case_service_url=case_api)
    server = serve(create_app(settings), port)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True


@dataclass(frozen=True)
class SeededCase:
    case_id: str
    school: str
    account: str
    breach_id: str


def _token(role: str, school: str) -> str:
    from case_service.auth.dev_issuer import DevIssuer

    return DevIssuer.from_key_file(DEV_OIDC_KEY).mint(f"web-test-{role}", [role], [school], ttl_s=600)


def _case_with(api: str, token: str, school: str, clause: str, breach: str) -> str | None:
    query = (
        """query($w: CaseFilter) { cases(where: $w, first: 100) { nodes { id breaches { breachId } } } }"""
    )
    response = httpx.post(
        api,
        json={"query": query, "variables": {"w": {"schoolId": school, "clause": clause}}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=15,
    )
    response.raise_for_status()
    for node in response.json()["data"]["cases"]["nodes"]:
        if breach in {b["breachId"] for b in node["breaches"]}:
            return str(node["id"])
    return None


@pytest.fixture(scope="module")
def seed_case(case_api: str) -> Callable[..., SeededCase]:
    """Produces one Breach to `breaches.v1` (as the policy engine would) for a new account and
    waits until the stack's case-service opened its case."""
    from confluent_kafka import Producer

    from invigilator.breaches.v1 import breaches_pb2

    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:19092")
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})

    def seed(school: str = "elms-farm", clause: str = "NET-ADULT", timeout_s: float = 90) -> SeededCase:
        account = f"web-{uuid.uuid4().hex[:10]}"
        breach = f"web-test-{uuid.uuid4().hex}"
        now = Timestamp()
        now.FromDatetime(datetime.now(UTC))
        record = breaches_pb2.Breach(
            breach_id=breach,
            clause=clause,
            title="Accessing adult content" if clause == "NET-ADULT" else clause,
            severity=breaches_pb2.SEVERITY_HIGH,
            owner=breaches_pb2.OWNER_HR,
            gross_misconduct=False,
            kind="A",
            school_id=school,
            account=account,
            policy_ref="Internet use ¶3",
            reason="proxy.category is adult (web test)",
            evidence_event_ids=[f"ev-{breach}"],
            evidence={"host": "adult.example"},
            occurred_at=now,
            detected_at=now,
            decision_id=f"dec-{breach}",
            policy_revision="web-test",
        )
        producer.produce("breaches.v1", key=f"{school}/{account}".encode(), value=record.SerializeToString())
        if producer.flush(30) != 0:
            pytest.fail("the breach was not delivered to Kafka within 30 s")
        token = _token("hr", school)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            case_id = _case_with(case_api, token, school, clause, breach)
            if case_id:
                return SeededCase(case_id, school, account, breach)
            time.sleep(0.5)
        pytest.fail(f"the case-service opened no case for breach {breach} within {timeout_s}s")

    return seed


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"], timeout=120_000
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[[], Any]]:
    """Pages in fresh browser contexts (one per signed-in person), closed after the test."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in(web_url: str) -> Callable[..., None]:
    """Signs `page` in through the OIDC flow: the workspace → the dev issuer's page → back."""
    from playwright.sync_api import expect

    def do(page: Any, role: str, school: str = "elms-farm", subject: str = "") -> None:
        page.goto(f"{web_url}/cases")
        expect(page.get_by_role("heading", name="Dev sign-in")).to_be_visible()
        page.locator(f"input[name=role][value={role}]").check()
        page.get_by_label("Schools").fill(school)
        page.get_by_label("Subject").fill(subject)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Case queue")).to_be_visible()

    return do


def screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def shot() -> Callable[[Any, str], Path]:
    return screenshot
