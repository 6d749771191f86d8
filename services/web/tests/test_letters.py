"""Letters render from their templates with the case's facts, as PDF and DOCX."""

import io
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from jinja2 import ChainableUndefined, Environment, FileSystemLoader

from invigilator_web.letters import as_docx, as_pdf, render_text, when

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "invigilator_web" / "templates"
LONDON = ZoneInfo("Europe/London")
CASE = {
    "id": "1f84579e-b331-5573-8b7d-cc79b1a312e6",
    "clause": "NET-ADULT",
    "title": "Accessing adult content",
    "school": {"name": "Elms Farm"},
    "breaches": [{"policyRef": "Internet use ¶3"}],
}
LETTERS = {
    "disciplinary_hearing_invitation": {
        "allegations": ["Accessed adult content"],
        "possible_consequences": ["first_written_warning", "final_written_warning"],
        "evidence_pack": ["E1"],
        "hearing_at": "2026-12-07T10:00:00+00:00",
        "venue": "Meeting room 2",
        "right_to_be_accompanied": True,
    },
    "disciplinary_outcome": {
        "outcome": "final_written_warning",
        "decided_by": "Chair",
        "rationale": "The evidence",
        "gross_misconduct_found": False,
        "appeal_by": "2026-12-14",
        "relied_on_final_warning": None,
    },
    "disciplinary_appeal_outcome": {
        "heard_by": "Appeal",
        "outcome": "upheld",
        "varied_to": None,
        "rationale": "Fair",
    },
    "suspension_confirmation": {"reason": "risk to evidence", "review_on": "2026-12-01"},
}


@pytest.fixture
def env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=False, undefined=ChainableUndefined)


@pytest.mark.parametrize("kind", LETTERS)
def test_letter_renders_as_pdf_and_docx(env: Environment, kind: str) -> None:
    letter = {
        "kind": kind,
        "recipient": "staff-0123456789",
        "content": LETTERS[kind],
        "createdAt": "2026-11-23T10:00:00+00:00",
    }
    rendered = render_text(env, CASE, letter, LONDON, "HR Case Worker")
    text = "\n".join(rendered.paragraphs)
    assert "staff-0123456789" in text
    assert "HR Case Worker" in text
    assert rendered.filename.startswith(f"{kind}-case-1f84579e")
    pdf = as_pdf(rendered)
    assert pdf.startswith(b"%PDF")
    document = zipfile.ZipFile(io.BytesIO(as_docx(rendered))).read("word/document.xml").decode()
    assert "staff-0123456789" in document


def test_invitation_states_the_facts(env: Environment) -> None:
    letter = {
        "kind": "disciplinary_hearing_invitation",
        "recipient": "staff-1",
        "content": LETTERS["disciplinary_hearing_invitation"],
    }
    text = "\n".join(render_text(env, CASE, letter, LONDON, "HR").paragraphs)
    assert "Monday 7 December 2026 at 10:00 at Meeting room 2" in text
    assert "- final written warning" in text
    assert "right to be accompanied" in text
    assert "Internet use ¶3" in text


def test_dates_read_as_a_letter_writes_them() -> None:
    assert when("2026-07-07T09:00:00+00:00", LONDON) == "Tuesday 7 July 2026 at 10:00"
    assert when("2026-12-14", LONDON) == "Monday 14 December 2026"
