"""A generated demo day judged offline by `invigilator check` (the ingest services' parsers, the
policy-engine's correlations and the project's Rego on the real OPA binary): the findings are
exactly the planted breaches, and none names a clean member of staff.

One small day (scale 0.05, all four schools, a tag as the e2e test uses); 16 runs of the checker
(four formats per school), about half a minute on the project's 2-core machine.
"""

from __future__ import annotations

from collections import Counter

import pytest
from tests.check_runs import Run, check

from invigilator_cli.local_opa import OpaNotFoundError, find_opa
from invigilator_cli.settings import CliSettings
from invigilator_demo.day import plan_day, write_files
from invigilator_demo.plan import DayPlan

Key = tuple[str, str, str]  # school, clause, account


@pytest.fixture(scope="module")
def plan() -> DayPlan:
    return plan_day(scale=0.05, seed=11, tag="chk42")


@pytest.fixture(scope="module")
def runs(plan: DayPlan, tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    try:
        opa = find_opa(CliSettings())
    except OpaNotFoundError as error:
        pytest.fail(str(error))
    written = write_files(plan, tmp_path_factory.mktemp("day"))
    found = []
    for school in plan.schools:
        for format_name, files in written[school.id].items():
            assert files, (school.id, format_name)
            ou = ["--ou", school.ou] if format_name == "ldif" else []
            args = ["--school", school.id, "--format", format_name, "--opa", opa, *ou, *map(str, files)]
            found.append(check(*args))
    return found


def test_every_run_reads_every_record(runs: list[Run]) -> None:
    for run in runs:
        assert run.code == 0, (run.school, run.format_name, run.stderr)
        assert "0 unreadable" in run.stderr.splitlines()[-1], (run.school, run.format_name, run.stderr)


def test_findings_are_exactly_the_planted_breaches(plan: DayPlan, runs: list[Run]) -> None:
    found: Counter[Key] = Counter(
        (finding["school"], finding["clause"], finding["account"]) for run in runs for finding in run.findings
    )
    planted: Counter[Key] = Counter((p.school, p.clause, p.account) for p in plan.planted)
    assert not planted - found, f"planted but not found: {sorted((planted - found).elements())}"
    assert not found - planted, f"found but not planted: {sorted((found - planted).elements())}"
    assert sum(planted.values()) > 80


def test_no_finding_names_a_clean_account(plan: DayPlan, runs: list[Run]) -> None:
    clean: set[tuple[str, str]] = set()
    for person in plan.staff:
        if person.account in plan.clean_accounts[person.school]:
            clean |= {(person.school, person.account), (person.school, person.mail)}
    named = {(finding["school"], finding["account"]) for run in runs for finding in run.findings}
    assert not named & clean
    assert all(len(accounts) >= 10 for accounts in plan.clean_accounts.values())
