"""Alert e-mails: school, clause, severity, counts and a link — never who, what URL or what subject."""

from email.message import EmailMessage

from alerter.routing import TrustConfig
from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2


def severity_name(severity: int) -> str:
    return breaches_pb2.Severity.Name(severity).removeprefix("SEVERITY_").lower()  # type: ignore[arg-type]


def compose(
    config: TrustConfig, event: cases_pb2.CaseEvent, to: list[str], sender: str, trace_id: str
) -> EmailMessage:
    school = config.schools.get(event.school_id)
    school_name = school.name if school else f"unconfigured school {event.school_id!r}"
    severity = severity_name(event.severity)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Subject"] = f"[Invigilator] {school_name}: {event.clause} {event.title} ({severity})"
    if trace_id:
        message["X-Invigilator-Trace-Id"] = trace_id
    gross = "yes — the policy lists this as gross misconduct" if event.gross_misconduct else "no"
    message.set_content(
        "\n".join(
            [
                f"A case was opened at {school_name}.",
                "",
                f"Clause:            {event.clause} — {event.title}",
                f"Severity:          {severity}",
                f"Gross misconduct:  {gross}",
                f"Breaches in case:  {event.breach_count}",
                "",
                f"Open the case: {config.trust.case_link_base}{event.case_id}",
                "",
                "The person concerned is not named here; their identity is revealed only inside the case,",
                "and every reveal is audited.",
            ]
        )
    )
    return message
