"""Builds docs/traceability.md: every clause of both schools' policies, how it is enforced and by what.

Sources, all read fresh on each run:
- ../shared/spec/clauses.md, the clause catalogue: the automated (A) and partly automated (P) clauses;
- policies-rego/data/catalogue/data.json, the register of clauses that are not Rego rules: manual (M),
  monitoring limits (MON) and workflow (WF);
- the Rego METADATA of policies-rego (`opa inspect -a --format json`; opa must be on PATH, as
  scripts/test.sh arranges), which says which rule decides which clause;
- the `*_test.rego` file beside each clause file, for the names of its tests;
- proto/invigilator/events/v1/events.proto, to check the event fields a rule reads exist in the
  protobuf JSON mapping (lowerCamelCase).

Usage, from the repository root:
    uv run python -m tests.contract.traceability           # regenerate docs/traceability.md
    uv run python -m tests.contract.traceability --check   # exit 1 when it is stale (CI)
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.contract.clause_sources import (
    EF,
    POLICIES,
    SCHOOLS,
    SP,
    Clause,
    Rule,
    TraceabilityError,
    opa_annotations,
    parse_catalogue,
    parse_register,
    read_text,
    rego_test_names,
    rules_by_clause,
)
from tests.contract.evidence_scan import Summaries, evidence_fields, library_summaries, proto_schema
from tests.stack import ROOT

CATALOGUE = ROOT.parent / "shared" / "spec" / "clauses.md"
REGISTER = ROOT / "policies-rego" / "data" / "catalogue" / "data.json"
PROTO = ROOT / "proto" / "invigilator" / "events" / "v1" / "events.proto"
OUTPUT = ROOT / "docs" / "traceability.md"
REGENERATE = "make traceability"

NONE = "—"

# Status of a clause in the matrix, in the order the summary lists them.
AUTOMATED, SUSPICION, MISSING = "automated", "suspicion (P)", "MISSING RULE"
MANUAL, MONITORING, WORKFLOW = "manual", "monitoring limit", "workflow"
STATUSES = (AUTOMATED, SUSPICION, MISSING, MANUAL, MONITORING, WORKFLOW)
KIND_ORDER = {"A": 0, "P": 0, "M": 1, "MON": 2, "WF": 3}
GROUPS = (
    ("Automated and partly automated clauses (A, P)", ("A", "P")),
    ("Manual clauses (M)", ("M",)),
    ("Monitoring limits (MON)", ("MON",)),
    ("Workflow clauses (WF)", ("WF",)),
)

# Elms Farm's numbered sections; "intro" is the unnumbered opening.
EF_SECTIONS = {
    "intro": "Introduction",
    "1": "1 Equipment security & passwords",
    "2": "2 Systems use & data security",
    "3": "3 E-mail etiquette & content",
    "4": "4 General guidance",
    "5": "5 Using the internet",
    "6": "6 Personal use of school systems",
    "7": "7 Inappropriate use of systems & equipment",
}
# St Peter's headings in document order, with the short forms the catalogue cites them by.
SP_HEADINGS = (
    ("Prohibited use and breach of this policy", ("Prohibited use",)),
    ("Equipment Security and Passwords", ("Equipment Security",)),
    ("Systems Use and Data Security", ("Systems Use",)),
    ("E-mail Etiquette and Content", ("E-mail Etiquette",)),
    ("General Guidance", ("General Guidance",)),
    ("Emails—monitoring", ("Emails—monitoring",)),
    ("Use of the Internet", ("Use of the Internet",)),
    ("Internet—monitoring", ("Internet—monitoring",)),
    ("Personal Use of School Systems", ("Personal Use",)),
    ("Inappropriate Use of Equipment and Systems", ("Inappropriate Use",)),
)


@dataclass
class Row:
    clause: Clause
    status: str
    packages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    tests: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


# --- sections ------------------------------------------------------------------------------------


def ef_sections(ref: str) -> list[str]:
    """Elms Farm sections an EF reference cites: "2.5, 7.3(h)" -> 2 and 7."""
    found = set()
    for token in re.split(r"[,;]", ref):
        token = token.strip()
        if token in {"", NONE}:
            continue
        if token.lower() == "intro":
            found.add("intro")
        elif number := re.match(r"(\d+)\.", token):
            found.add(number.group(1))
        elif not token.startswith("("):
            found.add(f"unrecognised: {token}")
    order = list(EF_SECTIONS)
    return [
        EF_SECTIONS.get(s, s) for s in sorted(found, key=lambda s: (order.index(s) if s in order else 99, s))
    ]


def sp_sections(ref: str) -> list[str]:
    """St Peter's headings an SP reference cites; a bare "(h)" is the Inappropriate Use list."""
    found = set()
    for part in ref.split(";"):
        part = part.strip()
        if part in {"", NONE}:
            continue
        if re.fullmatch(r"(\([a-z]\))+", part):
            found.add(SP_HEADINGS[-1][0])
            continue
        heading = next((h for h, aliases in SP_HEADINGS for a in aliases if part.startswith(a)), None)
        found.add(heading or f"unrecognised: {part}")
    order = [h for h, _ in SP_HEADINGS]
    return sorted(found, key=lambda s: (order.index(s) if s in order else 99, s))


