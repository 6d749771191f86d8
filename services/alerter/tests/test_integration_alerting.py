"""Immediate critical alerts, the digest at its time, dedupe, escalation and acknowledgement,
quiet hours — on PostgreSQL, through a real SMTP server and a real webhook receiver."""

import email
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from alerter.api.ack import ack_router
from alerter.channels.webhook_templates import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify
from alerter.domain.links import link_signature
from alerter.testing import case_event
from alerter.testkit import LINK_KEY, WEBHOOK_SECRET, Harness

pytestmark = pytest.mark.integration

NIGHT = datetime(2026, 3, 2, 22, tzinfo=UTC)


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


def text_of(raw: bytes) -> str:
    body = parse(raw).get_body(("plain",))
    assert body is not None
    content: str = body.get_content()
    return content


def ack_path(raw: bytes) -> str:
    line = next(line for line in text_of(raw).splitlines() if line.startswith("Acknowledge"))
    return line.split("http://alerter.test", 1)[1].strip()


async def test_critical_alert_goes_at_once_to_dsl_and_head_even_at_night(harness: Harness) -> None:
    harness.clock.now = NIGHT  # Elms Farm's quiet hours are 19:00–07:00
    event = case_event(
        severity="critical", owner="dsl", clause="NET-CHILD-HARM", title="Risk of harm to a child"
    )
    assert await harness.feed(event) == "immediate"
    report = await harness.parts.sender.send_due()
    assert (report.sent, report.retrying, report.failed) == (3, 0, 0)
    [dsl] = harness.mail_to("dsl@elmsfarm.example.sch.uk")
    [head] = harness.mail_to("head@elmsfarm.example.sch.uk")
    assert parse(dsl)["Subject"] == (
        "[Invigilator] Elms Farm Primary: NET-CHILD-HARM Risk of harm to a child (critical)"
    )
    assert parse(dsl)["Importance"] == "high"
    assert parse(head)["To"] == "head@elmsfarm.example.sch.uk"
    assert harness.mail_to("slg@elmsfarm.example.sch.uk") == []
    # The DSL's signed webhook got it too, with a signature that verifies.
    [hook] = [post for post in harness.webhooks.posts if post.path == "/elms-signed"]
    assert verify(
        WEBHOOK_SECRET.encode(), hook.headers[TIMESTAMP_HEADER], hook.body, hook.headers[SIGNATURE_HEADER]
    )
    [payload] = harness.webhooks.json("/elms-signed")
    assert (payload["clause"], payload["severity"], payload["critical"]) == (
        "NET-CHILD-HARM",
        "critical",
        True,
    )
    # Nothing is left to send.
    assert (await harness.parts.sender.send_due()).sent == 0


async def test_quiet_hours_hold_a_non_critical_alert_until_they_end(harness: Harness) -> None:
    harness.clock.now = NIGHT
    assert await harness.feed(case_event(severity="high")) == "immediate"
    assert (await harness.parts.sender.send_due()).sent == 0
    harness.clock.now = datetime(2026, 3, 3, 6, 59, tzinfo=UTC)
    assert (await harness.parts.sender.send_due()).sent == 0
    assert harness.smtp.received.messages == []
    harness.clock.now = datetime(2026, 3, 3, 7, 0, tzinfo=UTC)
    assert (await harness.parts.sender.send_due()).sent == 2  # the SLG's mailbox and Teams channel
    [slg] = harness.mail_to("slg@elmsfarm.example.sch.uk")
    assert "NET-SOCIAL" in parse(slg)["Subject"]
    [card] = harness.webhooks.json("/elms-teams")
    assert card["attachments"][0]["content"]["type"] == "AdaptiveCard"
    # St Peter's has no quiet hours: its alert goes at once, at night too.
    harness.clock.now = NIGHT + timedelta(days=1)
    await harness.feed(case_event(severity="high", school="st-peters", case_id="sp-1", event_id="sp-e1"))
    assert (await harness.parts.sender.send_due()).sent == 1
    assert len(harness.mail_to("slg@stpeters.example.sch.uk")) == 1


