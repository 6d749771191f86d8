"""The demo day end to end, reduced: `invigilator-demo run` replays a generated school day of the
four-school trust through real peers — Squid (Debian's, under libfaketime, proxy auth), SMTP to
ingest-mail's journal receiver, slapd read by the directory sync, kcat producing Winlogbeat documents
— into the running stack, and the per-school totals must match the generator's ground truth: every
planted breach found (as a multiset of school, clause and account), no breach and no case for any
member of staff who only did clean work, one case per person and clause, alert e-mails where there
were breaches."""

import json
import secrets
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from invigilator_demo.day import plan_day
from tests.peers import peer_script, running_peer
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.integration

SCALE = 0.05
SEED = 1
# A ten-hour day in about a minute.
SPEED = 600
TIMEOUT_S = 1200


@pytest.fixture(scope="module")
def peers() -> Iterator[None]:
    """slapd shared with other sessions (leases); the demo Squid is the demo's own instance, which
    every run restarts (its fake clock starts with it) and which is stopped afterwards."""
    with running_peer("slapd"):
        try:
            yield
        finally:
            peer_script("squid", "stop-demo", 60)


def run_demo(tag: str, out: Path) -> tuple[dict, float]:  # type: ignore[type-arg]
    command = [
        str(ROOT / ".venv" / "bin" / "invigilator-demo"),
        "run",
        *("--scale", str(SCALE), "--seed", str(SEED), "--speed", str(SPEED)),
        *("--tag", tag, "--json", str(out), "--quiet", "15", "--wait", "480"),
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    took = time.monotonic() - started
    assert result.returncode == 0, f"{result.stdout[-6000:]}\n{result.stderr[-4000:]}"
    summary: dict = json.loads(out.read_text())  # type: ignore[type-arg]
    return summary, took


def test_demo_day_matches_the_ground_truth(stack: Stack, peers: None, tmp_path: Path) -> None:
    tag = "e2e" + secrets.token_hex(2)  # fresh accounts: a reused stack starts this run clean
    summary, took = run_demo(tag, tmp_path / "summary.json")
    plan = plan_day(SCALE, SEED, date.fromisoformat(summary["day"]), tag)
    assert summary["replay"]["failed"] == {"proxy": 0, "mail": 0, "endpoint": 0}, summary["replay"]["errors"]

    # Every planted breach was reported by the engine, as the source names the account.
    found = Counter((b["school"], b["clause"], b["account"].casefold()) for b in summary["breaches"])
    planted = Counter((p.school, p.clause, p.account.casefold()) for p in plan.planted)
    assert not planted - found, f"planted but not found: {sorted((planted - found).elements())}"

    for school in plan.schools:
        numbers = summary["schools"][school.id]
        expected = Counter(p.clause for p in plan.planted if p.school == school.id)
        assert numbers["planted_by_clause"] == dict(expected), school.id
        assert numbers["planted_found"] == sum(expected.values()), (school.id, numbers["missing"])
        clean = plan.clean_accounts[school.id]
        assert numbers["clean_accounts"] == len(clean)
        assert numbers["clean_accounts_with_breaches"] == [], school.id
        assert numbers["clean_accounts_with_cases"] == [], school.id
        # One open case per person and clause (breaches naming no account open none).
        assert numbers["cases"] == numbers["expected_cases"], school.id
        assert numbers["breaches"] >= sum(expected.values())
        assert numbers["alerts"] > 0, f"{school.id}: breaches but no alert e-mail about its cases"
        # Every record went out, and the stack ingested every web request and message of the day.
        assert numbers["events"]["proxy"] == numbers["sent"]["proxy"], school.id
        assert numbers["events"]["mail"] >= numbers["sent"]["mail"], school.id
    print(f"demo day at scale {SCALE}, ×{SPEED}: {took:.0f}s ({summary['timings']})")
