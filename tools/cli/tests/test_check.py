"""`invigilator check` over the sample day of both schools (samples/day), on the real OPA binary.

The ground truth is samples/day/expected.json (EXPECTED.md is the same table, for people). No Kafka
or database is needed, so these run with the unit tests; the OPA binary is required, not optional.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from tests.check_runs import Run, check

from invigilator_cli.local_opa import OpaNotFoundError, find_opa
from invigilator_cli.settings import CliSettings

ROOT = Path(__file__).resolve().parents[3]
DAY = ROOT / "samples" / "day"
# The keys README.md documents for one finding.
KEYS = {
    "clause",
    "title",
    "school",
    "severity",
    "owner",
    "gross_misconduct",
    "kind",
    "source",
    "ref",
    "evidence_refs",
    "account",
    "observed_at",
    "reason",
    "policy_ref",
}
# school → (format, files, unreadable records, Windows events skipped as not monitored)
RUNS: dict[str, list[tuple[str, list[str], int, int]]] = {
    "elms-farm": [
        ("squid", ["squid-access.log"], 2, 0),
        ("ecs", ["winlogbeat-endpoints.ecs.jsonl", "winlogbeat-dc.ecs.jsonl"], 1, 6),
        ("ldif", ["staff-ou.ldif"], 1, 0),
        ("eml", sorted(path.name for path in (DAY / "elms-farm" / "mail").glob("*.eml")), 0, 0),
    ],
    "st-peters": [
        ("e2guardian", ["e2guardian-access.log"], 1, 0),
        ("nxlog", ["nxlog-endpoints.jsonl"], 1, 1),
        ("exchange-tracking", ["MSGTRK20261124-1.LOG"], 1, 0),
        ("m365-trace", ["m365-message-trace.json"], 1, 0),
        ("gmail", ["gmail-logs.jsonl"], 1, 0),
    ],
}


def relative(ref: str) -> str:
    return ref.removeprefix(f"{ROOT}/")


@pytest.fixture(scope="module")
def opa() -> str:
    """The real OPA binary; its absence fails the tests (it is a prerequisite, not an option)."""
    try:
        return find_opa(CliSettings())
    except OpaNotFoundError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def day(opa: str) -> dict[tuple[str, str], Run]:
    """Every run of the sample day, once per module."""
    runs = {}
    for school, formats in RUNS.items():
        for format_name, files, _, _ in formats:
            paths = [str(DAY / school / ("mail/" if format_name == "eml" else "") / name) for name in files]
            runs[(school, format_name)] = check(
                "--school", school, "--format", format_name, "--opa", opa, *paths
            )
    return runs


@pytest.fixture(scope="module")
def expected() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((DAY / "expected.json").read_text())["findings"]
    return rows


def found(day: dict[tuple[str, str], Run]) -> Iterator[tuple[str, str, str, str]]:
    for run in day.values():
        for finding in run.findings:
            yield finding["school"], finding["clause"], finding["account"], relative(finding["ref"])


def key(row: dict[str, Any]) -> tuple[str, str, str, str]:
    return row["school"], row["clause"], row["account"], row["ref"]


def test_every_planted_breach_is_found_and_nothing_else(
    day: dict[tuple[str, str], Run], expected: list[dict[str, Any]]
) -> None:
    reported = Counter(found(day))
    # Known deviations are bugs reported and not yet fixed: a planted breach the check misses, a
    # finding where nothing was breached. Fixing one makes this fail: update the samples' truth.
    wanted = Counter(key(row) for row in expected if "known_miss" not in row)
    assert reported == wanted
    assert {(s, c, a) for s, c, a, _ in reported} == {(s, c, a) for s, c, a, _ in wanted}
    for row in expected:
        if "known_miss" in row:
            assert key(row) not in reported, f"now found (update expected.json): {row}"


def test_clean_staff_get_no_findings(day: dict[tuple[str, str], Run], expected: list[dict[str, Any]]) -> None:
    planted = {(row["school"], row["account"]) for row in expected}
    accused = {(school, account) for school, _, account, _ in found(day)}
    assert accused <= planted
    # Near misses: jsmith (21 minutes of news, shopping after 17:00, a screensaver locked in time,
    # one denied share, her own credentials, the approved stick) and ewood (exactly 60 minutes).
    for school, account in [("elms-farm", "jsmith"), ("elms-farm", "ewood"), ("st-peters", "lbowen")]:
        assert (school, account) not in accused


def test_exit_code_is_0_with_findings(day: dict[tuple[str, str], Run]) -> None:
    for run in day.values():
        assert run.code == 0, run.stderr
        assert run.findings, f"{run.school} {run.format_name}: no findings"


SUMMARY = re.compile(r"(\d+) events judged .*; (\d+) unreadable, (\d+) skipped; (\d+) findings")


def test_unreadable_and_skipped_records_are_counted_on_stderr(day: dict[tuple[str, str], Run]) -> None:
    for school, formats in RUNS.items():
        for format_name, files, unreadable, not_monitored in formats:
            run = day[(school, format_name)]
            summary = SUMMARY.search(run.stderr.splitlines()[-1])
            assert summary, run.stderr
            assert int(summary.group(2)) == unreadable, run.stderr
            assert int(summary.group(3)) >= not_monitored
            assert int(summary.group(4)) == len(run.findings)
            shown = [line for line in run.stderr.splitlines() if line.startswith("unreadable: ")]
            assert len(shown) == unreadable
            for line in shown:
                # "unreadable: <file>[:<line>]: <reason>", the file one of the inputs
                where = relative(line.removeprefix("unreadable: ")).split(":", 1)[0]
                assert Path(where).name in files
            listed = [
                line for line in run.stderr.splitlines() if line.startswith("skipped, no rule reads them: ")
            ]
            counts = [int(n) for n in re.findall(r"\((\d+)\)", listed[0])] if listed else []
            assert sum(counts) == not_monitored
    squid = day[("elms-farm", "squid")].stderr
    assert "no request: the proxy logged an error (error:transaction-end-before-headers)" in squid


def test_unknown_school_exits_2_naming_the_known_ones(opa: str) -> None:
    run = check(
        "--school", "nowhere", "--format", "squid", "--opa", opa, str(DAY / "elms-farm" / "squid-access.log")
    )
    assert run.code == 2
    assert run.stdout == ""
    assert "unknown school 'nowhere'" in run.stderr
    assert "(known: elms-farm, oak-hill, riverside, st-peters)" in run.stderr


def test_mail_domain_makes_a_recipient_internal(opa: str, tmp_path: Path) -> None:
    """A domain added with --mail-domain is the school's own: an attachment sent there is internal."""
    sample = (DAY / "elms-farm" / "mail" / "03-sen-register-home.eml").read_bytes()
    message = tmp_path / "to-the-federation.eml"
    message.write_bytes(sample.replace(b"tom.green.1985@gmail.com", b"bursar@elmsfarm-federation.org.uk"))
    outside = check("--school", "elms-farm", "--format", "eml", "--opa", opa, str(message))
    assert [(f["clause"], f["account"]) for f in outside.findings] == [
        ("DATA-THIRD-PARTY", "t.green@elmsfarm.example.sch.uk")
    ]
    inside = check(
        "--school",
        "elms-farm",
        "--mail-domain",
        "ElmsFarm-Federation.org.uk",
        "--format",
        "eml",
        "--opa",
        opa,
        str(message),
    )
    assert inside.code == 0
    assert inside.findings == []
    assert "1 events judged" in inside.stderr


