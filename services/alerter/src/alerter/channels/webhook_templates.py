"""Webhook bodies: Microsoft Teams (an Adaptive Card in a message, as Teams workflows' "post to a
channel when a webhook request is received" expects), Slack (incoming webhooks: text and blocks),
and generic JSON signed with HMAC-SHA256. Same facts as the e-mail, never the person."""

import hashlib
import hmac
import json
from collections.abc import Sequence
from typing import Any

from alerter.domain.content import DIGEST, AlertContent, bundle_subject, subject_line

SIGNATURE_HEADER = "X-Invigilator-Signature"
TIMESTAMP_HEADER = "X-Invigilator-Timestamp"


def _facts(content: AlertContent) -> list[tuple[str, str]]:
    if content.purpose == DIGEST:
        return [
            (
                entry.clause,
                f"{entry.title}: {entry.breaches} breach(es), {entry.cases} case(s), {entry.severity}"
                + (" (repeated this term)" if entry.repeated else ""),
            )
            for entry in content.digest
        ]
    return [
        ("School", content.school_name),
        ("Clause", f"{content.clause} — {content.title}"),
        ("Severity", content.severity),
        ("Gross misconduct", "yes" if content.gross_misconduct else "no"),
        ("Breaches in case", str(content.breach_count)),
    ]


def teams_body(content: AlertContent) -> dict[str, Any]:
    card: dict[str, Any] = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": [
            {
                "type": "TextBlock",
                "text": subject_line(content),
                "weight": "Bolder",
                "wrap": True,
                "color": "Attention" if content.critical else "Default",
            },
            {"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in _facts(content)]},
        ],
        "actions": (
            [{"type": "Action.OpenUrl", "title": "Open the case", "url": content.case_link}]
            if content.case_link
            else []
        ),
    }
    return {
        "type": "message",
        "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
    }


def slack_body(content: AlertContent) -> dict[str, Any]:
    facts = "\n".join(f"*{name}:* {value}" for name, value in _facts(content))
    link = f"\n<{content.case_link}|Open the case>" if content.case_link else ""
    return {
        "text": subject_line(content),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": subject_line(content)[:150]}},
            {"type": "section", "text": {"type": "mrkdwn", "text": facts + link}},
        ],
    }


def signed_body(content: AlertContent) -> dict[str, Any]:
    return {
        "alert_id": content.alert_id,
        "purpose": content.purpose,
        "school_id": content.school_id,
        "school": content.school_name,
        "clause": content.clause or None,
        "title": content.title or None,
        "severity": content.severity or None,
        "critical": content.critical,
        "gross_misconduct": content.gross_misconduct,
        "breach_count": content.breach_count,
        "case_link": content.case_link or None,
        "escalation_level": content.escalation_level,
        "created_at": content.created_at.isoformat(),
        "digest": [
            {
                "clause": e.clause,
                "title": e.title,
                "severity": e.severity,
                "breaches": e.breaches,
                "cases": e.cases,
                "repeated": e.repeated,
            }
            for e in content.digest
        ],
        "subject": subject_line(content),
    }


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """`sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>." + body), as Slack and GitHub do it; the
    timestamp (Unix seconds, also sent) lets a receiver refuse replays."""
    mac = hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: bytes, timestamp: str, body: bytes, header: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def webhook_request(
    kind: str, content: AlertContent, secret: bytes | None, timestamp: str
) -> tuple[bytes, dict[str, str]]:
    """The body and headers to POST for a webhook of `kind`."""
    headers = {"Content-Type": "application/json"}
    if kind == "teams":
        return encode(teams_body(content)), headers
    if kind == "slack":
        return encode(slack_body(content)), headers
    if kind == "signed":
        if not secret:
            raise ValueError("a signed webhook needs a secret")
        body = encode(signed_body(content))
        headers[TIMESTAMP_HEADER] = timestamp
        headers[SIGNATURE_HEADER] = signature(secret, timestamp, body)
        return body, headers
    raise ValueError(f"unknown webhook kind {kind!r}")


def _bundle_body(kind: str, contents: Sequence[AlertContent]) -> dict[str, Any]:
    subject = bundle_subject(contents)
    if kind == "teams":
        blocks: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": subject, "weight": "Bolder", "wrap": True}
        ]
        for content in contents:
            link = f" — [Open the case]({content.case_link})" if content.case_link else ""
            blocks.append({"type": "TextBlock", "text": subject_line(content) + link, "wrap": True})
        card = {
            "type": "AdaptiveCard",
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "version": "1.4",
            "body": blocks,
        }
        return {
            "type": "message",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}],
        }
    if kind == "slack":
        items = "\n".join(f"• {subject_line(c)} <{c.case_link}|Open the case>" for c in contents)
        return {
            "text": subject,
            "blocks": [
                {"type": "header", "text": {"type": "plain_text", "text": subject[:150]}},
                {"type": "section", "text": {"type": "mrkdwn", "text": items}},
            ],
        }
    return {"purpose": "bundle", "subject": subject, "alerts": [signed_body(content) for content in contents]}


def bundle_request(
    kind: str, contents: Sequence[AlertContent], secret: bytes | None, timestamp: str
) -> tuple[bytes, dict[str, str]]:
    """Several alerts to one webhook in one request (one alert: the ordinary body)."""
    if len(contents) == 1:
        return webhook_request(kind, contents[0], secret, timestamp)
    if kind not in ("teams", "slack", "signed"):
        raise ValueError(f"unknown webhook kind {kind!r}")
    headers = {"Content-Type": "application/json"}
    body = encode(_bundle_body(kind, contents))
    if kind == "signed":
        if not secret:
            raise ValueError("a signed webhook needs a secret")
        headers[TIMESTAMP_HEADER] = timestamp
        headers[SIGNATURE_HEADER] = signature(secret, timestamp, body)
    return body, headers