def sections(school: str, ref: str) -> list[str]:
    return ef_sections(ref) if school == EF else sp_sections(ref)


# --- the matrix ----------------------------------------------------------------------------------


def build_rows(
    catalogue: dict[str, Clause],
    register: dict[str, Clause],
    rules: dict[str, list[Rule]],
    root: Path = ROOT,
    schema: dict[str, dict[str, tuple[str, bool]]] | None = None,
    libraries: dict[str, Summaries] | None = None,
) -> list[Row]:
    rows = []
    for clause in [*catalogue.values(), *(c for c in register.values() if c.id not in catalogue)]:
        found = rules.get(clause.id, [])
        if clause.kind in {"A", "P"}:
            status = MISSING if not found else AUTOMATED if clause.kind == "A" else SUSPICION
        else:
            status = {"M": MANUAL, "MON": MONITORING, "WF": WORKFLOW}.get(clause.kind, clause.kind)
        titles = list(dict.fromkeys(r.title for r in found if r.title))  # in file order, once each
        if titles:
            clause = Clause(clause.id, clause.kind, " / ".join(titles), clause.refs)
        row = Row(clause, status)
        row.packages = sorted({r.package for r in found})
        row.files = sorted({r.file for r in found})
        tests: set[str] = set()
        evidence: set[str] = set()
        for file in row.files:
            path = root / file
            tests |= set(rego_test_names(path))
            if path.exists():
                evidence |= set(evidence_fields(path.read_text(encoding="utf-8"), schema, libraries))
        row.tests, row.evidence = sorted(tests), sorted(evidence)
        rows.append(row)
    return sorted(rows, key=lambda r: (KIND_ORDER.get(r.clause.kind, 9), r.clause.id))


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ") or NONE


def cells(items: Sequence[str], code: bool = True) -> str:
    if not items:
        return NONE
    return "<br>".join(f"`{item}`" if code else cell(item) for item in items)


def summary(rows: Sequence[Row], school: str) -> list[str]:
    """Per section of one school's document: how many clauses it cites in each status."""
    counts: dict[str, dict[str, int]] = {}
    totals = dict.fromkeys(STATUSES, 0)
    absent = 0
    for row in rows:
        cited = sections(school, row.clause.refs.get(school, NONE))
        if not cited:
            absent += 1
            continue
        totals[row.status] = totals.get(row.status, 0) + 1
        for section in cited:
            counts.setdefault(section, dict.fromkeys(STATUSES, 0))[row.status] += 1
    order = list(EF_SECTIONS.values()) if school == EF else [h for h, _ in SP_HEADINGS]
    lines = [
        "| section | " + " | ".join(STATUSES) + " | total |",
        "|---|" + "---:|" * (len(STATUSES) + 1),
    ]
    for section in sorted(counts, key=lambda s: (order.index(s) if s in order else 99, s)):
        numbers = [counts[section][s] for s in STATUSES]
        lines.append(f"| {cell(section)} | " + " | ".join(map(str, numbers)) + f" | {sum(numbers)} |")
    numbers = [totals[s] for s in STATUSES]
    lines.append("| **all clauses, each once** | " + " | ".join(f"**{n}**" for n in numbers))
    lines[-1] += f" | **{sum(numbers)}** |"
    lines += ["", f"{absent} clause(s) have no section in this school's document ({NONE})."]
    return lines


def adopting_schools(policies: Path) -> list[str]:
    """'Name (`id`) → EF' for every school whose data adopts another school's document."""
    short = {school: code for school, _name, code in SCHOOLS}
    found = []
    for data_file in sorted((policies / "data" / "schools").glob("*/data.json")):
        data, school = json.loads(data_file.read_text()), data_file.parent.name
        if data.get("adopts") in short:
            found.append(f"{data.get('name', school)} (`{school}`) → {short[data['adopts']]}")
    return found


