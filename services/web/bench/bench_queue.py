"""How long the workspace's case queue takes to load with 500 cases (p50, p90, p99).

Not part of `make test`. Needs the stack's PostgreSQL (DATABASE_URL, default the dev URL) and OPA
(OPA_URL, default http://127.0.0.1:18181), and /usr/bin/chromium for the browser figure:

    uv run python services/web/bench/bench_queue.py [--cases 500] [--loads 100]

Nothing it does touches other data: it migrates a throw-away schema and ingests `--cases` cases
there (one breach each, two schools) the way the consumer does, then serves in this process, each
with uvicorn on a free port: a dev OIDC issuer with its own fresh key (login page included), the
real case-service app on that schema trusting that key, and the real workspace. It signs in as an HR
case worker of both schools through the OIDC flow and loads `/cases` (the first page of 50 of the
500 open cases, newest first): `--loads` sequential HTTP GETs (server time: the workspace's GraphQL
call, OPA's scope query, SQL, the template), then `--loads` navigations in Chromium (the whole page
load with its CSS and htmx, until the `load` event). The schema is dropped at the end.
"""

import argparse
import asyncio
import html
import os
import re
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa
import uvicorn
from google.protobuf.timestamp_pb2 import Timestamp

from case_service.app import create_app as create_case_service
from case_service.auth.dev_issuer import DevIssuer, dev_issuer_app
from case_service.auth.settings import ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator
from case_service.db.engine import make_engine, make_sessionmaker
from case_service.db.migrate import upgrade_to_head
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.settings import DEV_DATABASE_URL, CaseServiceSettings
from invigilator.breaches.v1 import breaches_pb2
from invigilator_web.app import create_app
from invigilator_web.settings import WebSettings

KEY = "web-bench-pseudonym-key-not-secret-at-all"
CLAUSES = ("NET-SOCIAL", "NET-STREAMING", "NET-GAMBLING", "NET-WEBMAIL")

SCHOOLS = "elms-farm,st-peters"


@contextmanager
def throwaway_schema(base: str) -> Iterator[str]:
    engine = sa.create_engine(base)
    schema = f"web_bench_{uuid.uuid4().hex[:8]}"
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


def breach(n: int) -> breaches_pb2.Breach:
    ts = Timestamp()
    ts.FromDatetime(datetime.now(UTC) - timedelta(days=n % 30, minutes=n))
    return breaches_pb2.Breach(
        breach_id=f"web-bench-{n}",
        clause=CLAUSES[n % len(CLAUSES)],
        title="bench breach",
        severity=(breaches_pb2.SEVERITY_MEDIUM, breaches_pb2.SEVERITY_HIGH)[n % 2],
        owner=breaches_pb2.OWNER_HR,
        kind="A",
        school_id=SCHOOLS.split(",")[n % 2],
        account=f"web-bench-user-{n}",
        policy_ref="Internet use ¶3",
        reason="proxy.host in a category the policy names",
        evidence_event_ids=[f"e-{n}"],
        evidence={"host": "example.test"},
        occurred_at=ts,
        detected_at=ts,
        decision_id=f"d-{n}",
        policy_revision="bench",
    )


async def seed(url: str, cases: int) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    for n in range(cases):
        facts = parse_breach(breach(n).SerializeToString())
        staff = pseudonym(KEY.encode(), facts.school_id, facts.account)
        async with sessions() as session, session.begin():
            await store_breach(
                session, facts, staff, case_events_topic="case-events.v1", headers=[], now=facts.occurred_at
            )
    await engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def serve_app(app: Any, port: int) -> None:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit(f"the app on port {port} did not start")
        time.sleep(0.05)


def case_service(url: str, issuer: DevIssuer) -> Any:
    settings = CaseServiceSettings(environment="dev", database_url=url, pseudonym_key=KEY)
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    return create_case_service(settings, run_loops=False, validator=validator)


