"""The traceability matrix (docs/traceability.md) lists every clause and is kept fresh.

The generator is tests/contract/traceability.py; these tests run it on the real sources with
fake rule annotations, and once on the real Rego (needs opa on PATH, as scripts/test.sh arranges).
"""

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.contract import clause_sources as cs
from tests.contract import evidence_scan as ev
from tests.contract import traceability as tr
from tests.stack import ROOT


def catalogue_text() -> str:
    if not tr.CATALOGUE.exists():
        pytest.fail(f"clause catalogue not found at {tr.CATALOGUE}: check out ../shared beside the repo")
    return tr.CATALOGUE.read_text(encoding="utf-8")


def register_document() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(tr.REGISTER.read_text(encoding="utf-8"))
    return document


def annotation(clause: str, package: str, file: str, title: str = "A rule", row: int = 1) -> dict[str, Any]:
    """One entry of `opa inspect -a --format json`, as far as the generator reads it."""
    path = [{"type": "var", "value": "data"}] + [
        {"type": "string", "value": part} for part in [*package.split(".")[1:], "findings"]
    ]
    return {
        "annotations": {"scope": "rule", "title": title, "custom": {"clause": clause}},
        "location": {"file": file, "row": row, "col": 1},
        "path": path,
    }


def matrix_rows(markdown: str) -> dict[str, list[str]]:
    """The rows of the clause tables, by clause id: [id, title, kind, status, EF, SP, ...]."""
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) == 10 and re.fullmatch(r"[A-Z]+(-[A-Z]+)+", cells[0]):
            rows[cells[0]] = cells
    return rows


FAKE_RULE = """package invigilator.clauses.net.social

import data.invigilator.lib.finding

findings contains f if {
	some i, event in input.events
	event.proxy.host == "x"
	m := event.mail
	count(object.get(m, ["to"], [])) > 0
	some a in m.attachments
	a.extension == "exe"
	f := finding.make(i, rego.metadata.rule(), "r", {"from": object.get(event, ["mail", "fromAddress"], "")})
}
"""

FAKE_TESTS = """package invigilator.clauses.net.social_test

test_fires if {
	true
}

test_does_not_fire if {
	true
}
"""


def fake_repository(tmp_path: Path) -> Path:
    clause_dir = tmp_path / "policies-rego" / "clauses" / "net"
    clause_dir.mkdir(parents=True)
    (clause_dir / "social.rego").write_text(FAKE_RULE, encoding="utf-8")
    (clause_dir / "social_test.rego").write_text(FAKE_TESTS, encoding="utf-8")
    return tmp_path


def test_catalogue_and_register_are_read() -> None:
    catalogue = cs.parse_catalogue(catalogue_text())
    register = cs.parse_register(register_document())
    assert len(catalogue) >= 30
    assert catalogue["NET-SOCIAL"].kind == "A"
    assert catalogue["PWD-SHARED"].refs == {
        "elms-farm": "1.3",
        "st-peters": "Equipment Security and Passwords ¶3",
    }
    assert not set(catalogue) & set(register), "a register id collides with a rule clause"


def test_generator_lists_every_catalogue_id() -> None:
    text = catalogue_text()
    markdown = tr.generate(text, register_document(), [], ROOT, tr.PROTO.read_text(encoding="utf-8"))
    rows = matrix_rows(markdown)
    expected = set(cs.parse_catalogue(text)) | set(register_document()["clauses"])
    assert expected <= set(rows), f"not in the matrix: {sorted(expected - set(rows))}"
    assert rows["MAN-CRITICISE-SCHOOLS"][3] == "manual"
    assert rows["MON-ENVELOPE-ONLY"][3] == "monitoring limit"
    assert rows["WF-POLICE"][3] == "workflow"
    assert "GENERATED" in markdown.splitlines()[0]
    assert "make traceability" in markdown


