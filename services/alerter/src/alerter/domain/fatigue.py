"""Fatigue control: what one case event becomes — an immediate alert, a digest line, or nothing new.

- Critical (owner dsl or severity critical): immediate, any hour, to the DSL and Headteacher, with
  the escalation ladder armed when the school has one.
- Low severity: a line of the school's daily digest at its configured local time; the Nth low
  breach of a clause by one person in a term (N = `repeat_threshold`, default 3) raises that line.
- Otherwise immediate, unless an alert for the same person and clause went out within the dedupe
  window (and this one is no more severe); held until the end of the school's quiet hours, and by
  `bundle_minutes` so that alerts close together reach each destination as one message.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from alerter.config import Role, TrustConfig
from alerter.domain import timing
from alerter.domain.facts import CaseFacts, severity_rank
from alerter.domain.routing import roles_for


@dataclass(frozen=True)
class RecentAlert:
    """The latest immediate alert for the same school, person and clause."""

    alert_id: str
    severity: str
    created_at: datetime


@dataclass(frozen=True)
class Immediate:
    roles: tuple[Role, ...]
    critical: bool
    send_at: datetime  # now (+ the bundle wait), or the end of the quiet hours
    escalate_at: datetime | None  # when the ladder's first step is due unless acknowledged


@dataclass(frozen=True)
class DigestLine:
    roles: tuple[Role, ...]
    due_at: datetime
    raised: bool  # this breach is the Nth (or later) low one of the clause by the person this term
    term_start_day: str  # ISO date: the term the repeat count belongs to


@dataclass(frozen=True)
class Suppressed:
    alert_id: str  # the alert that already told the same people


Decision = Immediate | DigestLine | Suppressed


def term_key(config: TrustConfig, facts: CaseFacts, now: datetime) -> str:
    local_day = now.astimezone(config.zone(facts.school_id)).date()
    terms = [(term.start, term.end) for term in config.fatigue.terms]
    return timing.term_start(local_day, terms).isoformat()


def decide(
    config: TrustConfig,
    facts: CaseFacts,
    now: datetime,
    recent: RecentAlert | None,
    low_breaches_this_term: int,
) -> Decision:
    """`recent`: the latest immediate alert for the same school, person and clause (any age);
    `low_breaches_this_term`: this person's low breaches of this clause already counted this term."""
    roles = roles_for(config, facts)
    zone = config.zone(facts.school_id)
    school = config.schools.get(facts.school_id)
    if facts.critical:
        escalation = config.escalation(facts.school_id)
        escalate_at = now + timedelta(minutes=escalation.after_minutes) if escalation.ladder else None
        if recent is not None and _within_window(config, recent, now, facts):
            return Suppressed(recent.alert_id)
        return Immediate(roles, True, now, escalate_at)
    if facts.severity == "low":
        due = timing.next_digest_at(now, config.digest_at(facts.school_id), zone)
        raised = low_breaches_this_term + 1 >= config.fatigue.repeat_threshold
        return DigestLine(roles, due, raised, term_key(config, facts, now))
    if recent is not None and _within_window(config, recent, now, facts):
        return Suppressed(recent.alert_id)
    send_at = now + timedelta(minutes=config.fatigue.bundle_minutes)
    if school is not None and school.quiet_hours is not None:
        release = timing.quiet_release(now, school.quiet_hours.start, school.quiet_hours.end, zone)
        send_at = max(send_at, release)
    return Immediate(roles, False, send_at, None)


def _within_window(config: TrustConfig, recent: RecentAlert, now: datetime, facts: CaseFacts) -> bool:
    """Same person and clause within the window, and not more severe than what was already sent."""
    window = timedelta(hours=config.fatigue.dedupe_window_hours)
    fresh = now - recent.created_at < window
    return fresh and severity_rank(facts.severity) <= severity_rank(recent.severity)