def sign_in(client: httpx.Client, web: str) -> None:
    """The OIDC flow by hand: workspace → the issuer's login page → its form → the callback."""
    login = client.get(f"{web}/login?next=/cases")
    page = client.get(login.headers["location"])
    hidden = {
        k: html.unescape(v) for k, v in re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', page.text)
    }
    action = login.headers["location"].split("?")[0]
    answer = client.post(action, data={**hidden, "role": "hr", "schools": SCHOOLS, "subject": "bench-hr"})
    done = client.get(answer.headers["location"])
    if done.headers.get("location") != "/cases":
        raise SystemExit(f"sign-in failed: {done.status_code} {done.text[:200]}")


MARKS = ("responseEnd", "domContentLoadedEventEnd", "loadEventEnd")


def browser_loads(
    web: str, cookie: str, loads: int, warmup: int
) -> tuple[list[float], dict[str, list[float]]]:
    """Per load: the time `page.goto` took (Playwright's round trips included) and the browser's own
    Navigation Timing marks (from the start of the navigation)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1366, "height": 900})
        context.add_cookies([{"name": "invigilator_web", "value": cookie, "url": web}])
        page = context.new_page()
        timings: list[float] = []
        navigation: dict[str, list[float]] = {mark: [] for mark in MARKS}
        for i in range(warmup + loads):
            t0 = time.perf_counter()
            page.goto(f"{web}/cases", wait_until="load", timeout=60_000)
            elapsed = (time.perf_counter() - t0) * 1000
            if page.locator("tr[data-case-id]").count() != 50:
                raise SystemExit("the queue page did not list 50 cases")
            if i >= warmup:
                timings.append(elapsed)
                entry = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
                for mark in MARKS:
                    navigation[mark].append(float(entry[mark]))
        browser.close()
    return timings, navigation


def report(what: str, timings: list[float]) -> None:
    print(
        f"  {what}: p50 {percentile(timings, 50):.1f} ms   p90 {percentile(timings, 90):.1f} ms   "
        f"p99 {percentile(timings, 99):.1f} ms   mean {statistics.mean(timings):.1f} ms   (n={len(timings)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--loads", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", DEV_DATABASE_URL)
    with throwaway_schema(base) as url:
        started = time.monotonic()
        asyncio.run(seed(url, args.cases))
        print(f"seeded {args.cases} cases in a throw-away schema in {time.monotonic() - started:.1f}s")
        issuer_port, api_port, web_port = free_port(), free_port(), free_port()
        issuer = DevIssuer.generate(f"http://127.0.0.1:{issuer_port}")
        serve_app(dev_issuer_app(issuer), issuer_port)
        serve_app(case_service(url, issuer), api_port)
        web = f"http://127.0.0.1:{web_port}"
        settings = WebSettings(
            environment="dev",
            http_port=web_port,
            oidc_issuer=issuer.issuer,
            case_service_url=f"http://127.0.0.1:{api_port}/graphql",
        )
        serve_app(create_app(settings), web_port)
        load = os.getloadavg()
        with httpx.Client(timeout=60) as client:
            sign_in(client, web)
            timings: list[float] = []
            for i in range(args.warmup + args.loads):
                t0 = time.perf_counter()
                response = client.get(f"{web}/cases")
                elapsed = (time.perf_counter() - t0) * 1000
                if response.status_code != 200 or response.text.count("data-case-id=") != 50:
                    raise SystemExit(f"unexpected queue page: {response.status_code}")
                if i >= args.warmup:
                    timings.append(elapsed)
            cookie = client.cookies["invigilator_web"]
        print(f"queue page, first 50 of {args.cases} open cases (load average before: {load[0]:.1f}):")
        report("HTTP GET /cases (server)", timings)
        if not args.no_browser:
            goto, navigation = browser_loads(web, cookie, args.loads, args.warmup)
            report("Chromium page load, page.goto until load", goto)
            for mark in MARKS:
                report(f"Chromium Navigation Timing {mark}", navigation[mark])


if __name__ == "__main__":
    main()