def test_missing_rule_when_a_clause_has_no_rule(tmp_path: Path) -> None:
    root = fake_repository(tmp_path)
    annotations = [
        annotation(
            "NET-SOCIAL", "data.invigilator.clauses.net.social", "policies-rego/clauses/net/social.rego"
        ),
        annotation("NET-UNKNOWN", "data.invigilator.clauses.net.odd", "policies-rego/clauses/net/odd.rego"),
    ]
    markdown = tr.generate(catalogue_text(), register_document(), annotations, root)
    rows = matrix_rows(markdown)
    social = rows["NET-SOCIAL"]
    assert social[3] == "automated"
    assert social[6] == "`data.invigilator.clauses.net.social`"
    assert social[7] == "`policies-rego/clauses/net/social.rego`"
    assert social[8] == "`test_does_not_fire`<br>`test_fires`"
    assert social[9] == "`mail.attachments[].extension`<br>`mail.fromAddress`<br>`mail.to`<br>`proxy.host`"
    assert rows["NET-ADULT"][3] == "MISSING RULE"
    assert rows["NET-ADULT"][6:] == ["—", "—", "—", "—"]
    assert rows["PWD-SHARED"][3] == "MISSING RULE"
    assert "NET-UNKNOWN" in markdown.split("## Rules citing a clause id in neither catalogue")[1]


def test_partly_automated_clause_is_a_suspicion(tmp_path: Path) -> None:
    annotations = [annotation("PWD-SHARED", "data.invigilator.clauses.pwd.shared", "policies-rego/x.rego")]
    rows = matrix_rows(tr.generate(catalogue_text(), register_document(), annotations, tmp_path))
    assert rows["PWD-SHARED"][3] == "suspicion (P)"


def test_output_is_deterministic(tmp_path: Path) -> None:
    root = fake_repository(tmp_path)
    forward = [
        annotation(
            "NET-SOCIAL", "data.invigilator.clauses.net.social", "policies-rego/clauses/net/social.rego"
        ),
        annotation("NET-ADULT", "data.invigilator.clauses.net.adult", "policies-rego/clauses/net/adult.rego"),
    ]
    forward += [
        annotation(
            "NET-ADULT", "data.invigilator.clauses.net.adult", "policies-rego/clauses/net/adult.rego", t, r
        )
        for t, r in (("Second rule", 30), ("First rule", 10))
    ]
    one = tr.generate(catalogue_text(), register_document(), forward, root)
    two = tr.generate(catalogue_text(), register_document(), list(reversed(forward)), root)
    assert one == two
    assert matrix_rows(one)["NET-ADULT"][1] == "A rule / First rule / Second rule"


def test_summary_counts_clauses_per_status_for_each_school() -> None:
    markdown = tr.generate(catalogue_text(), register_document(), [], ROOT)
    for school in ("elms-farm", "st-peters"):
        section = markdown.split(f"(`{school}`")[1].split("###")[0]
        total = re.search(r"\*\*all clauses, each once\*\* \| (.*) \|$", section, flags=re.MULTILINE)
        assert total, section
        counts = [int(n.strip("* ")) for n in total.group(1).split("|")]
        missing = counts[tr.STATUSES.index(tr.MISSING)]
        assert missing == len(cs.parse_catalogue(catalogue_text())), (
            "with no rules, every A/P clause is missing"
        )
        assert "unrecognised" not in section, "a reference names no known section"


def test_register_matches_the_catalogue_tables() -> None:
    """MON-* and WF-* exactly as clauses.md lists them; MAN-* cite both schools or say '—'."""
    listed = cs.parse_limits_and_workflow(catalogue_text())
    register = cs.parse_register(register_document())
    assert {c for c in register if not c.startswith("MAN-")} == set(listed)
    for clause_id, refs in listed.items():
        assert register[clause_id].refs == refs, clause_id
        assert register[clause_id].kind == clause_id.split("-")[0]
    for clause in register.values():
        assert re.fullmatch(r"(MAN|MON|WF)(-[A-Z]+)+", clause.id), clause.id
        assert clause.kind == {"MAN": "M"}.get(clause.id.split("-")[0], clause.id.split("-")[0])
        assert clause.title
        assert all(clause.refs.values()), f"{clause.id}: cite a section or '—'"
        assert any(ref != tr.NONE for ref in clause.refs.values()), f"{clause.id}: in neither policy"


