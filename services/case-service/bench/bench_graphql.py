"""GraphQL latency of listing 50 cases with their breaches and schools, and SQL queries per request.

Not part of `make test`. Needs the stack's PostgreSQL (DATABASE_URL, default the dev URL) and OPA
(OPA_URL, default http://127.0.0.1:18181, with policies-rego/authz loaded):

    uv run python services/case-service/bench/bench_graphql.py [--cases 200] [--requests 300]

It migrates a throw-away schema, ingests `--cases` cases (each with `--breaches` breaches, over
two schools) the way the consumer does, serves the real app with uvicorn on a free local port in
a thread, and sends `--requests` sequential POSTs of the query below over HTTP with a bearer
token (validated against the dev issuer's key set; the scope is asked of OPA on every request).
SQL statements are counted with SQLAlchemy's `before_cursor_execute` event, and the process's CPU
time per request is printed beside the wall-clock latency (the latter suffers most when the machine
is busy). The schema is dropped at the end.
"""

import argparse
import asyncio
import gc
import os
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
from sqlalchemy import event
from sqlalchemy.engine import Engine

from case_service.app import create_app
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.tokens import StaticKeys, TokenValidator
from case_service.db.engine import make_engine, make_sessionmaker
from case_service.db.migrate import upgrade_to_head
from case_service.db.store import store_breach
from case_service.domain.breaches import parse_breach
from case_service.domain.pseudonym import pseudonym
from case_service.main import tune_gc
from case_service.settings import DEV_DATABASE_URL, CaseServiceSettings
from invigilator.breaches.v1 import breaches_pb2

QUERY = """query($first: Int!) { cases(first: $first) { nodes {
  id schoolId staff clause severity status breachCount
  school { id name }
  breaches { breachId clause reason occurredAt policyRef decisionId } } } }"""
KEY = b"bench-pseudonym-key"
SCHOOLS = ("elms-farm", "st-peters")
CLAUSES = ("NET-SOCIAL", "NET-STREAMING", "NET-GAMBLING", "NET-WEBMAIL")


@contextmanager
def throwaway_schema(base: str) -> Iterator[str]:
    engine = sa.create_engine(base)
    schema = f"case_bench_{uuid.uuid4().hex[:8]}"
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


def breach(n: int, k: int) -> breaches_pb2.Breach:
    occurred = datetime(2026, 3, 2, 8, tzinfo=UTC) + timedelta(minutes=n * 7 + k)
    ts = Timestamp()
    ts.FromDatetime(occurred)
    return breaches_pb2.Breach(
        breach_id=f"bench-{n}-{k}",
        clause=CLAUSES[n % len(CLAUSES)],
        title="bench breach",
        severity=breaches_pb2.SEVERITY_HIGH,
        owner=breaches_pb2.OWNER_HR,
        gross_misconduct=False,
        kind="A",
        school_id=SCHOOLS[n % len(SCHOOLS)],
        account=f"bench-user-{n}",
        policy_ref="Systems Use and Data Security ¶6",
        reason="proxy.host in a category the policy names",
        evidence_event_ids=[f"e-{n}-{k}"],
        evidence={"host": "example.test"},
        occurred_at=ts,
        detected_at=ts,
        decision_id=f"d-{n}-{k}",
        policy_revision="bench",
    )


async def seed(url: str, cases: int, per_case: int) -> None:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    for n in range(cases):
        for k in range(per_case):
            facts = parse_breach(breach(n, k).SerializeToString())
            staff = pseudonym(KEY, facts.school_id, facts.account)
            async with sessions() as session, session.begin():
                await store_breach(
                    session,
                    facts,
                    staff,
                    case_events_topic="case-events.v1",
                    headers=[],
                    now=facts.occurred_at,
                )
    await engine.dispose()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, issuer: DevIssuer, port: int) -> uvicorn.Server:
    settings = CaseServiceSettings(environment="dev", database_url=url, pseudonym_key=KEY.decode() * 2)
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    app = create_app(settings, run_loops=False, validator=validator)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise SystemExit("the app did not start")
        time.sleep(0.05)
    return server


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--breaches", type=int, default=3, help="per case")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--page", type=int, default=50)
    parser.add_argument("--default-gc", action="store_true", help="keep CPython's GC thresholds (no tune_gc)")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", DEV_DATABASE_URL)
    with throwaway_schema(base) as url:
        started = time.monotonic()
        asyncio.run(seed(url, args.cases, args.breaches))
        print(f"seeded {args.cases} cases × {args.breaches} breaches in {time.monotonic() - started:.1f}s")
        issuer = DevIssuer.generate()
        token = issuer.mint("bench-hr", ["hr"], list(SCHOOLS))
        port = free_port()
        server = serve(url, issuer, port)
        if not args.default_gc:
            tune_gc()  # as case_service.main does before serving
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            statements.append(statement)

        event.listen(Engine, "before_cursor_execute", count)
        latencies: list[float] = []
        cpu: list[float] = []
        per_request: list[int] = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            body = {"query": QUERY, "variables": {"first": args.page}}
            headers = {"Authorization": f"Bearer {token}"}
            for i in range(args.warmup + args.requests):
                statements.clear()
                t0, c0 = time.perf_counter(), time.process_time()
                response = client.post("/graphql", json=body, headers=headers)
                elapsed, used = time.perf_counter() - t0, time.process_time() - c0
                payload = response.json()
                nodes = payload["data"]["cases"]["nodes"]
                if len(nodes) != args.page or not all(node["breaches"] for node in nodes):
                    raise SystemExit(f"unexpected answer: {payload}")
                if i >= args.warmup:
                    latencies.append(elapsed * 1000)
                    cpu.append(used * 1000)
                    per_request.append(len(statements))
        event.remove(Engine, "before_cursor_execute", count)
        server.should_exit = True
        breaches = sum(len(n["breaches"]) for n in nodes)
        print(
            f"listing {args.page} cases with {breaches} breaches and their schools, "
            f"{args.requests} sequential requests over HTTP (uvicorn, one OPA scope query each):"
        )
        print(
            f"  p50 {percentile(latencies, 50):.1f} ms   p99 {percentile(latencies, 99):.1f} ms   "
            f"mean {statistics.mean(latencies):.1f} ms   max {max(latencies):.1f} ms"
        )
        print(
            f"  CPU time of this process per request (server and client; less sensitive to other load): "
            f"p50 {percentile(cpu, 50):.1f} ms, p99 {percentile(cpu, 99):.1f} ms"
        )
        load = os.getloadavg()
        print(f"  load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
        collector = "CPython defaults" if args.default_gc else "tune_gc()"
        print(f"  garbage collector: {collector}, thresholds {gc.get_threshold()}")
        tables = ", ".join(s.split("FROM")[1].split()[0] for s in statements if "FROM" in s)
        print(f"  SQL statements per request: min {min(per_request)}, max {max(per_request)} (FROM {tables})")


if __name__ == "__main__":
    main()
