"""The day's outcome per school: events per source, breaches by clause, planted vs found, cases,
alerts — aggregated from what the stack produced (pure functions), and printed as rich tables."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.table import Table

from case_service.domain.pseudonym import pseudonym
from invigilator_demo.observe import AlertMail, CaseRow, FoundBreach
from invigilator_demo.plan import DayPlan, Planted
from invigilator_demo.shipper import ShipperStats

SOURCES = ("proxy", "mail", "endpoint", "directory")


def breach_key(school: str, clause: str, account: str) -> tuple[str, str, str]:
    """How a planted breach and a found one are compared: accounts are case-insensitive logons."""
    return (school, clause, account.strip().casefold())


def match_planted(
    planted: Sequence[Planted], found: Sequence[FoundBreach]
) -> tuple[list[Planted], list[Planted], list[FoundBreach]]:
    """(found planted, missing planted, breaches beyond the plan), as multisets of (school, clause,
    account): two planted breaches of one account and clause need two breaches."""
    pool: dict[tuple[str, str, str], list[FoundBreach]] = {}
    for breach in found:
        pool.setdefault(breach_key(breach.school, breach.clause, breach.account), []).append(breach)
    hit: list[Planted] = []
    missing: list[Planted] = []
    for plant in planted:
        candidates = pool.get(breach_key(plant.school, plant.clause, plant.account))
        if candidates:
            candidates.pop()
            hit.append(plant)
        else:
            missing.append(plant)
    extra = [breach for rest in pool.values() for breach in rest]
    return hit, missing, extra


def expected_cases(found: Iterable[FoundBreach], key: bytes) -> Counter[str]:
    """Per school: one open case per person (pseudonym) and clause, the case-service's rule. A
    breach that names no account (a device, a received attachment) opens no case."""
    pairs = {(b.school, pseudonym(key, b.school, b.account), b.clause) for b in found if b.account.strip()}
    return Counter(school for school, _staff, _clause in pairs)


def clean_with(clean: Mapping[str, set[str]], accounts: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Clean accounts (per school) that appear among (school, account) pairs, case-insensitively."""
    seen = {(school, account.casefold()) for school, account in accounts}
    return {
        school: sorted(a for a in names if (school, a.casefold()) in seen) for school, names in clean.items()
    }


def clean_with_cases(
    clean: Mapping[str, set[str]], cases: Iterable[CaseRow], key: bytes
) -> dict[str, list[str]]:
    staff = {(case.school, case.staff) for case in cases}
    return {
        school: sorted(a for a in names if (school, pseudonym(key, school, a)) in staff)
        for school, names in clean.items()
    }


def alerts_per_school(alerts: Iterable[AlertMail], cases: Iterable[CaseRow]) -> Counter[str]:
    """E-mails naming at least one of this run's cases, counted for each school they are about."""
    school_of_case = {case.id: case.school for case in cases}
    counts: Counter[str] = Counter()
    for alert in alerts:
        for school in {school_of_case[c] for c in alert.case_ids if c in school_of_case}:
            counts[school] += 1
    return counts


def mailbox_per_school(alerts: Iterable[AlertMail], domains: Mapping[str, str]) -> Counter[str]:
    """Every e-mail since the start, by the school whose domain the recipient is at ("trust" else)."""
    counts: Counter[str] = Counter()
    for alert in alerts:
        domain = alert.to.rsplit("@", 1)[-1].rstrip(">")
        counts[domains.get(domain, "trust")] += 1
    return counts


@dataclass
class SchoolResult:
    school: str
    name: str
    staff: int
    sent: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    planted: Counter[str] = field(default_factory=Counter)  # clause
    found: Counter[str] = field(default_factory=Counter)  # clause, this run's breaches
    planted_found: Counter[str] = field(default_factory=Counter)  # clause
    missing: list[dict[str, str]] = field(default_factory=list)
    extra: int = 0
    cases: int = 0
    expected_cases: int = 0
    clean_accounts: int = 0
    clean_with_cases: list[str] = field(default_factory=list)
    clean_with_breaches: list[str] = field(default_factory=list)
    alerts: int = 0
    mailbox: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "staff": self.staff,
            "sent": self.sent,
            "events": self.events,
            "rejected": self.rejected,
            "planted": sum(self.planted.values()),
            "planted_by_clause": dict(sorted(self.planted.items())),
            "planted_found": sum(self.planted_found.values()),
            "missing": self.missing,
            "found_by_clause": dict(sorted(self.found.items())),
            "breaches": sum(self.found.values()),
            "breaches_beyond_plan": self.extra,
            "cases": self.cases,
            "expected_cases": self.expected_cases,
            "clean_accounts": self.clean_accounts,
            "clean_accounts_with_cases": self.clean_with_cases,
            "clean_accounts_with_breaches": self.clean_with_breaches,
            "alerts": self.alerts,
            "mailbox": self.mailbox,
        }


