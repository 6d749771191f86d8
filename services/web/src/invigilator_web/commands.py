"""Forms for the workflow mutations: one per command of the case service, each field labelled in
plain words. The table mirrors the committed SDL's input types (a test compares them), and turning
a submitted form into GraphQL variables is a plain function (no framework)."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

Kind = Literal["text", "textarea", "yesno", "check", "datetime", "date", "enum", "enums", "lines"]

OUTCOMES = {
    "NO_ACTION": "No action",
    "INFORMAL_ADVICE": "Informal advice",
    "FIRST_WRITTEN_WARNING": "First written warning",
    "FINAL_WRITTEN_WARNING": "Final written warning",
    "DISMISSAL_WITH_NOTICE": "Dismissal with notice",
    "SUMMARY_DISMISSAL": "Summary dismissal (gross misconduct)",
}
APPEAL_OUTCOMES = {"UPHELD": "Original decision upheld", "VARIED": "Varied", "OVERTURNED": "Overturned"}
GRIEVANCE_OUTCOMES = {"UPHELD": "Upheld", "PARTLY_UPHELD": "Partly upheld", "NOT_UPHELD": "Not upheld"}
POSTPONEMENT_REASONS = {"COMPANION_UNAVAILABLE": "The companion is unavailable", "OTHER": "Other"}
CONCURRENT = {"PAUSE_DISCIPLINARY": "Pause the disciplinary", "HEAR_TOGETHER": "Hear both together"}
ACCESS_SERVICES = {"INTERNET": "Internet", "EMAIL": "E-mail"}
LAWFUL_PURPOSES = {
    "BUSINESS_RELEVANCE": "To establish the existence of facts relevant to the business",
    "ESTABLISH_FACTS": "To establish facts (e.g. a specific allegation)",
    "REGULATORY_COMPLIANCE": "To ascertain compliance with regulatory or self-regulatory practices",
    "STANDARDS": "To ascertain or demonstrate standards which ought to be achieved",
    "UNAUTHORISED_USE": "To detect unauthorised use of the school's systems",
    "CRIME": "To prevent or detect crime",
    "SYSTEM_OPERATION": "To secure the effective operation of the systems",
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: Kind = "text"
    required: bool = True
    options: Mapping[str, str] | None = None
    hint: str = ""
    default: str = ""  # "on" checks a box by default

    @property
    def sdl_type(self) -> str:
        """The field's type as the SDL writes it (for the freshness test)."""
        base = {
            "text": "String",
            "textarea": "String",
            "yesno": "Boolean",
            "check": "Boolean",
            "datetime": "DateTime",
            "date": "Date",
            "lines": "[String!]",
        }.get(self.kind)
        if base is None:  # enums: named by the test from the options
            base = "enum"
        return base


@dataclass(frozen=True)
class CommandForm:
    mutation: str
    fields: tuple[Field, ...] = ()

    @property
    def has_input(self) -> bool:
        return bool(self.fields)


def _f(name: str, label: str, kind: Kind = "text", **kw: Any) -> Field:
    return Field(name, label, kind, **kw)


def _opt(name: str, label: str, kind: Kind = "text", **kw: Any) -> Field:
    return Field(name, label, kind, required=False, **kw)


