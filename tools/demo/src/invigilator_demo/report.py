"""The rest of what a newcomer reads after the tables: one breach traced from its log line to its
alert, GraphiQL links per role, the alert mailbox, and the JSON numbers for tests."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table

from invigilator_demo.observe import CaseRow, FoundBreach, MailWatcher, TopicWatcher
from invigilator_demo.peers import LOCAL, Endpoints
from invigilator_demo.plan import DayPlan
from invigilator_demo.replay import ReplayReport
from invigilator_demo.roles import examples
from invigilator_demo.shipper import Shipper
from invigilator_demo.summary import SchoolResult
from invigilator_demo.trace import find_spans
from svckit.ingest import event_id

MAX_SPANS = 30


def shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def pick_traced_breach(
    found: Sequence[FoundBreach], cases: Sequence[CaseRow], mails: MailWatcher, shipper: Shipper
) -> tuple[str, FoundBreach | None, str] | None:
    """A breach that came from a Squid line and ended in an alert e-mail: (trace id, the breach,
    its log line). The alert's X-Invigilator-Trace-Id is the trace ingest-proxy started."""
    case_ids = {c.id for c in cases}
    posts = {trace: (school, lines) for trace, school, lines in shipper.stats.traces}
    fallback: tuple[str, FoundBreach | None, str] | None = None
    for alert in sorted(mails.alerts.values(), key=lambda a: a.key):
        if not case_ids.intersection(alert.case_ids):
            continue
        for trace in alert.trace_ids:
            if trace not in posts:
                continue
            school, lines = posts[trace]
            ids = {event_id("proxy.squid", school, line): line for line in lines}
            for breach in found:
                for evidence in breach.evidence_event_ids:
                    if evidence in ids:
                        return trace, breach, ids[evidence]
            fallback = fallback or (trace, None, "")
    return fallback


def print_trace(
    console: Console,
    found: Sequence[FoundBreach],
    cases: Sequence[CaseRow],
    mails: MailWatcher,
    shipper: Shipper,
    logs: Path,
    offsets: dict[Path, int],
) -> None:
    picked = pick_traced_breach(found, cases, mails, shipper)
    console.print()
    if picked is None:
        console.print(
            "[yellow]No alert e-mail of this run carries the trace of a Squid batch: "
            "no trace to show.[/yellow]"
        )
        return
    trace, breach, line = picked
    spans = find_spans(logs, trace, offsets)
    title = f"One breach from log line to alert — trace {trace}"
    if breach is not None:
        title += f" ({breach.clause}, {breach.school})"
    table = Table(title=title, title_justify="left")
    for column, justify in (
        ("+ms", "right"),
        ("service", "left"),
        ("span", "left"),
        ("kind", "left"),
        ("ms", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    first = spans[0].start if spans else None
    for span in spans[:MAX_SPANS]:
        offset = (span.start - first).total_seconds() * 1000 if first else 0.0
        table.add_row(f"{offset:.0f}", span.service, span.name, span.kind.lower(), f"{span.duration_ms:.1f}")
    if line:
        console.print(f"[dim]Squid line:[/dim] {line}")
    console.print(table)
    if len(spans) > MAX_SPANS:
        console.print(
            f"[dim]… and {len(spans) - MAX_SPANS} more spans; every span: "
            f"grep 0x{trace} .local/logs/*.log[/dim]"
        )


def print_links(
    console: Console,
    endpoints: Endpoints,
    graphql: str,
    key_file: Path,
    school: str,
    schools: list[str],
    results: Sequence[SchoolResult],
    mails: MailWatcher,
) -> None:
    console.print()
    console.rule("[bold]Where to look")
    console.print(f"GraphiQL (case-service): {graphql}")
    console.print(
        f"HR and leaders' workspace: {endpoints.web}  "
        "(sign in on the dev issuer's page: pick a role and school)"
    )
    saved = LOCAL / "demo" / "graphiql-links.md"
    saved.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# GraphiQL links of the last demo run ({graphql})", ""]
    console.print(
        "Saved queries per role (tools/demo/queries/); each link opens GraphiQL with the query, its "
        f"variables and a bearer token (8 h) filled in (the links, a few kB each, are in {saved}):"
    )
    for example in examples(graphql, key_file, school, schools):
        scope = example.school or "all schools"
        # A terminal that knows OSC 8 hyperlinks makes the words clickable; others show them only.
        console.print(
            f"  [bold]{example.role}[/bold] ({scope}): {shown(example.query_file)}  "
            f"[link={example.link}]open in GraphiQL[/link]"
        )
        lines += [
            f"## {example.role} ({scope})",
            "",
            f"Query: {example.query_file}",
            "",
            f"Token: `{example.token}`",
            "",
            f"[open in GraphiQL]({example.link})",
            "",
        ]
    saved.write_text("\n".join(lines))
    console.print(
        '\nIn GraphiQL by hand: put {"Authorization": "Bearer <token>"} in the headers pane; a token:\n'
        "  .venv/bin/python -m case_service.auth.dev_issuer --key-file .local/dev-oidc/signing-key.pem "
        "token --role hr --school elms-farm"
    )
    console.print(f"\nAlert e-mails (Maildir of the SMTP sink): {mails.maildir / 'new'}")
    for r in results:
        console.print(
            f"  {r.name}: {r.alerts} alert e-mails about this run's cases "
            f"({r.mailbox} to the school's mailboxes since the start)"
        )


def write_json(
    path: Path,
    plan: DayPlan,
    tag: str,
    day: date,
    args: argparse.Namespace,
    results: Sequence[SchoolResult],
    timings: dict[str, float],
    replay: ReplayReport,
    shipper: Shipper,
    watcher: TopicWatcher,
    found: Sequence[FoundBreach],
) -> None:
    data = {
        "tag": tag,
        "day": day.isoformat(),
        "scale": args.scale,
        "seed": args.seed,
        "speed": args.speed,
        "timings": {k: round(v, 1) for k, v in timings.items()},
        "replay": {
            "sent": replay.done,
            "failed": replay.failed,
            "errors": replay.errors,
            "max_lag_s": replay.max_lag_s,
        },
        "shipper": {
            "lines": shipper.stats.lines_read,
            "posted": dict(shipper.stats.posted),
            "rejected": dict(shipper.stats.rejected),
            "failures": shipper.stats.failures,
        },
        "schools": {r.school: r.as_json() for r in results},
        "breaches": [
            {"school": b.school, "clause": b.clause, "account": b.account, "breach_id": b.breach_id}
            for b in found
        ],
        "planted": [
            {"school": p.school, "clause": p.clause, "account": p.account, "source": p.source}
            for p in plan.planted
        ],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True))
