"""Loading and rendering one case page (shared by the case views and the privacy views)."""

import asyncio
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from invigilator_web.auth import User
from invigilator_web.commands import FORMS, LAWFUL_PURPOSES
from invigilator_web.graphql_client import ApiError, CaseService
from invigilator_web.letters import LETTER_TITLES
from invigilator_web.queries import CASE, CONTENT_ACCESS, REVEALS
from invigilator_web.render import Pages

# What a refusal's code means, in plain words (the message itself is the server's reason).
REFUSAL_HEADINGS = {
    "GUARD_REFUSED": "The workflow refused this step",
    "FORBIDDEN": "Your role may not do this",
    "NOT_FOUND": "This case is not visible to you",
    "CONFLICT": "Someone changed this case meanwhile: read it again and retry",
    "BAD_REQUEST": "The request was not accepted",
}


@dataclass
class Problem:
    """A refusal or form error shown next to the form that caused it."""

    heading: str
    message: str
    form: str = ""  # the mutation / form id whose panel shows it, opened
    values: dict[str, Any] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, exc: ApiError, form: str, values: dict[str, Any]) -> "Problem":
        reasons = [str(r) for r in exc.extensions.get("reasons") or [] if str(r) != exc.message]
        heading = REFUSAL_HEADINGS.get(exc.code, "The case service refused this")
        return cls(heading, exc.message, form, values, reasons)


async def _optional(
    api: CaseService, user: User, query: str, case_id: str, key: str
) -> list[dict[str, Any]] | None:
    """A privacy list, or None when the caller's role may not see it."""
    try:
        data = await api.execute(user.token, query, {"id": case_id})
    except ApiError:
        return None
    result: list[dict[str, Any]] = data[key]
    return result


async def show_case(
    pages: Pages,
    api: CaseService,
    request: Request,
    user: User,
    case_id: str,
    problem: Problem | None = None,
    flash: str | None = None,
) -> Response:
    try:
        data, reveals, accesses = await asyncio.gather(
            api.execute(user.token, CASE, {"id": case_id}),
            _optional(api, user, REVEALS, case_id, "identityReveals"),
            _optional(api, user, CONTENT_ACCESS, case_id, "contentAccessRequests"),
        )
    except ApiError as exc:
        return pages.render(
            request, "error.html", user, status_code=400, heading="Cannot show the case", message=exc.message
        )
    case = data.get("case")
    if case is None:
        return pages.render(
            request,
            "error.html",
            user,
            status_code=404,
            heading="Case not found",
            message="There is no such case, or it is not visible to you.",
        )
    commands = [{**command, "form": FORMS.get(command["mutation"])} for command in case["allowedCommands"]]
    letters = [
        {**letter, "index": i, "title": LETTER_TITLES.get(letter["kind"], letter["kind"])}
        for i, letter in enumerate(case["letters"])
    ]
    approved_reveal = any(
        r["status"] == "approved" and r["requestedBy"] == user.subject for r in reveals or []
    )
    return pages.render(
        request,
        "case.html",
        user,
        case=case,
        commands=commands,
        letters=letters,
        reveals=reveals,
        accesses=accesses,
        approved_reveal=approved_reveal,
        purposes=LAWFUL_PURPOSES,
        problem=problem,
        flash=flash,
    )