FORMS: dict[str, CommandForm] = {
    form.mutation: form
    for form in (
        CommandForm("dismissFalsePositive", (_f("reason", "Why this is a false positive", "textarea"),)),
        CommandForm("startInformalResolution", (_f("headteacher", "Headteacher who will resolve it"),)),
        CommandForm(
            "recordInformalOutcome",
            (_f("resolved", "Was it resolved?", "yesno"), _f("notes", "Notes", "textarea")),
        ),
        CommandForm("routeToDisciplinary"),
        CommandForm("routeToGrievance"),
        CommandForm("raiseItTicket", (_f("ticketReference", "IT ticket reference"),)),
        CommandForm("closeItTicket", (_f("resolution", "Resolution", "textarea"),)),
        CommandForm("routeToSafeguarding", (_f("dsl", "Designated safeguarding lead informed"),)),
        CommandForm("appointInvestigator", (_f("investigator", "Investigating officer"),)),
        CommandForm(
            "addEvidence",
            (_f("reference", "Evidence reference"), _f("description", "Description", "textarea")),
        ),
        CommandForm(
            "concludeInvestigation",
            (
                _f("caseToAnswer", "Is there a case to answer?", "yesno"),
                _f("findings", "Findings", "textarea"),
                _f("grossMisconductAlleged", "Gross misconduct alleged", "check"),
            ),
        ),
        CommandForm(
            "suspend",
            (
                _f("reason", "Reason for the suspension", "textarea"),
                _f("reviewOn", "Review the suspension on", "date"),
                _f("onFullPay", "On full pay", "check", default="on"),
                _f(
                    "statedNotDisciplinary",
                    "The letter states that suspension is not a disciplinary act",
                    "check",
                ),
            ),
        ),
        CommandForm(
            "reviewSuspension",
            (_f("note", "Review note", "textarea"), _f("nextReviewOn", "Next review on", "date")),
        ),
        CommandForm("liftSuspension", (_f("note", "Note", "textarea"),)),
        CommandForm("resumeDisciplinary", (_f("reason", "Why the disciplinary resumes", "textarea"),)),
        CommandForm(
            "sendInvitation",
            (
                _f("allegations", "Allegations", "lines", hint="One per line."),
                _f("possibleConsequences", "Possible consequences", "enums", options=OUTCOMES),
                _f("evidencePack", "Evidence pack", "lines", hint="Evidence references, one per line."),
                _f("hearingAt", "Hearing date and time", "datetime"),
                _f("venue", "Venue"),
                _f("rightToBeAccompanied", "The letter states the right to be accompanied", "check"),
            ),
        ),
        CommandForm(
            "holdHearing",
            (
                _f("chair", "Chair of the hearing"),
                _f("notes", "Notes of the hearing", "textarea"),
                _f("employeeAttended", "The employee attended", "check", default="on"),
                _opt("companion", "Companion (if any)"),
                _opt("chairOverrideReason", "Why the investigator chairs (only if so)"),
            ),
        ),
        CommandForm(
            "postponeHearing",
            (
                _f("newHearingAt", "New hearing date and time", "datetime"),
                _f("reason", "Reason", "enum", options=POSTPONEMENT_REASONS),
                _opt("explanation", "Explanation", "textarea"),
            ),
        ),
        CommandForm(
            "recordDecision",
            (
                _f("decidedBy", "Decided by"),
                _f("outcome", "Outcome", "enum", options=OUTCOMES),
                _f("rationale", "Rationale", "textarea"),
                _f("grossMisconductFound", "Gross misconduct found", "check"),
            ),
        ),
        CommandForm("lodgeAppeal", (_f("grounds", "Grounds of appeal", "textarea"),)),
        CommandForm("closeDisciplinary"),
        CommandForm(
            "decideAppeal",
            (
                _f("heardBy", "Appeal heard by"),
                _f("outcome", "Outcome of the appeal", "enum", options=APPEAL_OUTCOMES),
                _f("rationale", "Rationale", "textarea"),
                _opt("variedTo", "Varied to (only when varied)", "enum", options=OUTCOMES),
            ),
        ),
        CommandForm(
            "raiseGrievance",
            (
                _f("raisedBy", "Raised by"),
                _f("complainedAbout", "Complained about", "lines", hint="One person per line."),
                _f("summary", "Summary", "textarea"),
                _f("inWriting", "Raised in writing", "check"),
                _opt("concurrentHandling", "During a disciplinary", "enum", options=CONCURRENT),
            ),
        ),
        CommandForm(
            "acknowledgeGrievance",
            (_f("handler", "Handled by"), _f("meetingAt", "Meeting date and time", "datetime")),
        ),
        CommandForm(
            "holdGrievanceMeeting",
            (
                _f("chairedBy", "Chaired by"),
                _f("notes", "Notes of the meeting", "textarea"),
                _opt("companion", "Companion (if any)"),
            ),
        ),
        CommandForm(
            "recordGrievanceOutcome",
            (
                _f("decidedBy", "Decided by"),
                _f("outcome", "Outcome", "enum", options=GRIEVANCE_OUTCOMES),
                _f("rationale", "Rationale", "textarea"),
            ),
        ),
        CommandForm("lodgeGrievanceAppeal", (_f("grounds", "Grounds of appeal", "textarea"),)),
        CommandForm("closeGrievance"),
        CommandForm(
            "decideGrievanceAppeal",
            (
                _f("heardBy", "Appeal heard by"),
                _f("rationale", "Rationale", "textarea"),
                _opt("newOutcome", "New outcome (if changed)", "enum", options=GRIEVANCE_OUTCOMES),
            ),
        ),
        CommandForm(
            "recordLadoConsultation",
            (_f("lado", "LADO consulted"), _f("advice", "The LADO's advice", "textarea")),
        ),
        CommandForm(
            "recordPoliceReferral",
            (
                _f("referred", "Referred to the police?", "yesno"),
                _opt("policeReference", "Police reference"),
                _opt("reason", "Reason", "textarea"),
            ),
        ),
        CommandForm(
            "recordDbsDecision",
            (_f("referred", "Referred to the DBS?", "yesno"), _f("reason", "Reason", "textarea")),
        ),
        CommandForm("closeSafeguarding", (_f("summary", "Summary", "textarea"),)),
        CommandForm(
            "withdrawAccess",
            (
                _f("services", "Services withdrawn", "enums", options=ACCESS_SERVICES),
                _f("decidedBy", "Decided by"),
                _f("reason", "Reason", "textarea"),
                _f("startsOn", "Starts on", "date"),
                _f("reviewOn", "Review on", "date"),
            ),
        ),
        CommandForm(
            "reviewAccessWithdrawal",
            (_f("note", "Review note", "textarea"), _f("nextReviewOn", "Next review on", "date")),
        ),
        CommandForm("restoreAccess", (_f("note", "Note", "textarea"),)),
    )
}


