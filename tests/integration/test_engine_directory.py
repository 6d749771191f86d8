"""The running policy-engine enriches events from its directory table (issue 5, item 1): an account
the trust's LDIF export names is judged as known; an account the directory never named is judged
all the same and its breach flagged (Breach.account_unknown); and the table, a global table over
a compacted changelog, comes back after the engine restarts."""

import uuid
from datetime import UTC, datetime

import httpx
import pytest
from confluent_kafka import Consumer

from tests.integration.engine_helpers import (
    breaches_from_now,
    collect_breaches,
    post,
    squid_line,
    wait_until_engine_committed,
)
from tests.integration.engine_workers import restart_policy_engine
from tests.stack import Stack

pytestmark = pytest.mark.integration

INGEST_DIRECTORY = "http://127.0.0.1:18130"


def ldif_entry(account: str) -> str:
    return (
        f"dn: CN=Staff {account},OU=Staff,OU=Elms Farm,DC=trust,DC=local\n"
        f"objectClass: user\nsAMAccountName: {account}\nuserAccountControl: 512\npwdLastSet: 0\n"
    )


def flags(consumer: Consumer, accounts: set[str]) -> dict[str, bool]:
    """The one NET-SOCIAL breach to come for each account: is it flagged as an unknown account?"""
    found = collect_breaches(consumer, [(account, "NET-SOCIAL") for account in accounts], 2, 120)
    assert all(len(breaches) == 1 for breaches in found.values()), found
    return {account: breaches[0].account_unknown for (account, _), breaches in found.items()}


def test_known_accounts_are_enriched_and_unknown_ones_flagged_also_after_a_restart(stack: Stack) -> None:
    known, ghost = f"dk{uuid.uuid4().hex[:8]}", f"dg{uuid.uuid4().hex[:8]}"
    answer = httpx.post(
        f"{INGEST_DIRECTORY}/v1/schools/trust/ldif", content=f"version: 1\n\n{ldif_entry(known)}", timeout=30
    )
    assert answer.status_code == 202, answer.text
    assert answer.json()["accepted"] == 1
    wait_until_engine_committed("events.directory.v1")  # the snapshot is in the table
    now = datetime.now(UTC).replace(microsecond=0)
    consumer = breaches_from_now()
    try:
        post(stack, [squid_line(known, now, "www.facebook.com"), squid_line(ghost, now, "www.facebook.com")])
        # The ghost is judged, not dropped, and flagged.
        assert flags(consumer, {known, ghost}) == {known: False, ghost: True}

        restart_policy_engine()  # the directory table is recovered from its changelog
        later = now.replace(second=(now.second + 1) % 60)
        post(
            stack, [squid_line(known, later, "www.twitter.com"), squid_line(ghost, later, "www.twitter.com")]
        )
        assert flags(consumer, {known, ghost}) == {known: False, ghost: True}
    finally:
        consumer.close()
