"""How many alerts a trust day makes per school, with and without the alerter's fatigue control.

The day is the engine benchmark's (tests/bench/engine_stream.py: a working day of a two-school trust,
proxy 85 % / endpoint 10 % / mail 4 % / directory 1 %, 0.5 % of events breaching, from the 5 % of
accounts that are "risky"). Each breaching event becomes the breach of its clause (the clause's
severity and owner from clauses.md); the case-service's rule (one open case per school, person and
clause) turns breaches into OPENED / BREACH_ADDED case events, received a minute after the event;
then alerter.domain.volume runs the alerter's own pure routing and fatigue rules over them with
the development trust file (config/trust.yaml: one mailbox per role, no webhooks).

    .venv/bin/python -m tests.bench.alert_volume [--events 1000000] [--seed 1] [--quiet-hours 19:00-07:00]
        [--bundle-minutes 15]
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

from alerter.config import QuietHours, TrustConfig, load_trust_config
from alerter.domain.facts import BREACH_ADDED, OPENED, CaseFacts
from alerter.domain.volume import Volume, simulate
from tests.bench.engine_stream import DAY_START, events

ROOT = Path(__file__).resolve().parents[2]
# Breaching kind of the generator → (clause, title, severity, owner), as clauses.md and the Rego
# METADATA give them.
CLAUSES = {
    "social": ("NET-SOCIAL", "Social networking site", "high", "hr"),
    "gambling": ("NET-GAMBLING", "Online gambling", "high", "hr"),
    "chat": ("NET-CHAT", "Chat room", "high", "hr"),
    "piracy": ("NET-COPYRIGHT", "Piracy or warez site", "high", "hr"),
    "im": ("NET-IM", "Instant-messaging site", "high", "hr"),
    "usb": ("DEVICE-UNAPPROVED", "Unapproved device attached", "medium", "hr"),
    "software": ("SW-UNAUTHORISED", "Unauthorised software", "high", "hr"),
    "malware": ("MALWARE-DETECTED", "Malware detected", "medium", "it"),
    "executable": ("MAIL-EXECUTABLE", "Executable attachment received", "medium", "it"),
    "confidential": ("MAIL-CONFIDENTIAL-EXTERNAL", "Confidential mail sent outside the school", "high", "hr"),
    "no-password": ("PWD-NOT-REQUIRED", "Staff account needs no password", "medium", "it"),
    "disabled": ("LEAVER-HANDOVER", "Leaver handover", "low", "hr"),
}
ARRIVAL_DELAY = timedelta(minutes=1)


def case_events(n: int, seed: int, start: datetime = DAY_START) -> Iterator[tuple[datetime, CaseFacts]]:
    """The case events of the day's breaches, in arrival order."""
    open_cases: dict[tuple[str, str, str], tuple[str, int]] = {}
    for index, (_source, event, kind) in enumerate(events(n, seed, "alert-volume", start)):
        if kind is None:
            continue
        clause, title, severity, owner = CLAUSES[kind]
        key = (event.school_id, event.account, clause)
        case_id, count = open_cases.get(key, (f"case-{index}", 0))
        open_cases[key] = (case_id, count + 1)
        yield (
            event.occurred_at.ToDatetime().replace(tzinfo=start.tzinfo) + ARRIVAL_DELAY,
            CaseFacts(
                case_event_id=f"ce-{index}",
                kind=OPENED if count == 0 else BREACH_ADDED,
                case_id=case_id,
                school_id=event.school_id,
                clause=clause,
                title=title,
                severity=severity,
                owner=owner,
                gross_misconduct=severity == "high",
                breach_count=count + 1,
                person_key=f"case:{case_id}",  # what the alerter keys on while CaseEvent has no pseudonym
            ),
        )


def with_quiet_hours(config: TrustConfig, quiet: QuietHours) -> TrustConfig:
    raw = config.model_dump(mode="json")
    for school in raw["schools"].values():
        school["quiet_hours"] = quiet.model_dump(mode="json")
    return TrustConfig.model_validate(raw)


def with_bundling(config: TrustConfig, minutes: float) -> TrustConfig:
    raw = config.model_dump(mode="json")
    raw["fatigue"]["bundle_minutes"] = minutes
    return TrustConfig.model_validate(raw)


def table(volumes: dict[str, Volume], bundled: dict[str, Volume] | None = None, minutes: float = 0) -> str:
    rows = [
        ("case events (breaches)", "case_events"),
        ("cases opened", "cases_opened"),
        ("**alerts without fatigue control** (one per breach)", "messages_unfiltered"),
        ("alerts, one per new case (the alerter before issue 7)", "messages_per_new_case"),
        ("**alerts with fatigue control**", "messages"),
        ("— immediate alerts", "immediate_alerts"),
        ("— digests", "digests"),
        ("breaches suppressed by dedupe (same person + clause, 24 h)", "suppressed"),
        ("breaches rolled into the digest (low severity)", "digest_lines"),
        ("immediate alerts held by quiet hours", "held_by_quiet_hours"),
        ("critical alerts (DSL + Headteacher, any hour)", "critical"),
    ]
    schools = sorted(volumes)
    total = Volume()
    for volume in volumes.values():
        for _label, name in rows:
            setattr(total, name, getattr(total, name) + getattr(volume, name))
    lines = [
        "| per school, one day | " + " | ".join(schools) + " | trust |",
        "|---|" + "---:|" * (len(schools) + 1),
    ]
    for label, name in rows:
        cells = [f"{getattr(volumes[school], name):,}" for school in schools] + [f"{getattr(total, name):,}"]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
        if name == "messages" and bundled:
            counts = [bundled[school].messages for school in schools]
            cells = [f"{count:,}" for count in [*counts, sum(counts)]]
            label = f"**alerts with fatigue control and {minutes:g}-minute bundling**"
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--config", type=Path, default=ROOT / "config" / "trust.yaml")
    parser.add_argument("--quiet-hours", default="", help="e.g. 19:00-07:00 for every school")
    parser.add_argument("--bundle-minutes", type=float, default=15.0, help="the bundling row (0: none)")
    args = parser.parse_args()
    config = load_trust_config(args.config)
    if args.quiet_hours:
        start, end = args.quiet_hours.split("-")
        config = with_quiet_hours(
            config, QuietHours(start=time.fromisoformat(start), end=time.fromisoformat(end))
        )
    day_end = DAY_START + timedelta(days=1)
    stream = list(case_events(args.events, args.seed))
    volumes = simulate(config, stream, day_end)
    bundled = None
    if args.bundle_minutes:
        bundled = simulate(with_bundling(config, args.bundle_minutes), stream, day_end)
    print(f"{args.events:,} events of {DAY_START:%A %d %B %Y} (seed {args.seed}), config {args.config.name}")
    print()
    print(table(volumes, bundled, args.bundle_minutes))


if __name__ == "__main__":
    main()
