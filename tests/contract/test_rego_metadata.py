"""Every Rego rule that can fire carries METADATA that matches the clause catalogue (house rule 7).

The catalogue is ../shared/spec/clauses.md: its clause ids, severities, owners, gross-misconduct
flags and both schools' section references are the contract the findings must honour.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.stack import ROOT

CATALOGUE = ROOT.parent / "shared" / "spec" / "clauses.md"
POLICIES = ROOT / "policies-rego"
OPA = shutil.which("opa") or "opa"  # scripts/test.sh puts the pinned opa first on PATH
SCHOOLS = ("elms-farm", "st-peters")


def catalogue() -> dict[str, dict[str, str]]:
    """Rows of the automated / partly automated table, by clause id."""
    if not CATALOGUE.exists():
        pytest.fail(f"clause catalogue not found at {CATALOGUE}: check out ../shared beside the repo")
    rows = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 9 and re.fullmatch(r"[A-Z]+(-[A-Z]+)+", cells[0]) and cells[1] in {"A", "P"}:
            keys = ("kind", "source", "what", "severity", "gm", "owner", "elms-farm", "st-peters")
            rows[cells[0]] = dict(zip(keys, cells[1:], strict=True))
    return rows


def rule_annotations() -> list[dict[str, Any]]:
    if not shutil.which(OPA):
        pytest.fail("opa not on PATH: run through 'make test' (or 'make unit'), which installs and adds it")
    out = subprocess.run(
        [OPA, "inspect", "-a", "--format", "json", str(POLICIES)], capture_output=True, text=True, check=True
    ).stdout
    return [a for a in json.loads(out)["annotations"] if a["annotations"].get("scope") == "rule"]


def clause_files() -> list[Path]:
    return sorted(p for p in (POLICIES / "clauses").rglob("*.rego") if not p.name.endswith("_test.rego"))


def cites(ours: str, catalogued: str) -> bool:
    """Each `;`-part the catalogue cites is cited by the rule; the catalogue abbreviates a repeated
    heading, so its "(h)" is met by "Inappropriate Use (h)"."""
    parts = [part.strip() for part in ours.split(";")]
    return all(
        any(part == wanted or part.endswith(" " + wanted) for part in parts)
        for wanted in (w.strip() for w in catalogued.split(";"))
    )


def test_cites_accepts_only_the_catalogued_sections() -> None:
    catalogued = "Systems Use and Data Security ¶6; (h)"
    assert cites("Systems Use and Data Security ¶6; Inappropriate Use (h)", catalogued)
    assert not cites("Systems Use and Data Security ¶6", catalogued)
    assert not cites("Systems Use and Data Security ¶5; Inappropriate Use (h)", catalogued)


def test_catalogue_is_readable() -> None:
    rows = catalogue()
    assert len(rows) >= 30
    assert rows["NET-SOCIAL"]["severity"] == "high"


def test_every_rule_that_can_fire_has_metadata() -> None:
    annotated: dict[str, int] = {}
    for annotation in rule_annotations():
        file = str(Path(annotation["location"]["file"]).resolve())
        annotated[file] = annotated.get(file, 0) + 1
    for path in clause_files():
        heads = len(re.findall(r"^findings contains ", path.read_text(encoding="utf-8"), flags=re.M))
        assert heads > 0, f"{path} defines no findings rule"
        assert annotated.get(str(path.resolve()), 0) == heads, f"{path}: a findings rule lacks METADATA"


def test_metadata_matches_the_catalogue() -> None:
    rows = catalogue()
    annotations = [a for a in rule_annotations() if "clauses" in a["location"]["file"]]
    assert annotations, "no clause rules found"
    for annotation in annotations:
        meta = annotation["annotations"]
        custom = meta.get("custom", {})
        where = f"{annotation['location']['file']}:{annotation['location']['row']}"
        assert meta.get("title"), f"{where}: no title"
        assert meta.get("description"), f"{where}: no description"
        clause = custom.get("clause")
        assert clause in rows, f"{where}: clause {clause!r} is not in the catalogue"
        row = rows[clause]
        assert custom.get("kind") == row["kind"], where
        assert custom.get("severity") == row["severity"], where
        assert custom.get("owner") == row["owner"], where
        assert custom.get("gross_misconduct") is (row["gm"] == "yes"), where
        for school in SCHOOLS:
            ref = custom.get("refs", {}).get(school, "")
            assert cites(ref, row[school]), f"{where}: {school} cites {ref!r}, catalogue {row[school]!r}"
