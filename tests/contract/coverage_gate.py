"""Coverage gate for the Rego policies: the share of policy lines (tests excluded) that tests run.

`opa test --coverage` reports every loaded module, *_test.rego included, which flatters the
figure; this gate counts policy modules only and lists what is not covered.

    opa test policies-rego --coverage > report.json
    python -m tests.contract.coverage_gate --threshold 95 report.json
"""

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def policy_coverage(report: dict[str, Any]) -> tuple[float, int, list[str]]:
    """(percent covered, policy lines, "file: rows" of what is not covered)."""
    files = {name: f for name, f in report.get("files", {}).items() if not name.endswith("_test.rego")}
    covered = sum(f.get("covered_lines", 0) for f in files.values())
    missed = sum(f.get("not_covered_lines", 0) for f in files.values())
    gaps = [
        f"{name}: rows "
        + ", ".join(f"{r['start']['row']}-{r['end']['row']}" for r in f.get("not_covered", []))
        for name, f in sorted(files.items())
        if f.get("not_covered_lines")
    ]
    lines = covered + missed
    return (100.0 * covered / lines if lines else 100.0), lines, gaps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threshold", type=float, default=95.0)
    parser.add_argument("report", type=Path)
    args = parser.parse_args(argv)
    percent, lines, gaps = policy_coverage(json.loads(args.report.read_text(encoding="utf-8")))
    for gap in gaps:
        print(f"  not covered: {gap}")
    verdict = "ok" if percent >= args.threshold else "BELOW THE GATE"
    print(f"Rego coverage {percent:.2f}% of {lines} policy lines (gate {args.threshold:g}%): {verdict}")
    return 0 if percent >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
