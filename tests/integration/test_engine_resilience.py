"""The running policy-engine's delivery guarantees (issue 5, items 3-5), on the real stack:

- OPA away: nothing is decided, nothing is skipped (offsets wait), and when OPA is back every
  breach arrives, once.
- A second worker joins the consumer group: the partitions are shared and every breach arrives
  once.
- A worker is killed (SIGKILL) mid-stream: nothing is lost on breaches.v1 — a take the dead worker
  published but had not committed is replayed by the survivor, so a breach may appear twice on the
  topic — and case-service, which dedupes by breach_id, holds each breach once and one case per
  person and clause, counting each breach once.

Records arriving while a worker joins are covered by the scale-out and kill tests: faust-streaming
alone could skip them (it resumed stream partitions before seeking them to the committed offsets);
the engine seeks first (policy-engine README, "Rebalances: seek before resume").

Every account is unique to its test run (a prefix), so a shared, busy stack does not disturb the
counts. Each test puts back what it changed (OPA, the extra worker, the stack's engine).
"""

import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from tests.integration.engine_helpers import (
    SCHOOL,
    BreachTally,
    committed_offsets,
    end_offsets,
    locate,
    post,
    post_in_chunks,
    social_breach_id,
    squid_line,
    wait_until_committed,
)
from tests.integration.engine_workers import (
    Worker,
    alive,
    ensure_stack_engine,
    group_assignment,
    kill_worker,
    opa,
    pid_of,
    running_worker,
    start_worker,
    stop_worker,
    wait_for_spread_group,
    wait_until_ready,
)
from tests.stack import Stack

pytestmark = pytest.mark.integration

DATABASE_URL = os.environ.get(
    "DATABASE_URL", "postgresql://invigilator:invigilator@127.0.0.1:15432/invigilator"
).replace("+psycopg", "")
SECOND = "policy-engine-2"
SECOND_WEB_PORT = 18201
# The extra worker's group session timeout: after a SIGKILL its partitions move on this much later
# (faust's default is 60 s).
SESSION_TIMEOUT_S = 10.0
# The stack is shared (benchmarks, other tests): this test's records may queue behind others'.
BUSY_S = 180.0


def social_lines(prefix: str, accounts: int, per_account: int) -> tuple[list[str], dict[str, str]]:
    """Facebook lines (each one NET-SOCIAL breach), round by round over `accounts` new accounts, a
    second apart; and the breach ids the engine must derive for them (breach id → account)."""
    now = datetime.now(UTC).replace(microsecond=0)
    names = [f"{prefix}{number:04d}" for number in range(accounts)]
    lines, expected = [], {}
    for second in range(per_account):
        for name in names:
            line = squid_line(name, now + timedelta(seconds=second), "www.facebook.com")
            lines.append(line)
            expected[social_breach_id(name, line)] = name
    return lines, expected


def new_prefix(kind: str) -> str:
    return f"{kind}{uuid.uuid4().hex[:8]}-"


@contextmanager
def second_worker() -> Iterator[tuple[Worker, Worker, dict[str, set[int]]]]:
    """The stack's engine and a second worker sharing the partitions, both done recovering; the
    second is stopped afterwards and the stack's engine left running."""
    first = running_worker()
    try:
        second = start_worker(SECOND, SECOND_WEB_PORT, SESSION_TIMEOUT_S)
        assigned = wait_for_spread_group(members=2, timeout_s=90)
        wait_until_ready([first, second], timeout_s=60)
        assert assigned[second.member_id()], assigned
        yield first, second, assigned
    finally:
        stop_worker(SECOND)  # after a kill: only removes the stale pid file
        ensure_stack_engine()
        # The next test must not post to partitions still held by a dead member.
        wait_for_spread_group(members=1, timeout_s=SESSION_TIMEOUT_S + 60)


# --- what case-service stored (PostgreSQL) -----------------------------------------------------


