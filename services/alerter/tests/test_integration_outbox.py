"""Nothing lost, nothing twice: an SMTP outage with a restart in the middle, then recovery; a
webhook that refuses for good surfaces in GraphQL and the metrics, and can be requeued."""

from collections import Counter
from datetime import timedelta

import pytest

from alerter.api.app import create_app
from alerter.loops import OutboxSender
from alerter.testing import case_event
from alerter.testkit import Harness, harness_settings, parse_alert_ids

pytestmark = pytest.mark.integration

FAILING = "{ failingDestinations { channel destination schoolIds failed retrying lastError } }"


async def test_smtp_outage_then_recovery_loses_nothing_and_sends_nothing_twice(harness: Harness) -> None:
    harness.smtp.stop()
    for index in range(5):
        event = case_event(event_id=f"e{index}", case_id=f"c-{index}", school="st-peters")
        assert await harness.feed(event) == "immediate"
    # Five attempts each, with exponential back-off (5 s, 10 s, 20 s, 40 s): all still pending.
    for wait in (0, 5, 10, 20, 40):
        harness.clock.now += timedelta(seconds=wait)
        report = await harness.parts.sender.send_due()
        assert (report.sent, report.retrying, report.failed) == (0, 5, 0)
    # Not due yet: the next retry is 60 s (the cap) after the last attempt.
    harness.clock.now += timedelta(seconds=59)
    assert (await harness.parts.sender.send_due()).retrying == 0
    token = harness.token(["it_ops"], [])
    [failing] = (await harness.gql(token, FAILING))["failingDestinations"]
    assert failing["destination"] == "slg@stpeters.example.sch.uk"
    assert (failing["channel"], failing["failed"], failing["retrying"]) == ("email", 0, 5)
    assert "SMTP unreachable" in failing["lastError"]
    assert harness.metric("alerter.destinations.failing_count") == [({}, 1)]
    # The school's SLG sees it (their school), another school's SLG does not.
    assert (await harness.gql(harness.token(["slg"], ["st-peters"]), FAILING))["failingDestinations"]
    assert not (await harness.gql(harness.token(["slg"], ["elms-farm"]), FAILING))["failingDestinations"]

    # The alerter restarts during the outage: a new sender over the same tables resumes.
    settings = harness_settings(harness.database_url, harness.smtp)
    restarted = create_app(
        settings, harness.config, run_loops=False, clock=harness.clock, metrics=harness.metrics
    )
    async with restarted.router.lifespan_context(restarted):
        sender: OutboxSender = restarted.state.parts.sender
        harness.smtp.start()
        harness.clock.now += timedelta(seconds=1)
        report = await sender.send_due()
        assert (report.sent, report.retrying, report.failed) == (5, 0, 0)
        assert (await sender.send_due()).sent == 0
    assert (await harness.parts.sender.send_due()).sent == 0  # the old one finds nothing either
    ids = parse_alert_ids(harness.mail_to("slg@stpeters.example.sch.uk"))
    assert len(ids) == 5
    assert set(Counter(ids).values()) == {1}
    assert (await harness.gql(token, FAILING))["failingDestinations"] == []
    sent = sum(value for _attrs, value in harness.metric("alerter.deliveries.sent"))
    assert sent == 5


async def test_a_webhook_refusing_for_good_is_failed_surfaced_and_can_be_requeued(harness: Harness) -> None:
    harness.webhooks.answer = 404
    assert await harness.feed(case_event()) == "immediate"
    report = await harness.parts.sender.send_due()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 1)  # the e-mail went; Teams refused
    assert len(harness.mail_to("slg@elmsfarm.example.sch.uk")) == 1
    token = harness.token(["it_ops"], [])
    [failing] = (await harness.gql(token, FAILING))["failingDestinations"]
    assert failing == {
        "channel": "teams",
        "destination": "elms-teams",
        "schoolIds": ["elms-farm"],
        "failed": 1,
        "retrying": 0,
        "lastError": "webhook answered HTTP 404",
    }
    errors = harness.metric("alerter.deliveries.errors")
    assert [(attrs["channel"], attrs["permanent"], value) for attrs, value in errors] == [("teams", True, 1)]
    assert harness.metric("alerter.destinations.failing") == [
        ({"channel": "teams", "destination": "elms-teams"}, 1)
    ]
    # Only IT ops may requeue; after the channel is fixed the message goes.
    retry = 'mutation { retryDestination(channel: "teams", destination: "elms-teams") }'
    refused = await harness.client.post(
        "/graphql",
        json={"query": retry},
        headers={"Authorization": f"Bearer {harness.token(['headteacher'], ['elms-farm'])}"},
    )
    assert refused.json()["errors"][0]["message"] == "only IT ops may requeue a destination"
    harness.webhooks.answer = 200
    assert (await harness.gql(token, retry))["retryDestination"] == 1
    assert (await harness.parts.sender.send_due()).sent == 1
    assert len(harness.webhooks.json("/elms-teams")) == 1
    assert (await harness.gql(token, FAILING))["failingDestinations"] == []


async def test_a_webhook_that_is_down_is_retried_with_back_off(harness: Harness) -> None:
    harness.webhooks.answer = 503
    await harness.feed(case_event(severity="medium", owner="it", clause="MALWARE-DETECTED", title="Malware"))
    report = await harness.parts.sender.send_due()
    assert (report.sent, report.retrying) == (1, 1)  # IT ops mailbox sent; Slack retried
    harness.webhooks.answer = 200
    assert (await harness.parts.sender.send_due()).sent == 0  # back-off: not yet
    harness.clock.now += timedelta(seconds=5)
    assert (await harness.parts.sender.send_due()).sent == 1
    [slack] = harness.webhooks.json("/it-ops-slack")
    assert slack["text"] == "[Invigilator] Elms Farm Primary: MALWARE-DETECTED Malware (medium)"