def render(rows: Sequence[Row], orphans: dict[str, list[Rule]], adopting: Sequence[str] = ()) -> str:
    out = [
        "<!-- GENERATED by tests/contract/traceability.py: do not edit by hand. -->",
        "# Traceability matrix",
        "",
        "Generated from `../shared/spec/clauses.md` (automated and partly automated clauses), "
        "`policies-rego/data/catalogue/data.json` (manual, monitoring-limit and workflow clauses), "
        "the Rego METADATA of `policies-rego` (`opa inspect -a`), the `*_test.rego` file beside each "
        "clause file and `proto/invigilator/events/v1/events.proto`.",
        "",
        f"Regenerate with `{REGENERATE}` (or `uv run python -m tests.contract.traceability` with opa on "
        "PATH); `make lint` fails while this file is stale.",
        "",
        "Status: `automated` (A, a rule decides), `suspicion (P)` (a rule raises a suspicion a person "
        "confirms), `MISSING RULE` (an A/P clause no rule decides yet), `manual` (cited by case workers "
        "when they open a case by hand), `monitoring limit` (a limit the system enforces on itself), "
        "`workflow` (a step of the case process). Evidence fields are the `input.events[_]` paths a "
        "rule file reads (protobuf JSON names, best-effort static scan).",
        "",
        *(
            [
                "Schools that adopt another school's document are judged by their own data and cite "
                f"that document's sections: {'; '.join(adopting)}.",
                "",
            ]
            if adopting
            else []
        ),
        "## Summary per school",
    ]
    for school, name, short in SCHOOLS:
        out += ["", f"### {name} (`{school}`, cited as {short})", "", *summary(rows, school)]
    for heading, kinds in GROUPS:
        group = [row for row in rows if row.clause.kind in kinds]
        out += [
            "",
            f"## {heading}",
            "",
            "| id | title | kind | status | EF | SP | rule package | rule file | tests | evidence fields |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in group:
            c = row.clause
            out.append(
                f"| {c.id} | {cell(c.title)} | {c.kind} | {row.status} | {cell(c.refs.get(EF, ''))} "
                f"| {cell(c.refs.get(SP, ''))} | {cells(row.packages)} | {cells(row.files)} "
                f"| {cells(row.tests)} | {cells(row.evidence)} |"
            )
    if orphans:
        out += [
            "",
            "## Rules citing a clause id in neither catalogue",
            "",
            "| clause | rule package | rule file |",
            "|---|---|---|",
        ]
        for clause, found in sorted(orphans.items()):
            out.append(
                f"| {cell(clause)} | {cells([r.package for r in found])} | {cells([r.file for r in found])} |"
            )
    return "\n".join(out) + "\n"


def generate(
    catalogue_text: str,
    register_document: dict[str, Any],
    annotations: Iterable[dict[str, Any]],
    root: Path = ROOT,
    proto_text: str | None = None,
) -> str:
    """The whole of docs/traceability.md from its sources (pure but for reading the rule files)."""
    catalogue = parse_catalogue(catalogue_text)
    register = parse_register(register_document)
    rules = rules_by_clause(annotations, root)
    schema = proto_schema(proto_text) if proto_text is not None else None
    policies = root / POLICIES.relative_to(ROOT)
    libraries = library_summaries(policies) if policies.is_dir() else {}
    rows = build_rows(catalogue, register, rules, root, schema, libraries)
    known = set(catalogue) | set(register)
    orphans = {clause: found for clause, found in rules.items() if clause not in known}
    return render(rows, orphans, adopting_schools(policies) if policies.is_dir() else [])


def generate_from_repository() -> str:
    catalogue = read_text(CATALOGUE, "check out ../shared beside the repository")
    register = json.loads(read_text(REGISTER, "the register of manual, MON and WF clauses is missing"))
    proto = read_text(PROTO, "the event schema is missing")
    return generate(catalogue, register, opa_annotations(), ROOT, proto)


def stale_diff(expected: str, path: Path) -> str | None:
    """None when `path` holds exactly `expected`, else a short diff saying how it differs."""
    current = path.read_text(encoding="utf-8") if path.exists() else ""
    if current == expected:
        return None
    diff = difflib.unified_diff(
        current.splitlines(), expected.splitlines(), "committed", "generated", lineterm="", n=0
    )
    lines = list(diff)
    return "\n".join(lines[:40] + ([f"... {len(lines) - 40} more diff lines"] if len(lines) > 40 else []))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale; write nothing")
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default {OUTPUT.relative_to(ROOT)}")
    args = parser.parse_args(argv)
    try:
        expected = generate_from_repository()
    except TraceabilityError as error:
        print(f"traceability: {error}", file=sys.stderr)
        return 2
    output: Path = args.output
    if args.check:
        diff = stale_diff(expected, output)
        if diff is not None:
            print(
                f"traceability: {output} is stale: run '{REGENERATE}' and commit the result", file=sys.stderr
            )
            print(diff, file=sys.stderr)
            return 1
        print(f"traceability: {output} is up to date")
        return 0
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(expected, encoding="utf-8")
    print(f"traceability: wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
