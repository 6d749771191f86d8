"""Reading the sources of the traceability matrix: the clause catalogue (../shared/spec/clauses.md),
the register of manual, monitoring and workflow clauses (policies-rego/data/catalogue), and the Rego
METADATA and test names of policies-rego (through `opa inspect`, opa on PATH)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.stack import ROOT

EF, SP = "elms-farm", "st-peters"
SCHOOLS = ((EF, "Elms Farm Primary", "EF"), (SP, "St Peter's", "SP"))
POLICIES = ROOT / "policies-rego"


class TraceabilityError(Exception):
    """A source is missing or unreadable; the message says what to do."""


@dataclass(frozen=True)
class Clause:
    id: str
    kind: str  # A, P, M, MON, WF
    title: str
    refs: dict[str, str]


@dataclass(frozen=True)
class Rule:
    clause: str
    title: str
    package: str
    file: str  # relative to the repository root
    row: int = 0


def markdown_tables(text: str) -> list[list[dict[str, str]]]:
    """Every pipe table in a markdown text, as rows keyed by the header cells (lower-cased)."""
    tables: list[list[dict[str, str]]] = []
    header: list[str] | None = None
    for line in [*text.splitlines(), ""]:
        stripped = line.strip()
        if not stripped.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in stripped.strip("|").split("|")]
        if header is None:
            header = [cell.lower() for cell in cells]
            tables.append([])
        elif all(re.fullmatch(r":?-+:?", cell) for cell in cells):
            continue
        elif len(cells) == len(header):
            tables[-1].append(dict(zip(header, cells, strict=True)))
    return tables


def parse_catalogue(text: str) -> dict[str, Clause]:
    """The automated and partly automated clauses of clauses.md, by id."""
    clauses = {}
    for table in markdown_tables(text):
        for row in table:
            if row.get("kind") in {"A", "P"} and re.fullmatch(r"[A-Z]+(-[A-Z]+)+", row.get("id", "")):
                title = short_title(row.get("what breaches it", ""))
                clauses[row["id"]] = Clause(row["id"], row["kind"], title, {EF: row["ef"], SP: row["sp"]})
    return clauses


def short_title(text: str) -> str:
    """The catalogue's "what breaches it" up to its first stop, for clauses no rule titles yet."""
    title = re.split(r"[;:]\s|\.\s|\s\(", text, maxsplit=1)[0].strip().rstrip(".")
    return title if len(title) <= 90 else title[:89].rstrip() + "…"


def parse_limits_and_workflow(text: str) -> dict[str, dict[str, str]]:
    """The MON-* and WF-* rows of clauses.md, by id: {"elms-farm": EF ref, "st-peters": SP ref}."""
    rows = {}
    for table in markdown_tables(text):
        for row in table:
            if re.fullmatch(r"(MON|WF)(-[A-Z]+)+", row.get("id", "")) and "ef" in row and "sp" in row:
                rows[row["id"]] = {EF: row["ef"], SP: row["sp"]}
    return rows


def parse_register(document: dict[str, Any]) -> dict[str, Clause]:
    """The clauses of policies-rego/data/catalogue/data.json, by id."""
    clauses = {}
    for clause_id, entry in document["clauses"].items():
        refs = {school: entry["refs"][school] for school, _, _ in SCHOOLS}
        clauses[clause_id] = Clause(clause_id, entry["kind"], entry["title"], refs)
    return clauses


def read_text(path: Path, hint: str) -> str:
    if not path.exists():
        raise TraceabilityError(f"{path} not found: {hint}")
    return path.read_text(encoding="utf-8")


def opa_annotations(policies: Path = POLICIES) -> list[dict[str, Any]]:
    """The METADATA annotations of every module under `policies`, as `opa inspect -a` reports them."""
    opa = shutil.which("opa")
    if opa is None:
        raise TraceabilityError(
            "opa not found on PATH: run through scripts/test.sh (make lint / make traceability), "
            "which installs the pinned opa and puts it first on PATH"
        )
    result = subprocess.run(
        [opa, "inspect", "-a", "--format", "json", str(policies.relative_to(ROOT))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise TraceabilityError(f"opa inspect failed on {policies}:\n{result.stderr.strip()}")
    annotations: list[dict[str, Any]] = json.loads(result.stdout).get("annotations") or []
    return annotations


def rules_by_clause(annotations: Iterable[dict[str, Any]], root: Path = ROOT) -> dict[str, list[Rule]]:
    """Which rules (package, file) cite which clause id in their METADATA."""
    rules: dict[str, set[Rule]] = {}
    for annotation in annotations:
        meta = annotation.get("annotations", {})
        clause = (meta.get("custom") or {}).get("clause")
        if not clause:
            continue
        path = [str(term["value"]) for term in annotation.get("path", [])][1:]  # drop "data"
        if meta.get("scope", "rule") not in {"package", "subpackages"}:
            path = path[:-1]
        file = Path(annotation["location"]["file"])
        if file.is_absolute():
            file = file.relative_to(root)
        row = int(annotation["location"].get("row", 0))
        rule = Rule(clause, meta.get("title", ""), ".".join(["data", *path]), file.as_posix(), row)
        rules.setdefault(clause, set()).add(rule)
    return {
        clause: sorted(found, key=lambda r: (r.file, r.row, r.package, r.title))
        for clause, found in rules.items()
    }


def rego_test_names(rule_file: Path) -> list[str]:
    """The `test_...` rules of the `*_test.rego` file beside a clause file."""
    test_file = rule_file.with_name(f"{rule_file.stem}_test.rego")
    if not test_file.exists():
        return []
    text = test_file.read_text(encoding="utf-8")
    return sorted(set(re.findall(r"^(test_\w+)\b", text, flags=re.MULTILINE)))
