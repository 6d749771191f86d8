"""Bundling (`fatigue.bundle_minutes`): non-critical alerts close together reach each destination as
one message; each keeps its own row, acknowledgement link and trace id; critical ones never wait."""

import email
from datetime import timedelta
from email.message import EmailMessage
from email.policy import default

import pytest

from alerter.testing import case_event
from alerter.testkit import Harness, parse_alert_ids

pytestmark = pytest.mark.integration

SLG = "slg@elmsfarm.example.sch.uk"


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=default)
    assert isinstance(message, EmailMessage)
    return message


async def test_alerts_within_the_bundle_window_go_as_one_message(bundling: Harness) -> None:
    start = bundling.clock.now
    for minutes, case in ((0, "c-1"), (5, "c-2"), (14, "c-3")):
        bundling.clock.now = start + timedelta(minutes=minutes)
        clause = "NET-GAMBLING" if case == "c-2" else "NET-SOCIAL"
        event = case_event(case_id=case, event_id=f"e-{case}", clause=clause)
        assert await bundling.feed(event) == "immediate"
        assert (await bundling.parts.sender.send_due()).sent == 0  # waiting for the bundle
    # A critical one in between goes at once, on its own.
    critical = case_event(
        severity="critical", owner="dsl", case_id="c-x", event_id="e-x", clause="NET-CHILD-HARM"
    )
    await bundling.feed(critical)
    report = await bundling.parts.sender.send_due()
    assert (report.sent, report.messages) == (3, 3)  # DSL, Headteacher, the signed webhook
    bundling.clock.now = start + timedelta(minutes=15)
    report = await bundling.parts.sender.send_due()
    assert (report.sent, report.messages) == (6, 2)  # 3 alerts × (SLG mailbox, Teams) in 2 messages
    [raw] = bundling.mail_to(SLG)
    message = parse(raw)
    assert message["Subject"] == (
        "[Invigilator] Elms Farm Primary: 3 alerts — NET-SOCIAL, NET-GAMBLING (highest: high)"
    )
    assert len(set(parse_alert_ids([raw]) + message.get_all("X-Invigilator-Alert-Id", []))) == 3
    [card] = bundling.webhooks.json("/elms-teams")
    assert len(card["attachments"][0]["content"]["body"]) == 4
    # Each alert of the bundle has its own acknowledgement link, and each works.
    body = email.message_from_bytes(raw).get_payload(decode=True)
    assert isinstance(body, bytes)
    paths = [
        line.split("http://alerter.test", 1)[1] for line in body.decode().splitlines() if "/ack/" in line
    ]
    assert len(paths) == 3
    for path in paths:
        assert (await bundling.client.post(path.strip())).status_code == 200
    # The next alert, later, starts a new bundle: alone, it is the ordinary e-mail.
    bundling.clock.now = start + timedelta(minutes=20)
    await bundling.feed(case_event(case_id="c-4", event_id="e-c-4", clause="NET-CHAT", title="Chat room"))
    bundling.clock.now = start + timedelta(minutes=35)
    assert (await bundling.parts.sender.send_due()).messages == 2
    last = parse(bundling.mail_to(SLG)[-1])
    assert last["Subject"] == "[Invigilator] Elms Farm Primary: NET-CHAT Chat room (high)"