def test_references_resolve_to_sections() -> None:
    assert tr.ef_sections("2.5, 7.3(h)") == [
        "2 Systems use & data security",
        "7 Inappropriate use of systems & equipment",
    ]
    assert tr.ef_sections("6.3(c)–(f)") == ["6 Personal use of school systems"]
    assert tr.ef_sections("—") == []
    assert tr.sp_sections("Systems Use and Data Security ¶6; Use of the Internet ¶4; (h)") == [
        "Systems Use and Data Security",
        "Use of the Internet",
        "Inappropriate Use of Equipment and Systems",
    ]
    assert tr.sp_sections("Nowhere ¶1") == ["unrecognised: Nowhere ¶1"]


def test_evidence_fields_follow_aliases_and_library_functions() -> None:
    schema = ev.proto_schema(tr.PROTO.read_text(encoding="utf-8"))
    lib = """package invigilator.lib.mail

sender(m) := lower(m.senderMailbox) if m.senderMailbox != "" else := lower(object.get(m, "fromAddress", ""))

outsider(m) if endswith(sender(m), ".example")
"""
    rule = """package invigilator.clauses.mail.x

import data.invigilator.lib.mail

findings contains f if {
	some i, e in input.events
	mail.outsider(e.mail)
	e.mail.from_address == "x"
	f := e.directory.passwordPolicy.minLength
}
"""
    libraries = {"data.invigilator.lib.mail": ev.function_summaries(lib)}
    assert ev.evidence_fields(rule, schema, libraries) == [
        "directory.passwordPolicy.minLength",
        "mail.fromAddress",
        "mail.from_address (not in events.proto)",
        "mail.senderMailbox",
    ]


def test_proto_schema_uses_json_names() -> None:
    schema = ev.proto_schema(tr.PROTO.read_text(encoding="utf-8"))
    assert schema["MailMessage"]["fromAddress"] == ("string", False)
    assert schema["MailMessage"]["attachments"] == ("Attachment", True)
    assert ev.in_schema("mail.attachments[].sizeBytes", schema)
    assert not ev.in_schema("mail.subject[]", schema)
    assert not ev.in_schema("proxy.query", schema)


def test_stale_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "traceability.md"
    assert tr.stale_diff("a\n", path) is not None
    path.write_text("a\n", encoding="utf-8")
    assert tr.stale_diff("a\n", path) is None
    assert "+b" in (tr.stale_diff("a\nb\n", path) or "")


def test_committed_matrix_is_fresh() -> None:
    """Runs the real generator on the real Rego: regenerate with `make traceability`."""
    if not shutil.which("opa"):
        pytest.fail("opa not on PATH: run through 'make test' (or 'make unit'), which installs and adds it")
    expected = tr.generate_from_repository()
    diff = tr.stale_diff(expected, tr.OUTPUT)
    assert diff is None, f"docs/traceability.md is stale: run 'make traceability'\n{diff}"


def test_schools_that_adopt_a_document_are_named_with_its_column(tmp_path: Path) -> None:
    for school, data in {
        "oak-hill": {"name": "Oak Hill Primary", "adopts": "elms-farm"},
        "elms-farm": {"name": "Elms Farm Primary"},
        "odd": {"adopts": "nowhere"},
    }.items():
        (tmp_path / "data" / "schools" / school).mkdir(parents=True)
        (tmp_path / "data" / "schools" / school / "data.json").write_text(json.dumps(data))
    assert tr.adopting_schools(tmp_path) == ["Oak Hill Primary (`oak-hill`) → EF"]