def summarise(
    plan: DayPlan,
    sent: Mapping[tuple[str, str], int],
    events: Mapping[tuple[str, str], int],
    rejected: Mapping[str, int],
    found: Sequence[FoundBreach],
    cases: Sequence[CaseRow],
    alerts: Sequence[AlertMail],
    key: bytes,
) -> list[SchoolResult]:
    hit, missing, extra = match_planted(plan.planted, found)
    expected = expected_cases(found, key)
    clean_cases = clean_with_cases(plan.clean_accounts, cases, key)
    clean_breaches = clean_with(plan.clean_accounts, ((b.school, b.account) for b in found))
    alert_counts = alerts_per_school(alerts, cases)
    mailbox = mailbox_per_school(alerts, {s.mail_domain.lower(): s.id for s in plan.schools})
    staff = Counter(person.school for person in plan.staff)
    results = []
    for school in plan.schools:
        sid = school.id
        results.append(
            SchoolResult(
                school=sid,
                name=school.name,
                staff=staff[sid],
                sent={source: sent.get((sid, source), 0) for source in SOURCES},
                events={source: events.get((sid, source), 0) for source in SOURCES},
                rejected=rejected.get(sid, 0),
                planted=Counter(p.clause for p in plan.planted if p.school == sid),
                found=Counter(b.clause for b in found if b.school == sid),
                planted_found=Counter(p.clause for p in hit if p.school == sid),
                missing=[
                    {"clause": p.clause, "account": p.account, "source": p.source, "what": p.what}
                    for p in missing
                    if p.school == sid
                ],
                extra=sum(1 for b in extra if b.school == sid),
                cases=sum(1 for c in cases if c.school == sid),
                expected_cases=expected[sid],
                clean_accounts=len(plan.clean_accounts.get(sid, set())),
                clean_with_cases=clean_cases.get(sid, []),
                clean_with_breaches=clean_breaches.get(sid, []),
                alerts=alert_counts[sid],
                mailbox=mailbox[sid],
            )
        )
    return results


def shortfalls(results: Sequence[SchoolResult], failed_records: int, shipped: ShipperStats) -> list[str]:
    """What keeps the day from matching its ground truth, one line each (none: it matched)."""
    problems = [f"{failed_records} record(s) could not be sent"] if failed_records else []
    if shipped.failures:
        problems.append(
            f"{shipped.failures} Squid line(s) not delivered to ingest-proxy: {shipped.last_error}"
        )
    if rejected := sum(shipped.rejected.values()):
        problems.append(f"{rejected} Squid line(s) rejected by ingest-proxy")
    for r in results:
        if r.missing:
            problems.append(f"{r.name}: {len(r.missing)} planted breach(es) not found")
        if r.clean_with_cases:
            problems.append(f"{r.name}: {len(r.clean_with_cases)} clean member(s) of staff with a case")
        if r.clean_with_breaches:
            problems.append(f"{r.name}: {len(r.clean_with_breaches)} clean member(s) of staff with a breach")
        if r.cases != r.expected_cases:
            problems.append(f"{r.name}: {r.cases} case(s), expected {r.expected_cases}")
    return problems


def _ok(good: bool, text: str) -> str:
    return f"[green]{text}[/green]" if good else f"[bold red]{text}[/bold red]"


def schools_table(results: Sequence[SchoolResult]) -> Table:
    table = Table(title="The demo day per school", title_justify="left")
    for column in ("School", "Staff", "Web", "Mail", "Endpoint", "Directory", "Rejected"):
        table.add_column(column, justify="right" if column != "School" else "left")
    for column in ("Breaches", "Planted found", "Cases (expected)", "Clean staff with a case", "Alerts"):
        table.add_column(column, justify="right")
    for r in results:
        planted, hit = sum(r.planted.values()), sum(r.planted_found.values())
        table.add_row(
            r.name,
            str(r.staff),
            *(
                f"{r.events.get(s, 0)}/{r.sent.get(s, 0)}" if s != "directory" else str(r.events.get(s, 0))
                for s in SOURCES
            ),
            str(r.rejected),
            str(sum(r.found.values())),
            _ok(hit == planted, f"{hit}/{planted}"),
            _ok(r.cases == r.expected_cases, f"{r.cases} ({r.expected_cases})"),
            _ok(not r.clean_with_cases, f"{len(r.clean_with_cases)} of {r.clean_accounts}"),
            str(r.alerts),
        )
    table.caption = (
        "events ingested/records sent per source (this run's accounts only); "
        "alerts: e-mails about this run's cases"
    )
    return table


def clauses_table(results: Sequence[SchoolResult]) -> Table:
    table = Table(title="Breaches by clause (found / planted)", title_justify="left")
    table.add_column("Clause")
    for r in results:
        table.add_column(r.name, justify="right")
    clauses = sorted({c for r in results for c in (*r.found, *r.planted)})
    for clause in clauses:
        cells = []
        for r in results:
            found, planted, hit = r.found[clause], r.planted[clause], r.planted_found[clause]
            cells.append("·" if not found and not planted else _ok(hit == planted, f"{found} / {planted}"))
        table.add_row(clause, *cells)
    return table


def print_summary(console: Console, results: Sequence[SchoolResult]) -> None:
    console.print(schools_table(results))
    console.print(clauses_table(results))
    for r in results:
        for miss in r.missing[:10]:
            console.print(
                f"[red]missing[/red] {r.school} {miss['clause']} "
                f"{miss['account'] or '(no account)'}: {miss['what']}"
            )
        if r.clean_with_breaches:
            console.print(
                f"[red]clean staff with breaches[/red] {r.school}: {', '.join(r.clean_with_breaches[:10])}"
            )