def record_text(path: Path, line: int) -> str:
    """The record that starts at `line`: an .eml header block, an LDIF entry, a trace row object, or
    the line itself."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert 1 <= line <= len(lines), f"{path}:{line} is past the end"
    if path.suffix == ".eml":
        return "\n".join(lines[: lines.index("")])
    if path.suffix in (".ldif", ".json"):
        block = []
        for text in lines[line - 1 :]:
            if not text.strip() or text.strip() in ("}", "},"):
                break
            block.append(text)
        return "\n".join(block)
    return lines[line - 1]


def test_refs_point_at_the_record_and_it_names_the_account(day: dict[tuple[str, str], Run]) -> None:
    for run in day.values():
        for finding in run.findings:
            file, _, line = finding["ref"].rpartition(":")
            assert line.isdigit(), finding["ref"]
            text = record_text(Path(file), int(line))
            assert text.strip()
            if finding["account"]:
                assert finding["account"].lower() in text.lower(), (finding["ref"], finding["account"])


def test_output_lines_are_json_objects_with_the_documented_keys(day: dict[tuple[str, str], Run]) -> None:
    for run in day.values():
        for line in run.stdout.splitlines():
            finding = json.loads(line)
            assert set(finding) == KEYS
            assert finding["school"] == run.school
            assert finding["severity"] in {"low", "medium", "high", "critical"}
            assert finding["owner"] in {"hr", "it", "dsl"}
            assert finding["kind"] in {"A", "P"}
            assert isinstance(finding["gross_misconduct"], bool)
            assert isinstance(finding["evidence_refs"], int)
            assert finding["evidence_refs"] >= 1
            observed = datetime.fromisoformat(finding["observed_at"].replace("Z", "+00:00"))
            assert finding["observed_at"].endswith("Z")
            if finding["source"] != "directory.ldif":  # an export carries no time: read "now"
                assert observed.date() == date(2026, 11, 24), finding
            assert finding["policy_ref"]


def test_the_console_script_runs(opa: str) -> None:
    script = Path(sys.executable).with_name("invigilator")
    result = subprocess.run(
        [
            str(script),
            "check",
            "--school",
            "st-peters",
            "--format",
            "gmail",
            "--opa",
            opa,
            "samples/day/st-peters/gmail-logs.jsonl",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    refs = [json.loads(line)["ref"] for line in result.stdout.splitlines()]
    assert refs
    assert all(ref.startswith("samples/day/st-peters/gmail-logs.jsonl:") for ref in refs)


def test_the_samples_are_what_the_generator_writes(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(DAY / "generate.py"), "--out", str(tmp_path)],
        check=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    written = {
        path.relative_to(tmp_path): path.read_bytes()
        for path in (tmp_path / "samples" / "day").rglob("*")
        if path.is_file()
    }
    committed = {
        path.relative_to(ROOT): path.read_bytes()
        for path in DAY.rglob("*")
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts
    }
    assert sorted(written) == sorted(committed)
    stale = [str(path) for path, data in written.items() if committed[path] != data]
    assert not stale, f"run `python samples/day/generate.py`: {stale}"


def test_the_readme_example_is_real_output(day: dict[tuple[str, str], Run]) -> None:
    """README.md's example findings (wrapped at spaces) are lines the check prints, keys and all."""
    readme = (ROOT / "README.md").read_text()
    block = readme.split("$ .venv/bin/invigilator check --school elms-farm --format ecs", 1)[1].split(
        "```", 1
    )[0]
    shown, current = [], ""
    for line in block.splitlines()[1:]:
        if line.startswith("{") or current:
            current += line
            if line.endswith("}"):
                shown.append(json.loads(current))
                current = ""
    printed = [finding | {"ref": relative(finding["ref"])} for finding in day[("elms-farm", "ecs")].findings]
    assert len(shown) == 3
    for finding in shown:
        assert set(finding) == KEYS
        assert finding in printed
    summary = block.strip().splitlines()[-1]
    assert summary == day[("elms-farm", "ecs")].stderr.strip().splitlines()[-1]


def test_with_a_directory_each_finding_says_whether_the_account_is_known(opa: str, tmp_path: Path) -> None:
    """--directory: the staff LDIF the engine's directory table would hold. A line of an account the
    export does not list is still judged, and flagged."""
    log = tmp_path / "access.log"
    known = (
        "1795505160.905   4658 10.20.1.24 TCP_TUNNEL/200 52325 CONNECT www.facebook.com:443 ewood"
        " HIER_DIRECT/1.2.3.4 -"
    )
    log.write_text(f"{known}\n{known.replace(' ewood ', ' ghost01 ')}\n")
    ldif = str(DAY / "elms-farm" / "staff-ou.ldif")
    run = check("--school", "elms-farm", "--format", "squid", "--directory", ldif, "--opa", opa, str(log))
    assert run.code == 0
    assert {(f["account"], f["clause"], f["account_unknown"]) for f in run.findings} == {
        ("ewood", "NET-SOCIAL", False),
        ("ghost01", "NET-SOCIAL", True),
    }
    assert "accounts in the directory" in run.stderr
    without = check("--school", "elms-farm", "--format", "squid", "--opa", opa, str(log))
    assert all("account_unknown" not in f for f in without.findings)