class FormError(ValueError):
    """A submitted form that cannot become the mutation's input (said in plain words)."""


def local_datetime(value: str, tz: ZoneInfo) -> str:
    """`2026-12-07T10:00` typed in the school's time zone → ISO 8601 with its offset."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise FormError(f"{value!r} is not a date and time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    return parsed.isoformat()


def form_input(
    form: CommandForm, get: Callable[[str], str | None], get_all: Callable[[str], Sequence[str]], tz: ZoneInfo
) -> dict[str, Any]:
    """The GraphQL input of `form` from the submitted values (`get`/`get_all` read the request)."""
    values: dict[str, Any] = {}
    for field in form.fields:
        raw = (get(field.name) or "").strip()
        if field.kind == "check":
            values[field.name] = raw in {"on", "true", "yes"}
            continue
        if field.kind == "enums":
            chosen = [v for v in get_all(field.name) if field.options and v in field.options]
            if field.required and not chosen:
                raise FormError(f"Choose at least one: {field.label}.")
            values[field.name] = chosen
            continue
        if field.kind == "lines":
            lines = [line.strip() for line in raw.splitlines() if line.strip()]
            if field.required and not lines:
                raise FormError(f"Fill in: {field.label}.")
            values[field.name] = lines
            continue
        if not raw:
            if field.required:
                raise FormError(f"Fill in: {field.label}.")
            continue
        if field.kind == "yesno":
            values[field.name] = raw == "yes"
        elif field.kind == "datetime":
            values[field.name] = local_datetime(raw, tz)
        elif field.kind == "enum":
            if not field.options or raw not in field.options:
                raise FormError(f"Choose one of the options: {field.label}.")
            values[field.name] = raw
        else:
            values[field.name] = raw
    return values
