"""One Squid line travels the whole real path: HTTP → Kafka → faust → OPA → breach → case in
PostgreSQL → GraphQL → e-mail through SMTP, in one trace, and a replay creates nothing new."""

import mailbox
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import Message
from typing import Any, TypeVar

import httpx
import pytest

from case_service.auth.dev_issuer import DevIssuer
from policy_engine.decisions import breach_id
from svckit.ingest import event_id
from tests.stack import ROOT, Stack

pytestmark = pytest.mark.integration

T = TypeVar("T")
CASES_QUERY = """
query Cases($school: String) {
  cases(first: 100, where: {schoolId: $school, clause: "NET-SOCIAL"}) {
    nodes { id schoolId staff clause severity status breachCount breaches { breachId } }
  }
}
"""
# The dev stack's case-service trusts the dev OIDC issuer (scripts/stack/services.sh: dev-oidc),
# whose key is this file: a token minted with it is what an HR case worker of elms-farm would send.
DEV_OIDC_KEY = ROOT / ".local" / "dev-oidc" / "signing-key.pem"


def hr_token() -> str:
    return DevIssuer.from_key_file(DEV_OIDC_KEY).mint("walking-skeleton-hr", ["hr"], ["elms-farm"], ttl_s=600)


def eventually(probe: Callable[[], T | None], timeout_s: float, what: str) -> T:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.25)
    pytest.fail(f"not within {timeout_s}s: {what}")


def squid_line(account: str, host: str) -> str:
    stamp = f"{datetime.now(UTC).timestamp():.3f}"
    return f"{stamp}    120 10.20.1.99 TCP_TUNNEL/200 4096 CONNECT {host}:443 {account} HIER_DIRECT/1.2.3.4 -"


def social_breach(account: str, line: str) -> str:
    """The breach id the engine must derive for this line: computed by the same pure functions."""
    return breach_id("NET-SOCIAL", "elms-farm", account, [event_id("proxy.squid", "elms-farm", line)])


def post(stack: Stack, line: str) -> dict[str, Any]:
    response = httpx.post(
        f"{stack.ingest_proxy_url}/v1/schools/elms-farm/squid",
        content=line + "\n",
        headers={"Content-Type": "text/plain"},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    return body


def cases_with(stack: Stack, breach: str) -> list[dict[str, Any]]:
    response = httpx.post(
        f"{stack.case_service_url}/graphql",
        json={"query": CASES_QUERY, "variables": {"school": "elms-farm"}},
        headers={"Authorization": f"Bearer {hr_token()}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    payload = response.json()
    assert "errors" not in payload, payload
    nodes = payload["data"]["cases"]["nodes"]
    # One GraphQL request reads in one snapshot: a case's count and its list agree in every response.
    for c in nodes:
        assert c["breachCount"] == len(c["breaches"]), c
    return [c for c in nodes if breach in {b["breachId"] for b in c["breaches"]}]


def alert_with_trace(stack: Stack, trace_id: str) -> Message | None:
    if not (stack.maildir / "new").exists():
        return None
    for message in mailbox.Maildir(stack.maildir, create=False):
        if message["X-Invigilator-Trace-Id"] == trace_id:
            return message
    return None


def test_facebook_line_becomes_one_case_and_one_alert(stack: Stack) -> None:
    account = f"it-{uuid.uuid4().hex[:10]}"  # unique, so a reused stack starts this test clean
    line = squid_line(account, "www.facebook.com")
    accepted = post(stack, line)
    assert (accepted["accepted"], accepted["rejected"]) == (1, 0)
    expected_breach = social_breach(account, line)

    [case] = eventually(lambda: cases_with(stack, expected_breach), 30, "the case in GraphQL")
    assert (case["clause"], case["severity"], case["status"]) == ("NET-SOCIAL", "high", "open")
    assert account not in case["staff"], "GraphQL must show the pseudonym, not the account"

    alert = eventually(lambda: alert_with_trace(stack, accepted["trace_id"]), 30, "the alert e-mail")
    assert alert["To"] == "slg@elmsfarm.example.sch.uk"
    assert "NET-SOCIAL" in alert["Subject"]
    raw = alert.as_bytes()
    assert account.encode() not in raw
    assert b"facebook" not in raw.lower()

    # One trace from the HTTP request to the e-mail: every service logged a span of it.
    for service in ("ingest-proxy", "policy-engine", "case-service", "alerter"):
        log = (stack.logs / f"{service}.log").read_text(errors="replace")
        assert f"0x{accepted['trace_id']}" in log, f"{service} logged no span of trace {accepted['trace_id']}"

    # The same line again is the same event and the same breach: nothing new. A second, different
    # line of the same account follows it through the same partitions, so once that one has joined
    # the case, the replay has certainly been processed too.
    post(stack, line)
    marker_line = squid_line(account, "www.instagram.com")
    post(stack, marker_line)
    marker = social_breach(account, marker_line)
    [joined] = eventually(lambda: cases_with(stack, marker), 30, "the follow-up breach in the case")
    assert joined["id"] == case["id"]
    assert joined["breachCount"] == 2
    assert sorted(b["breachId"] for b in joined["breaches"]) == sorted([expected_breach, marker])
