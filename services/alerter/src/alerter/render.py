"""An alert row → what its message says (`AlertContent`), links included."""

from datetime import datetime

from alerter.config import TrustConfig
from alerter.db.models import Alert, Delivery
from alerter.domain.content import ALERT, ESCALATION, AlertContent, DigestEntry
from alerter.domain.links import ack_link


def content_for(
    alert: Alert, delivery: Delivery, config: TrustConfig, public_url: str, link_key: bytes, now: datetime
) -> AlertContent:
    purpose = ESCALATION if delivery.purpose == ESCALATION else alert.purpose
    waited = int((now - alert.created_at).total_seconds() // 60) if purpose == ESCALATION else 0
    return AlertContent(
        alert_id=alert.id,
        purpose=purpose,
        school_id=alert.school_id,
        school_name=config.school_name(alert.school_id),
        created_at=alert.created_at,
        ack_link=ack_link(public_url, link_key, alert.id),
        clause=alert.clause or "",
        title=alert.title or "",
        severity=alert.severity or "",
        gross_misconduct=alert.gross_misconduct,
        breach_count=alert.breach_count,
        case_link=f"{config.trust.case_link_base}{alert.case_id}" if alert.case_id else "",
        critical=alert.critical,
        escalation_level=delivery.level,
        waited_minutes=waited,
        trace_id=alert.trace_id if alert.purpose == ALERT else "",
        digest=tuple(DigestEntry(**entry) for entry in alert.digest or []),
    )