async def test_dedupe_by_person_clause_and_window(harness: Harness) -> None:
    assert await harness.feed(case_event(event_id="e1")) == "immediate"
    assert await harness.feed(case_event(event_id="e1")) == "duplicate"  # Kafka redelivery
    harness.clock.now += timedelta(hours=2)
    assert await harness.feed(case_event(event_id="e2", opened=False, breach_count=2)) == "suppressed"
    harness.clock.now += timedelta(hours=3)
    assert await harness.feed(case_event(event_id="e3", opened=False, breach_count=3)) == "suppressed"
    # Another clause for the same person (another case) is its own alert.
    other = case_event(event_id="e4", case_id="c-2", clause="NET-GAMBLING", title="Online gambling")
    assert await harness.feed(other) == "immediate"
    await harness.parts.sender.send_due()
    assert len(harness.mail_to("slg@elmsfarm.example.sch.uk")) == 2
    token = harness.token(["slg"], ["elms-farm"])
    data = await harness.gql(token, "{ alerts { clause suppressed breachCount } }")
    assert sorted((a["clause"], a["suppressed"], a["breachCount"]) for a in data["alerts"]) == [
        ("NET-GAMBLING", 0, 1),
        ("NET-SOCIAL", 2, 1),
    ]
    # After the window (24 h from the first alert) the case's next breach is news again.
    harness.clock.now = datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC)
    assert await harness.feed(case_event(event_id="e5", opened=False, breach_count=4)) == "immediate"
    await harness.parts.sender.send_due()
    mails = harness.mail_to("slg@elmsfarm.example.sch.uk")
    assert len(mails) == 3
    assert "Breaches in case:  4" in text_of(mails[-1])


async def test_digest_goes_at_the_configured_time_with_repeats_raised(harness: Harness) -> None:
    low: dict[str, Any] = {"severity": "low", "clause": "SESSION-UNLOCKED", "title": "Session left unlocked"}
    for index in range(3):  # one person, three low breaches of one clause: the third is raised
        assert await harness.feed(case_event(**low, event_id=f"l{index}", opened=index == 0)) == "digest"
        harness.clock.now += timedelta(minutes=10)
    other: dict[str, Any] = {"severity": "low", "clause": "MAIL-CHAIN", "title": "Chain mail"}
    assert await harness.feed(case_event(**other, event_id="m1", case_id="c-9")) == "digest"
    assert (await harness.parts.sender.send_due()).sent == 0
    harness.clock.now = datetime(2026, 3, 2, 15, 59, 59, tzinfo=UTC)
    assert await harness.parts.scheduler.run_once() == ([], [])
    harness.clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    digests, escalations = await harness.parts.scheduler.run_once()
    assert len(digests) == 1
    assert escalations == []
    assert (await harness.parts.sender.send_due()).sent == 2  # SLG mailbox + Teams
    [raw] = harness.mail_to("slg@elmsfarm.example.sch.uk")
    message = parse(raw)
    assert message["Subject"] == (
        "[Invigilator] Elms Farm Primary: daily digest — 4 low-severity breach(es) in 2 clause(s), "
        "1 raised by repeats"
    )
    body = text_of(raw)
    assert "- SESSION-UNLOCKED — Session left unlocked: 3 breach(es) in 1 case(s), severity medium" in body
    assert "- MAIL-CHAIN — Chain mail: 1 breach(es) in 1 case(s), severity low" in body
    # Lines that arrive after 16:00 wait for tomorrow's digest.
    harness.clock.now = datetime(2026, 3, 2, 16, 5, tzinfo=UTC)
    await harness.feed(case_event(**other, event_id="m2", case_id="c-9", opened=False))
    assert (await harness.parts.scheduler.run_once())[0] == []
    harness.clock.now = datetime(2026, 3, 3, 16, 0, tzinfo=UTC)
    assert len((await harness.parts.scheduler.run_once())[0]) == 1


