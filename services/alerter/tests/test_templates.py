import json
from datetime import UTC, datetime

from alerter.channels.email_template import compose_bundle_email, compose_email
from alerter.channels.webhook_templates import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    bundle_request,
    signature,
    verify,
    webhook_request,
)
from alerter.domain.content import (
    DIGEST,
    ESCALATION,
    AlertContent,
    DigestEntry,
    bundle_subject,
    digest_entries,
    subject_line,
)
from alerter.domain.links import ack_link, link_signature, valid_signature

CONTENT = AlertContent(
    alert_id="a-1",
    purpose="alert",
    school_id="elms-farm",
    school_name="Elms Farm Primary",
    created_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
    ack_link="http://127.0.0.1:18400/ack/a-1?sig=ab",
    clause="NET-SOCIAL",
    title="Social networking site",
    severity="high",
    gross_misconduct=True,
    breach_count=2,
    case_link="http://127.0.0.1:18300/graphql#case=c0ffee",
    trace_id="ab" * 16,
)


def test_email_names_school_clause_severity_counts_and_links_only() -> None:
    message = compose_email(CONTENT, "slg@elmsfarm.example.sch.uk", "inv@trust.example")
    assert message["Subject"] == "[Invigilator] Elms Farm Primary: NET-SOCIAL Social networking site (high)"
    assert message["To"] == "slg@elmsfarm.example.sch.uk"
    assert message["X-Invigilator-Trace-Id"] == "ab" * 16
    assert message["X-Invigilator-Alert-Id"] == "a-1"
    body = message.get_content()
    assert "http://127.0.0.1:18300/graphql#case=c0ffee" in body
    assert "Acknowledge:   http://127.0.0.1:18400/ack/a-1?sig=ab" in body
    assert "gross misconduct" in body
    assert "Breaches in case:  2" in body


def test_escalation_and_digest_subjects() -> None:
    escalated = AlertContent(**{**CONTENT.__dict__, "purpose": ESCALATION, "waited_minutes": 15})
    assert subject_line(escalated) == (
        "[Invigilator] ESCALATED, not acknowledged after 15 min — Elms Farm Primary: "
        "NET-SOCIAL Social networking site (high)"
    )
    entries = digest_entries(
        [
            ("SESSION-UNLOCKED", "Session left unlocked", "c1", False),
            ("SESSION-UNLOCKED", "Session left unlocked", "c1", True),
            ("MAIL-CHAIN", "Chain mail", "c2", False),
        ]
    )
    assert entries == (
        DigestEntry("SESSION-UNLOCKED", "Session left unlocked", "medium", 2, 1, True),
        DigestEntry("MAIL-CHAIN", "Chain mail", "low", 1, 1, False),
    )
    digest = AlertContent(**{**CONTENT.__dict__, "purpose": DIGEST, "digest": entries})
    assert subject_line(digest) == (
        "[Invigilator] Elms Farm Primary: daily digest — 3 low-severity breach(es) in 2 clause(s), "
        "1 raised by repeats"
    )
    body = compose_email(digest, "slg@x.example", "inv@trust.example").get_content()
    assert "- SESSION-UNLOCKED — Session left unlocked: 2 breach(es) in 1 case(s), severity medium" in body


