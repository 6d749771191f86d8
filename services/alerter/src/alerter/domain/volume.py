"""How many messages a stream of case events becomes, with and without fatigue control — the same
pure rules as the service (routing, `fatigue.decide`, the digest clock), kept in memory. For the
alert-volume figure (tests/bench/alert_volume.py); no database, no framework."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerter.config import Role, TrustConfig
from alerter.domain import fatigue
from alerter.domain.facts import OPENED, CaseFacts
from alerter.domain.routing import Destination, destinations, roles_for


@dataclass
class Volume:
    """Per school. Messages count one per destination (mailbox or webhook)."""

    case_events: int = 0
    cases_opened: int = 0
    # No fatigue control: every case event goes to its recipients at once.
    messages_unfiltered: int = 0
    # The alerter before this issue: one message per recipient of each new case.
    messages_per_new_case: int = 0
    # With fatigue control.
    immediate_alerts: int = 0
    suppressed: int = 0
    digest_lines: int = 0
    digests: int = 0
    messages: int = 0
    held_by_quiet_hours: int = 0
    critical: int = 0


@dataclass
class _State:
    recent: dict[tuple[str, str, str], fatigue.RecentAlert] = field(default_factory=dict)
    low: dict[tuple[str, str, str, str], int] = field(default_factory=dict)
    # (school, roles, due) → lines
    digest: dict[tuple[str, tuple[Role, ...], datetime], int] = field(default_factory=dict)
    # destination → when its open bundle goes (bundling on)
    bundles: dict[Destination, datetime] = field(default_factory=dict)


def _immediate_messages(
    config: TrustConfig, state: _State, facts: CaseFacts, decision: fatigue.Immediate, now: datetime
) -> int:
    """Messages an immediate alert adds: one per destination, unless it joins a bundle that has
    not gone yet (the sender takes, with the first due row, every row due within the window)."""
    targets = destinations(config, facts.school_id, decision.roles)
    window = timedelta(minutes=config.fatigue.bundle_minutes)
    if not window or decision.critical:
        return len(targets)
    added = 0
    for target in targets:
        flush = state.bundles.get(target)
        if flush is not None and now <= flush and decision.send_at <= flush + window:
            continue
        state.bundles[target] = decision.send_at
        added += 1
    return added


def _flush_digests(config: TrustConfig, state: _State, volumes: dict[str, Volume], now: datetime) -> None:
    for key in sorted(k for k in state.digest if k[2] <= now):
        school, roles, _due = key
        del state.digest[key]
        volume = volumes.setdefault(school, Volume())
        volume.digests += 1
        volume.messages += len(destinations(config, school, roles))


def simulate(
    config: TrustConfig, events: Iterable[tuple[datetime, CaseFacts]], until: datetime
) -> dict[str, Volume]:
    """`events` in time order (when the alerter receives each); digests due by `until` are sent."""
    volumes: dict[str, Volume] = {}
    state = _State()
    for index, (now, facts) in enumerate(events):
        _flush_digests(config, state, volumes, now)
        volume = volumes.setdefault(facts.school_id, Volume())
        targets = len(destinations(config, facts.school_id, roles_for(config, facts)))
        volume.case_events += 1
        volume.messages_unfiltered += targets
        if facts.kind == OPENED:
            volume.cases_opened += 1
            volume.messages_per_new_case += targets
        dedupe_key = (facts.school_id, facts.person_key, facts.clause)
        term = fatigue.term_key(config, facts, now)
        low_key = (*dedupe_key, term)
        decision = fatigue.decide(config, facts, now, state.recent.get(dedupe_key), state.low.get(low_key, 0))
        if isinstance(decision, fatigue.Immediate):
            volume.immediate_alerts += 1
            volume.messages += _immediate_messages(config, state, facts, decision, now)
            volume.critical += decision.critical
            volume.held_by_quiet_hours += decision.send_at > now
            state.recent[dedupe_key] = fatigue.RecentAlert(str(index), facts.severity, now)
        elif isinstance(decision, fatigue.DigestLine):
            volume.digest_lines += 1
            state.low[low_key] = state.low.get(low_key, 0) + 1
            digest_key = (facts.school_id, tuple(decision.roles), decision.due_at)
            state.digest[digest_key] = state.digest.get(digest_key, 0) + 1
        else:
            volume.suppressed += 1
    _flush_digests(config, state, volumes, until)
    return volumes
