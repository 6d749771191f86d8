"""`invigilator check`: a school's log files judged offline, as the running system would judge them.

The same parsers as the ingest services, the same correlation and two-pass OPA judgement as the
policy-engine (`policy_engine.judging`), the same Rego on the real OPA binary; no Kafka. Findings
go to stdout as JSON lines; counts and unreadable records to stderr. Findings are not errors.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from invigilator.breaches.v1 import breaches_pb2
from invigilator_cli.inputs import Context, FileInput, Located, read
from policy_engine.correlation import CorrelationState
from policy_engine.directory import enricher, snapshots
from policy_engine.judging import Judge, Judgement
from policy_engine.opa import OpaClient

# Events are correlated in time order, a watermark this far behind the newest one (late lines in
# a log are rare; the engine keeps more); the end of input flushes everything still waiting.
WATERMARK_LAG = timedelta(minutes=10)
MAX_UNREADABLE_SHOWN = 20


@dataclass(frozen=True)
class CheckRequest:
    school_id: str
    format_name: str
    files: Sequence[Path]
    mail_domains: Sequence[str]
    opa_url: str
    csv_vendor: str = "smoothwall"
    school_ou: str = ""
    # An LDIF export of the school's staff: findings then say whether the directory knows the
    # account (`account_unknown`), as the engine's directory table does.
    directory: Path | None = None


def _lower_enum(value: int, enum: Any, prefix: str) -> str:
    return str(enum.Name(value)).removeprefix(prefix).lower()


def finding(
    breach: breaches_pb2.Breach, located: dict[str, Located], with_directory: bool = False
) -> dict[str, Any]:
    """One output line; `source` and `ref` are those of the first event the breach cites."""
    cited = [located[event_id] for event_id in breach.evidence_event_ids if event_id in located]
    first = cited[0] if cited else None
    return {
        "clause": breach.clause,
        "title": breach.title,
        "school": breach.school_id,
        "severity": _lower_enum(breach.severity, breaches_pb2.Severity, "SEVERITY_"),
        "owner": _lower_enum(breach.owner, breaches_pb2.Owner, "OWNER_"),
        "gross_misconduct": breach.gross_misconduct,
        "kind": breach.kind,
        "source": first.source if first else "correlation",
        "ref": first.ref if first else "",
        "evidence_refs": len(cited),
        "account": breach.account,
        "observed_at": breach.occurred_at.ToDatetime(UTC).isoformat().replace("+00:00", "Z"),
        "reason": breach.reason,
        "policy_ref": breach.policy_ref,
    } | ({"account_unknown": breach.account_unknown} if with_directory else {})


def directory_profiles(path: Path, context: Context) -> dict[bytes, bytes]:
    """The account profiles an LDIF export gives, as the engine's directory table holds them."""
    entries = read("ldif", path, context)
    return {key: profile.SerializeToString() for key, profile in snapshots(e.event for e in entries.events)}


async def judge_all(judge: Judge, school_id: str, events: list[Located]) -> Judgement:
    """Time order, in chunks; the watermark follows the newest event, then the end flushes."""
    state = CorrelationState()
    total = Judgement()
    ordered = sorted(events, key=lambda item: item.event.occurred_at.ToDatetime(UTC))
    detected_at = datetime.now(UTC)
    chunk = 1000
    for start in range(0, len(ordered), chunk):
        batch = [item.event for item in ordered[start : start + chunk]]
        total.add(await judge.judge(school_id, batch, state, detected_at))
        newest = batch[-1].occurred_at.ToDatetime(UTC)
        total.add(await judge.advance(state, newest - WATERMARK_LAG, detected_at))
    if ordered:
        end = ordered[-1].event.occurred_at.ToDatetime(UTC) + judge.correlator.retention + timedelta(days=1)
        total.add(await judge.advance(state, end, detected_at))
    return total


async def run_check(request: CheckRequest, out: TextIO, err: TextIO) -> int:
    opa = OpaClient(request.opa_url, timeout_s=60.0, retry_max_s=1.0)
    try:
        school = await opa.school(request.school_id)
        context = Context(
            school_id=request.school_id,
            zone=ZoneInfo(str(school.get("timezone", "Europe/London"))),
            own_domains=frozenset(str(domain).lower() for domain in school.get("mail_domains", [])),
            csv_vendor=request.csv_vendor,
            school_ou=request.school_ou,
        )
        inputs: list[FileInput] = []
        for path in request.files:
            inputs.append(read(request.format_name, path, context))
            err.write(
                f"read {path}: {len(inputs[-1].events)} events, {len(inputs[-1].unreadable)} unreadable\n"
            )
        events = [located for file_input in inputs for located in file_input.events]
        enrich = None
        if request.directory is not None:
            profiles = directory_profiles(request.directory, context)
            err.write(f"read {request.directory}: {len(profiles)} accounts in the directory\n")
            enrich = enricher(profiles)
        judgement = await judge_all(Judge(opa, enrich=enrich), request.school_id, events)
    finally:
        await opa.aclose()
    by_id = {located.event.event_id: located for located in events}
    for breach in sorted(
        judgement.breaches, key=lambda b: (b.occurred_at.ToDatetime(UTC), b.clause, b.account)
    ):
        row = finding(breach, by_id, with_directory=request.directory is not None)
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    _report(inputs, events, judgement, err)
    return 0


def _report(inputs: list[FileInput], events: list[Located], judgement: Judgement, err: TextIO) -> None:
    unreadable = [item for file_input in inputs for item in file_input.unreadable]
    for ref, reason in unreadable[:MAX_UNREADABLE_SHOWN]:
        err.write(f"unreadable: {ref}: {reason}\n")
    if len(unreadable) > MAX_UNREADABLE_SHOWN:
        err.write(f"unreadable: ... and {len(unreadable) - MAX_UNREADABLE_SHOWN} more\n")
    not_monitored: Counter[str] = Counter()
    for file_input in inputs:
        not_monitored.update(file_input.not_monitored)
    if not_monitored:
        listed = ", ".join(
            f"{reason.removesuffix(' not monitored')} ({n})" for reason, n in sorted(not_monitored.items())
        )
        err.write(f"skipped, no rule reads them: {listed}\n")
    for error in judgement.errors:
        err.write(f"policy configuration: {error}\n")
    clauses = Counter(breach.clause for breach in judgement.breaches)
    skipped = sum(file_input.skipped for file_input in inputs)
    err.write(
        f"{len(events)} events judged ({len(judgement.observations)} correlation observations, "
        f"{judgement.queries} OPA queries); {len(unreadable)} unreadable, {skipped} skipped; "
        f"{len(judgement.breaches)} findings"
        + (": " + ", ".join(f"{clause} {n}" for clause, n in sorted(clauses.items())) if clauses else "")
        + "\n"
    )


def check(request: CheckRequest, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Streams default to sys.stdout/sys.stderr as they are when called (so redirection works)."""
    return asyncio.run(run_check(request, out or sys.stdout, err or sys.stderr))
