"""Letters from templates with the case's facts (the letter rows the case service wrote when a step
required one), rendered as PDF (fpdf2) or DOCX (python-docx). The text comes from Jinja2 templates in
`templates/letters/<kind>.txt`: the first line is the heading, paragraphs are separated by a blank
line, and a line starting with "- " is a bullet."""

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import docx
from fpdf import FPDF
from jinja2 import Environment

# The three letters the workspace offers (issue 9); any other letter kind the service writes uses
# `generic.txt`.
LETTER_TITLES = {
    "disciplinary_hearing_invitation": "Invitation to a disciplinary hearing",
    "disciplinary_hearing_rearranged": "Disciplinary hearing rearranged",
    "disciplinary_outcome": "Outcome of the disciplinary hearing",
    "disciplinary_appeal_outcome": "Outcome of your appeal",
    "suspension_confirmation": "Confirmation of suspension",
    "grievance_acknowledgement": "Acknowledgement of your grievance",
    "grievance_outcome": "Outcome of your grievance",
    "grievance_appeal_outcome": "Outcome of your grievance appeal",
    "access_withdrawal_notice": "Withdrawal of access",
}
TEMPLATED = {"disciplinary_hearing_invitation", "disciplinary_outcome", "disciplinary_appeal_outcome"}
# fpdf2's core fonts are Latin-1: typographic characters become their plain equivalents.
_LATIN1 = str.maketrans(
    {"—": "-", "–": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "¶": "para. "}
)


@dataclass(frozen=True)
class RenderedLetter:
    heading: str
    paragraphs: tuple[str, ...]
    filename: str


def words(value: object) -> str:
    """`final_written_warning` / `FINAL_WRITTEN_WARNING` → `final written warning`."""
    return str(value).replace("_", " ").lower()


def when(value: object, tz: ZoneInfo) -> str:
    """An ISO date or date-time as a letter writes it: `Monday 7 December 2026 at 10:00`."""
    text = str(value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) <= 10:
        return f"{parsed:%A} {parsed.day} {parsed:%B %Y}"
    local = parsed.astimezone(tz) if parsed.tzinfo else parsed
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def render_text(
    env: Environment, case: dict[str, Any], letter: dict[str, Any], tz: ZoneInfo, sender: str
) -> RenderedLetter:
    kind = str(letter["kind"])
    name = f"letters/{kind}.txt" if kind in TEMPLATED else "letters/generic.txt"
    text = env.get_template(name).render(
        case=case,
        letter=letter,
        content=letter.get("content") or {},
        title=LETTER_TITLES.get(kind, words(kind).capitalize()),
        sender=sender,
        today=when(datetime.now(tz).date().isoformat(), tz),
        when=lambda v: when(v, tz),
        words=words,
    )
    blocks = [block.strip() for block in text.strip().split("\n\n") if block.strip()]
    heading, paragraphs = blocks[0], tuple(blocks[1:])
    stamp = str(letter.get("createdAt", ""))[:10]
    filename = f"{kind}-case-{case['id']}-{stamp}".replace(":", "")
    return RenderedLetter(heading, paragraphs, filename)


def _lines(paragraph: str) -> list[str]:
    return [" ".join(part.split()) if not part.startswith("- ") else part for part in paragraph.split("\n")]


def as_pdf(letter: RenderedLetter) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_margins(22, 20, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.multi_cell(0, 8, letter.heading.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1"))
    pdf.ln(4)
    pdf.set_font("Helvetica", "", 11)
    for paragraph in letter.paragraphs:
        for line in _lines(paragraph):
            safe = line.translate(_LATIN1).encode("latin-1", "replace").decode("latin-1")
            if safe.startswith("- "):
                pdf.set_x(pdf.l_margin + 5)
                pdf.multi_cell(0, 6, "- " + safe[2:], new_x="LMARGIN", new_y="NEXT")
            else:
                pdf.multi_cell(0, 6, safe, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def as_docx(letter: RenderedLetter) -> bytes:
    document = docx.Document()
    document.add_heading(letter.heading, level=1)
    for paragraph in letter.paragraphs:
        plain: list[str] = []
        for line in _lines(paragraph):
            if line.startswith("- "):
                if plain:
                    document.add_paragraph("\n".join(plain))
                    plain = []
                document.add_paragraph(line[2:], style="List Bullet")
            else:
                plain.append(line)
        if plain:
            document.add_paragraph("\n".join(plain))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
