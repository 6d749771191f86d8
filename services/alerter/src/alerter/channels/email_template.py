"""The e-mail template: plain text, one recipient per message, the trace id in a header."""

from collections.abc import Sequence
from email.message import EmailMessage

from alerter.domain.content import DIGEST, ESCALATION, AlertContent, bundle_subject, subject_line

FOOTER = [
    "The person concerned is not named here; their identity is revealed only inside the case,",
    "and every reveal is audited.",
]


def _gross(content: AlertContent) -> str:
    return "yes — the policy lists this as gross misconduct" if content.gross_misconduct else "no"


def _body(content: AlertContent) -> list[str]:
    if content.purpose == DIGEST:
        lines = [f"Low-severity breaches at {content.school_name} since the last digest:", ""]
        for entry in content.digest:
            raised = "  (raised: repeated this term)" if entry.repeated else ""
            lines.append(
                f"- {entry.clause} — {entry.title}: {entry.breaches} breach(es) in {entry.cases} case(s), "
                f"severity {entry.severity}{raised}"
            )
        return [*lines, "", f"Acknowledge this digest: {content.ack_link}"]
    opening = f"A case was opened at {content.school_name}."
    if content.purpose == ESCALATION:
        opening = (
            f"ESCALATION (step {content.escalation_level}): a critical alert at {content.school_name} "
            f"has not been acknowledged for {content.waited_minutes} minutes."
        )
    return [
        opening,
        "",
        f"Clause:            {content.clause} — {content.title}",
        f"Severity:          {content.severity}",
        f"Gross misconduct:  {_gross(content)}",
        f"Breaches in case:  {content.breach_count}",
        "",
        f"Open the case: {content.case_link}",
        f"Acknowledge:   {content.ack_link}",
    ]


def compose_email(content: AlertContent, to: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject_line(content)
    message["X-Invigilator-Alert-Id"] = content.alert_id
    if content.trace_id:
        message["X-Invigilator-Trace-Id"] = content.trace_id
    if content.critical:
        message["Importance"] = "high"
        message["X-Priority"] = "1"
    message.set_content("\n".join([*_body(content), "", *FOOTER]))
    return message


def _bundle_body(contents: Sequence[AlertContent]) -> list[str]:
    lines = [f"{len(contents)} new alerts:", ""]
    for number, content in enumerate(contents, 1):
        gross = "yes" if content.gross_misconduct else "no"
        lines += [
            f"{number}. {content.clause} — {content.title} ({content.school_name})",
            f"   Severity: {content.severity} · gross misconduct: {gross} · "
            f"breaches in case: {content.breach_count}",
            f"   Open the case: {content.case_link}",
            f"   Acknowledge:   {content.ack_link}",
            "",
        ]
    return lines


def compose_bundle_email(contents: Sequence[AlertContent], to: str, sender: str) -> EmailMessage:
    """Several alerts to one mailbox in one message (one alert: the ordinary e-mail)."""
    if len(contents) == 1:
        return compose_email(contents[0], to, sender)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = bundle_subject(contents)
    for content in contents:
        message["X-Invigilator-Alert-Id"] = content.alert_id
        if content.trace_id:
            message["X-Invigilator-Trace-Id"] = content.trace_id
    message.set_content("\n".join([*_bundle_body(contents), *FOOTER]))
    return message