async def test_escalation_after_no_acknowledgement_and_the_single_use_link(harness: Harness) -> None:
    start = harness.clock.now
    await harness.feed(case_event(severity="critical", owner="dsl", clause="NET-CHILD-HARM", title="Harm"))
    await harness.parts.sender.send_due()
    [dsl_mail] = harness.mail_to("dsl@elmsfarm.example.sch.uk")
    harness.clock.now = start + timedelta(minutes=14, seconds=59)
    assert await harness.parts.scheduler.run_once() == ([], [])
    harness.clock.now = start + timedelta(minutes=15)
    _digests, escalations = await harness.parts.scheduler.run_once()
    assert [step for _alert, step in escalations] == [1]
    await harness.parts.sender.send_due()
    [deputy] = harness.mail_to("deputy-dsl@elmsfarm.example.sch.uk")
    assert parse(deputy)["Subject"].startswith("[Invigilator] ESCALATED, not acknowledged after 15 min")
    # Nobody acknowledges: the ladder's second step 15 minutes later.
    harness.clock.now = start + timedelta(minutes=30)
    assert [step for _a, step in (await harness.parts.scheduler.run_once())[1]] == [2]
    await harness.parts.sender.send_due()
    assert len(harness.mail_to("safeguarding@trust.example.org.uk")) == 1
    # The DSL acknowledges through the e-mail's link: once.
    path = ack_path(dsl_mail)
    # Opening the link (as a mail scanner would) only shows the button; the button acknowledges.
    page = await harness.client.get(path)
    assert page.status_code == 200
    assert f'<form method="post" action="{path.replace("&", "&amp;")}">' in page.text
    assert (await harness.client.get(path)).status_code == 200  # still not acknowledged
    assert (await harness.client.post(path)).status_code == 200
    assert (await harness.client.post(path)).status_code == 410
    assert (await harness.client.get(path)).status_code == 200  # the page; its button would say 410
    forged = path.split("?")[0] + "?sig=" + "0" * 64
    assert (await harness.client.get(forged)).status_code == 403
    assert (await harness.client.post(forged)).status_code == 403
    # The ladder is exhausted anyway, and an acknowledged alert never escalates again.
    harness.clock.now = start + timedelta(hours=3)
    assert await harness.parts.scheduler.run_once() == ([], [])
    token = harness.token(["dsl"], ["elms-farm"])
    [alert] = (await harness.gql(token, "{ alerts { id acknowledgedBy escalationLevel nextEscalationAt } }"))[
        "alerts"
    ]
    assert (alert["acknowledgedBy"], alert["escalationLevel"], alert["nextEscalationAt"]) == (
        "link:link",
        2,
        None,
    )
    async with harness.sessions() as session:
        from sqlalchemy import select

        from alerter.db.models import AckAudit

        audit = (await session.scalars(select(AckAudit.outcome).order_by(AckAudit.id))).all()
    assert list(audit) == ["acknowledged", "already_acknowledged", "bad_signature"]


async def test_acknowledging_over_graphql_stops_the_ladder(harness: Harness) -> None:
    start = harness.clock.now
    await harness.feed(case_event(severity="critical", owner="dsl", clause="NET-CHILD-HARM", title="Harm"))
    await harness.parts.sender.send_due()
    head = harness.token(["headteacher"], ["elms-farm"], subject="u-head")
    [alert] = (await harness.gql(head, "{ alerts(unacknowledgedOnly: true) { id } }"))["alerts"]
    mutation = "mutation($id: ID!) { acknowledgeAlert(id: $id) { outcome alert { acknowledgedBy } } }"
    # Someone of another school, or the SLG (not a safeguarding role), cannot see it: not found.
    for roles, schools in ((["headteacher"], ["st-peters"]), (["slg"], ["elms-farm"])):
        other = harness.token(roles, schools, subject="u-other")
        refused = (await harness.gql(other, mutation, {"id": alert["id"]}))["acknowledgeAlert"]
        assert refused == {"outcome": "NOT_FOUND", "alert": None}
    done = (await harness.gql(head, mutation, {"id": alert["id"]}))["acknowledgeAlert"]
    assert done == {"outcome": "ACKNOWLEDGED", "alert": {"acknowledgedBy": "graphql:u-head"}}
    again = (await harness.gql(head, mutation, {"id": alert["id"]}))["acknowledgeAlert"]
    assert again["outcome"] == "ALREADY_ACKNOWLEDGED"
    harness.clock.now = start + timedelta(hours=1)
    assert await harness.parts.scheduler.run_once() == ([], [])
    assert harness.mail_to("deputy-dsl@elmsfarm.example.sch.uk") == []
    assert (await harness.gql(head, "{ alerts(unacknowledgedOnly: true) { id } }"))["alerts"] == []


async def test_graphql_needs_a_bearer_token_and_the_ack_link_its_signature(harness: Harness) -> None:
    response = await harness.client.post("/graphql", json={"query": "{ alerts { id } }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="invigilator"'
    bad = await harness.client.post(
        "/graphql", json={"query": "{ alerts { id } }"}, headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert bad.status_code == 401
    assert (await harness.client.get("/healthz")).json() == {"status": "ok"}
    unknown = "00000000-0000-0000-0000-000000000000"
    signed = f"/ack/{unknown}?sig={link_signature(LINK_KEY.encode(), unknown)}"
    assert (await harness.client.post(signed)).status_code == 404


async def test_without_confirmation_opening_the_link_acknowledges(harness: Harness) -> None:
    await harness.feed(case_event(severity="critical", owner="dsl", clause="NET-CHILD-HARM", title="Harm"))
    await harness.parts.sender.send_due()
    [mail] = harness.mail_to("dsl@elmsfarm.example.sch.uk")
    app = FastAPI()
    app.include_router(ack_router(harness.sessions, LINK_KEY.encode(), harness.clock, confirm=False))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://alerter.test"
    ) as client:
        assert (await client.get(ack_path(mail))).status_code == 200
        assert (await client.get(ack_path(mail))).status_code == 410
    harness.clock.now += timedelta(hours=1)
    assert await harness.parts.scheduler.run_once() == ([], [])  # acknowledged: no escalation
