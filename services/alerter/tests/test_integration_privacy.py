"""No personal data in any alert (issue 7, item 4): a breach full of one person's identifiers goes
through the case-service's own case rule into a CaseEvent, then through every kind of alert the
alerter makes (immediate, digest, escalation) on every channel; every byte the SMTP server and the
webhook receiver got is searched for those identifiers — the pseudonym included: an alert carries
the case link, never who."""

import email
from datetime import UTC, datetime, timedelta

import pytest

from alerter.testkit import Harness
from case_service.domain.breaches import parse_breach
from case_service.domain.cases import apply_breach, build_case_event
from case_service.domain.pseudonym import pseudonym
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2

pytestmark = pytest.mark.integration

ACCOUNT = "jane.doe"
IDENTIFIERS = [
    ACCOUNT,
    "Jane",
    "Doe",
    "jane.doe@elmsfarm.example.sch.uk",
    "EF-STAFF-PC042",
    "10.20.1.42",
    "www.facebook.com",
    "facebook",
    "Private: my appraisal",
    "appraisal",
]


def breach(clause: str, title: str, severity: int, owner: int, breach_id: str) -> breaches_pb2.Breach:
    found = breaches_pb2.Breach(
        breach_id=breach_id,
        clause=clause,
        title=title,
        severity=severity,  # type: ignore[arg-type]
        owner=owner,  # type: ignore[arg-type]
        gross_misconduct=severity >= breaches_pb2.SEVERITY_HIGH,
        kind="A",
        school_id="elms-farm",
        account=ACCOUNT,
        policy_ref="EF 2.5",
        reason="proxy.host www.facebook.com in category social for jane.doe (Jane Doe) on EF-STAFF-PC042",
        evidence_event_ids=["e-1"],
        evidence={
            "host": "www.facebook.com",
            "url": "https://www.facebook.com/jane.doe",
            "client_ip": "10.20.1.42",
            "device": "EF-STAFF-PC042",
            "mail_from": "jane.doe@elmsfarm.example.sch.uk",
            "subject": "Private: my appraisal",
            "display_name": "Jane Doe",
        },
        decision_id="d-1",
        policy_revision="rev-1",
    )
    found.occurred_at.FromDatetime(datetime(2026, 3, 2, 10, tzinfo=UTC))
    found.detected_at.FromDatetime(datetime(2026, 3, 2, 10, 1, tzinfo=UTC))
    return found


def case_event_of(raw: breaches_pb2.Breach, staff: str) -> cases_pb2.CaseEvent:
    """What the case-service publishes for this breach (its pure case rule)."""
    facts = parse_breach(raw.SerializeToString())
    assert facts.detected_at is not None
    return build_case_event(apply_breach(None, facts, staff, facts.detected_at), facts)


async def test_no_identifier_of_the_person_in_any_byte_sent(harness: Harness) -> None:
    staff = pseudonym(b"privacy-test-pseudonym-key", "elms-farm", ACCOUNT)
    kinds = [
        ("NET-SOCIAL", "Social networking site", breaches_pb2.SEVERITY_HIGH, breaches_pb2.OWNER_HR),
        ("NET-CHILD-HARM", "Risk of harm to a child", breaches_pb2.SEVERITY_CRITICAL, breaches_pb2.OWNER_DSL),
        ("SESSION-UNLOCKED", "Session left unlocked", breaches_pb2.SEVERITY_LOW, breaches_pb2.OWNER_HR),
        ("MAIL-EXECUTABLE", "Executable attachment", breaches_pb2.SEVERITY_MEDIUM, breaches_pb2.OWNER_IT),
    ]
    outcomes = []
    for index, (clause, title, severity, owner) in enumerate(kinds):
        event = case_event_of(breach(clause, title, severity, owner, f"b-{index}"), staff)
        outcomes.append(await harness.feed(event))
    assert outcomes == ["immediate", "immediate", "digest", "immediate"]
    await harness.parts.sender.send_due()
    harness.clock.now = datetime(2026, 3, 2, 10, tzinfo=UTC) + timedelta(minutes=15)
    await harness.parts.scheduler.run_once()  # the escalation
    harness.clock.now = datetime(2026, 3, 2, 16, tzinfo=UTC)
    await harness.parts.scheduler.run_once()  # the digest
    await harness.parts.sender.send_due()

    mails = [raw for _rcpt, raw in harness.smtp.received.messages]
    hooks = [post.body + repr(post.headers).encode() for post in harness.webhooks.posts]
    # Every kind of message on every channel was produced: the search below covers them all.
    subjects = " | ".join(str(email.message_from_bytes(raw)["Subject"]) for raw in mails)
    for expected in ("NET-SOCIAL", "NET-CHILD-HARM", "ESCALATED", "daily digest", "MAIL-EXECUTABLE"):
        assert expected in subjects
    assert {post.path for post in harness.webhooks.posts} == {
        "/elms-teams",
        "/elms-signed",
        "/it-ops-slack",
    }
    sent = b"\n".join(mails + hooks)
    for identifier in [*IDENTIFIERS, staff]:
        assert identifier.lower().encode() not in sent.lower(), identifier
    # What links an alert to the person is the case link, behind the case-service's access control.
    assert b"https://invigilator.example/cases/" in sent
