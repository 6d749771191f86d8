"""The command forms mirror the committed SDL, and a submitted form becomes the mutation's input."""

import re
from zoneinfo import ZoneInfo

import pytest

from invigilator_web.commands import FORMS, CommandForm, FormError, form_input

SDL = (
    __import__("pathlib").Path(__file__).resolve().parents[2] / "case-service" / "schema.graphql"
).read_text()
LONDON = ZoneInfo("Europe/London")


def sdl_block(kind: str, name: str) -> str:
    match = re.search(rf"^{kind} {name} {{\n(.*?)^}}", SDL, re.MULTILINE | re.DOTALL)
    assert match, f"{kind} {name} not in the SDL"
    return re.sub(r'""".*?"""', "", match.group(1), flags=re.DOTALL)


def sdl_fields(block: str) -> dict[str, str]:
    return dict(re.findall(r"^\s+(\w+)(?:\([^)]*\))?: ([^=\n]+?)(?:\s*=.*)?$", block, re.MULTILINE))


def test_every_workflow_mutation_has_a_form_and_no_form_is_stale() -> None:
    mutations = sdl_fields(sdl_block("type", "Mutation"))
    workflow = {name for name, kind in mutations.items() if kind.strip() == "TransitionResult!"}
    assert workflow == set(FORMS)


@pytest.mark.parametrize("form", FORMS.values(), ids=lambda f: f.mutation)
def test_form_fields_match_the_input_type(form: CommandForm) -> None:
    signature = re.search(rf"^\s+{form.mutation}\((.*)\): TransitionResult!$", SDL, re.MULTILINE)
    assert signature
    if not form.has_input:
        assert "input:" not in signature.group(1)
        return
    input_type = f"{form.mutation[0].upper()}{form.mutation[1:]}Input"
    assert f"input: {input_type}!" in signature.group(1)
    fields = sdl_fields(sdl_block("input", input_type))
    assert [f.name for f in form.fields] == list(fields)
    for f in form.fields:
        sdl_type = fields[f.name].strip()
        has_default = re.search(rf"^\s+{f.name}: [^\n]*=", sdl_block("input", input_type), re.MULTILINE)
        assert f.required == (sdl_type.endswith("!") and not has_default) or f.kind == "check", f.name
        if f.kind in {"enum", "enums"}:
            enum_name = sdl_type.strip("[]!")
            values = re.findall(r"^\s+(\w+)$", sdl_block("enum", enum_name), re.MULTILINE)
            assert f.options is not None, f.name
            assert set(f.options) == set(values), f.name
        else:
            assert sdl_type.rstrip("!") == f.sdl_type, f.name


def _submit(form: CommandForm, values: dict[str, str | list[str]]) -> dict[str, object]:
    def get(name: str) -> str | None:
        value = values.get(name)
        return value if isinstance(value, str) else None

    def get_all(name: str) -> list[str]:
        value = values.get(name, [])
        return value if isinstance(value, list) else [value]

    return form_input(form, get, get_all, LONDON)


def test_invitation_form_becomes_the_input() -> None:
    got = _submit(
        FORMS["sendInvitation"],
        {
            "allegations": "first\n\n second \n",
            "possibleConsequences": ["FINAL_WRITTEN_WARNING", "NOT_AN_OUTCOME"],
            "evidencePack": "E1",
            "hearingAt": "2026-07-07T10:00",
            "venue": "Room 2",
        },
    )
    assert got == {
        "allegations": ["first", "second"],
        "possibleConsequences": ["FINAL_WRITTEN_WARNING"],
        "evidencePack": ["E1"],
        "hearingAt": "2026-07-07T10:00:00+01:00",  # British Summer Time
        "venue": "Room 2",
        "rightToBeAccompanied": False,  # an unticked box is false: the server's guard says why it matters
    }


def test_optional_fields_are_left_out_and_yes_no_is_boolean() -> None:
    assert _submit(FORMS["recordPoliceReferral"], {"referred": "no", "policeReference": " "}) == {
        "referred": False
    }


@pytest.mark.parametrize(
    ("mutation", "values", "message"),
    [
        ("appointInvestigator", {}, "Fill in: Investigating officer."),
        ("sendInvitation", {"allegations": "a"}, "Choose at least one: Possible consequences."),
        ("recordDecision", {"decidedBy": "x", "outcome": "HANGING"}, "Choose one of the options: Outcome."),
        ("acknowledgeGrievance", {"handler": "h", "meetingAt": "soon"}, "'soon' is not a date and time"),
    ],
)
def test_incomplete_forms_are_refused_in_plain_words(
    mutation: str, values: dict[str, str | list[str]], message: str
) -> None:
    with pytest.raises(FormError, match=re.escape(message)):
        _submit(FORMS[mutation], values)