def test_teams_card_and_slack_blocks() -> None:
    body, headers = webhook_request("teams", CONTENT, None, "1700000000")
    card = json.loads(body)
    assert card["type"] == "message"
    content = card["attachments"][0]["content"]
    assert card["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert content["type"] == "AdaptiveCard"
    facts = {fact["title"]: fact["value"] for fact in content["body"][1]["facts"]}
    assert facts["Clause"] == "NET-SOCIAL — Social networking site"
    assert content["actions"][0]["url"] == CONTENT.case_link
    assert headers == {"Content-Type": "application/json"}
    slack = json.loads(webhook_request("slack", CONTENT, None, "1700000000")[0])
    assert slack["text"] == subject_line(CONTENT)
    assert "<http://127.0.0.1:18300/graphql#case=c0ffee|Open the case>" in slack["blocks"][1]["text"]["text"]


def test_signed_json_carries_a_verifiable_hmac() -> None:
    body, headers = webhook_request("signed", CONTENT, b"s3cret", "1700000000")
    assert headers[TIMESTAMP_HEADER] == "1700000000"
    assert verify(b"s3cret", "1700000000", body, headers[SIGNATURE_HEADER])
    assert not verify(b"other", "1700000000", body, headers[SIGNATURE_HEADER])
    assert not verify(b"s3cret", "1700000001", body, headers[SIGNATURE_HEADER])
    assert headers[SIGNATURE_HEADER] == signature(b"s3cret", "1700000000", body)
    payload = json.loads(body)
    assert (payload["clause"], payload["severity"], payload["school_id"]) == (
        "NET-SOCIAL",
        "high",
        "elms-farm",
    )
    # The signed body holds no ack link: a link is a capability for e-mail recipients only.
    assert "ack" not in body.decode()


def test_ack_links_are_signed_per_alert() -> None:
    key = b"k" * 32
    link = ack_link("http://127.0.0.1:18400/", key, "a-1")
    assert link == f"http://127.0.0.1:18400/ack/a-1?sig={link_signature(key, 'a-1')}"
    assert valid_signature(key, "a-1", link_signature(key, "a-1"))
    assert not valid_signature(key, "a-2", link_signature(key, "a-1"))
    assert not valid_signature(b"x" * 32, "a-1", link_signature(key, "a-1"))


def test_a_bundle_is_one_message_listing_each_alert_with_its_links() -> None:
    second = AlertContent(
        **{
            **CONTENT.__dict__,
            "alert_id": "a-2",
            "clause": "NET-GAMBLING",
            "title": "Online gambling",
            "severity": "medium",
            "case_link": "http://127.0.0.1:18300/graphql#case=beef",
            "ack_link": "http://127.0.0.1:18400/ack/a-2?sig=cd",
            "trace_id": "cd" * 16,
        }
    )
    message = compose_bundle_email([CONTENT, second], "slg@x.example", "inv@trust.example")
    assert (
        message["Subject"]
        == "[Invigilator] Elms Farm Primary: 2 alerts — NET-SOCIAL, NET-GAMBLING (highest: high)"
    )
    assert message.get_all("X-Invigilator-Alert-Id") == ["a-1", "a-2"]
    assert message.get_all("X-Invigilator-Trace-Id") == ["ab" * 16, "cd" * 16]
    body = message.get_content()
    assert "2. NET-GAMBLING — Online gambling (Elms Farm Primary)" in body
    assert "Acknowledge:   http://127.0.0.1:18400/ack/a-2?sig=cd" in body
    # One alert: the ordinary e-mail.
    assert compose_bundle_email([CONTENT], "s@x", "i@t")["Subject"] == subject_line(CONTENT)
    signed, headers = bundle_request("signed", [CONTENT, second], b"k", "1")
    payload = json.loads(signed)
    assert [alert["alert_id"] for alert in payload["alerts"]] == ["a-1", "a-2"]
    assert verify(b"k", "1", signed, headers[SIGNATURE_HEADER])
    teams = json.loads(bundle_request("teams", [CONTENT, second], None, "1")[0])
    texts = [block["text"] for block in teams["attachments"][0]["content"]["body"]]
    assert texts[0] == bundle_subject([CONTENT, second])
    assert len(texts) == 3
    slack = json.loads(bundle_request("slack", [CONTENT, second], None, "1")[0])
    assert slack["blocks"][1]["text"]["text"].count("Open the case") == 2
    other = AlertContent(**{**second.__dict__, "school_name": "St Peter's"})
    assert bundle_subject([CONTENT, other]).startswith("[Invigilator] 2 schools: 2 alerts")