@dataclass(frozen=True)
class Stored:
    """What case-service holds for this test's accounts."""

    breaches: dict[str, str]  # breach_id → case id
    cases: dict[tuple[str, str], list[tuple[str, int]]]  # (account, clause) → [(case id, breach_count)]


def stored(prefix: str) -> Stored:
    with psycopg.connect(DATABASE_URL, connect_timeout=10) as connection:
        breach_rows = connection.execute(
            "SELECT b.breach_id, b.case_id::text FROM breaches b"
            " JOIN staff_identity i ON i.staff_id = b.staff_id WHERE i.school_id = %s AND i.account LIKE %s",
            (SCHOOL, prefix + "%"),
        ).fetchall()
        case_rows = connection.execute(
            "SELECT i.account, c.clause, c.id::text, c.breach_count FROM cases c"
            " JOIN staff_identity i ON i.staff_id = c.staff_id WHERE i.school_id = %s AND i.account LIKE %s",
            (SCHOOL, prefix + "%"),
        ).fetchall()
    cases: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for account, clause, case_id, count in case_rows:
        cases.setdefault((account, clause), []).append((case_id, count))
    return Stored({breach: case for breach, case in breach_rows}, cases)


def wait_until_stored(prefix: str, breaches: int, timeout_s: float) -> tuple[Stored, float]:
    """Waits until case-service stored `breaches` breaches of this test's accounts."""
    started = time.monotonic()
    found = stored(prefix)
    while len(found.breaches) < breaches and time.monotonic() - started < timeout_s:
        time.sleep(1)
        found = stored(prefix)
    return found, time.monotonic() - started


def test_opa_outage_delays_breaches_but_loses_and_doubles_none(stack: Stack) -> None:
    prefix = new_prefix("oo")
    lines, expected = social_lines(prefix, accounts=30, per_account=1)
    engine = running_worker()
    with BreachTally(prefix) as tally:
        try:
            opa("stop")
            since = end_offsets()  # anything after this was written with OPA away
            post(stack, lines)
            placement = locate(prefix, since, len(lines))
            tally.read(8.0)  # faust commits every ~3 s: room for a wrong commit to show
            assert alive(engine.pid), f"the engine died while OPA was away:\n{engine.log()[-3000:]}"
            assert not tally.counts, f"{len(tally.counts)} breaches decided with OPA stopped?"
            committed = committed_offsets()
            skipped = {p: committed[p] for p, first in placement.first().items() if committed[p] > first}
            assert not skipped, f"offsets committed past undecided records: {skipped} > {placement.first()}"
            assert "OPA unreachable" in engine.log(), "the engine did not report retrying OPA"
        finally:
            opa("start")
        took = tally.until(expected, limit_s=BUSY_S)
    lost = set(expected) - set(tally.counts)
    assert not lost, f"lost {len(lost)} of {len(expected)}"
    # OpaClient retries inside the take, before anything is produced: an outage alone must not
    # double a breach on the topic either.
    assert not tally.duplicates(), tally.duplicates()
    # Not stuck: after OPA came back the group committed past every record of this test.
    wait_until_committed(placement.past_last(), timeout_s=BUSY_S)
    print(f"\nOPA outage: {len(expected)} breaches, all once, {took:.1f}s after OPA was started again")


