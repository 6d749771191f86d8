import json
from pathlib import Path

from tests.contract.coverage_gate import main, policy_coverage

REPORT = {
    "coverage": 99.0,
    "files": {
        "clauses/net/im.rego": {
            "covered_lines": 18,
            "not_covered_lines": 2,
            "not_covered": [{"start": {"row": 30}, "end": {"row": 31}}],
        },
        "clauses/net/im_test.rego": {"covered_lines": 500},
        "lib/web.rego": {"covered_lines": 80},
    },
}


def test_tests_do_not_count_towards_coverage() -> None:
    percent, lines, gaps = policy_coverage(REPORT)
    assert lines == 100
    assert percent == 98.0
    assert gaps == ["clauses/net/im.rego: rows 30-31"]


def test_gate_fails_below_the_threshold(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(json.dumps(REPORT))
    assert main(["--threshold", "98", str(report)]) == 0
    assert main(["--threshold", "98.5", str(report)]) == 1