def test_a_second_worker_shares_the_partitions_and_every_breach_arrives_once(stack: Stack) -> None:
    prefix = new_prefix("so")
    lines, expected = social_lines(prefix, accounts=200, per_account=2)
    with second_worker() as (first, second, assigned), BreachTally(prefix) as tally:
        since = end_offsets()
        traces = post_in_chunks(stack, lines, chunk=100)
        placement = locate(prefix, since, len(lines))
        assert set(placement.offsets) == set(since), "this test's events must reach every partition"
        took = tally.until(expected, limit_s=BUSY_S)
        wait_until_committed(placement.past_last(), timeout_s=BUSY_S)
        # A rebalance in between would make replays (duplicates on the topic) legitimate.
        assert group_assignment()[1] == assigned, "the group rebalanced during the test"
        # Both workers judged records of this test's posts (each judge span continues a post's trace).
        for worker in (first, second):
            log = worker.log()
            assert any(f"0x{trace}" in log for trace in traces), f"{worker.name} judged none of them"
    lost = set(expected) - set(tally.counts)
    assert not lost, f"lost {len(lost)} of {len(expected)}: records {placement.unjudged(tally.counts)}"
    assert not tally.duplicates(), tally.duplicates()
    print(f"\ntwo workers {assigned}: {len(expected)} breaches, all once, in {took:.1f}s")


def test_a_worker_killed_mid_stream_loses_nothing_and_case_service_doubles_nothing(stack: Stack) -> None:
    prefix = new_prefix("wk")
    per_account, accounts, chunk = 10, 300, 100
    lines, expected = social_lines(prefix, accounts=accounts, per_account=per_account)
    with second_worker() as (_first, victim, assigned), BreachTally(prefix) as tally:
        since = end_offsets()
        # The first round names every account once: where it lands says whose accounts the victim holds.
        post_in_chunks(stack, lines[:accounts], chunk=chunk)
        victims = locate(prefix, since, accounts).accounts_on(assigned[victim.member_id()])
        victim_breaches = {b for b, account in expected.items() if account in victims}
        # Kill it as soon as some of its breaches are out while the stream still goes on: a fast
        # worker cannot finish its share first, because most of that share is not posted yet.
        posted = accounts
        while posted < len(lines) and not tally.counts.keys() & victim_breaches:
            post_in_chunks(stack, lines[posted : posted + chunk], chunk=chunk)
            posted += chunk
            tally.read(0.3)
        out_at_kill = len(tally.counts.keys() & victim_breaches)
        kill_worker(victim)
        assert 0 < out_at_kill < len(victim_breaches), (out_at_kill, len(victim_breaches), posted)
        post_in_chunks(stack, lines[posted:], chunk=chunk)  # the stream goes on; the takeover follows
        takeover = wait_for_spread_group(members=1, timeout_s=SESSION_TIMEOUT_S + 60)
        assert victim.member_id() not in takeover
        placement = locate(prefix, since, len(lines))
        took = tally.until(expected, limit_s=BUSY_S + 60)
        lost = set(expected) - set(tally.counts)
        assert not lost, f"lost {len(lost)} breaches: records {placement.unjudged(tally.counts)}"
        assert set(tally.counts) == set(expected), "breaches nobody expected"
        wait_until_committed(placement.past_last(), timeout_s=BUSY_S)

    # Downstream: each breach once, one case per person and clause that counts each breach once.
    held, stored_in = wait_until_stored(prefix, len(expected), timeout_s=300)
    assert set(held.breaches) == set(expected), (
        f"case-service misses {len(set(expected) - set(held.breaches))}"
    )
    assert set(held.cases) == {(account, "NET-SOCIAL") for account in set(expected.values())}
    doubled = {key: cases for key, cases in held.cases.items() if len(cases) != 1}
    assert not doubled, f"more than one case for one person and clause: {doubled}"
    miscounted = {key: cases for key, cases in held.cases.items() if cases[0][1] != per_account}
    assert not miscounted, f"breach_count counted a replayed breach twice: {miscounted}"
    case_of = {account: cases[0][0] for (account, _clause), cases in held.cases.items()}
    assert all(held.breaches[breach] == case_of[account] for breach, account in expected.items())
    assert alive(pid_of("policy-engine"))
    print(
        f"\nworker killed with {out_at_kill}/{len(victim_breaches)} of its breaches out: all "
        f"{len(expected)} on breaches.v1 in {took:.1f}s, {len(tally.duplicates())} of them twice "
        f"(replayed takes); case-service held each once {stored_in:.1f}s later"
    )
