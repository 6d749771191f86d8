"""The case page and what changes a case: workflow commands (only those allowed now), notes, and
the letters as PDF or DOCX."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from jinja2 import Environment
from starlette.datastructures import FormData

from invigilator_web.auth import CurrentUser, User
from invigilator_web.case_page import Problem, show_case
from invigilator_web.commands import FORMS, FormError, form_input
from invigilator_web.graphql_client import ApiError, CaseService
from invigilator_web.letters import as_docx, as_pdf, render_text
from invigilator_web.queries import ADD_NOTE, CASE, transition
from invigilator_web.render import Pages

FLASH = "flash"


class CsrfError(Exception):
    """A form without this session's token."""


async def checked_form(request: Request, user: User) -> FormData:
    form = await request.form()
    if form.get("csrf") != user.csrf:
        raise CsrfError()
    return form


def text(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def texts(form: FormData, name: str) -> list[str]:
    return [v for v in form.getlist(name) if isinstance(v, str)]


def done(request: Request, case_id: str, message: str) -> Response:
    request.session[FLASH] = message
    return RedirectResponse(f"/cases/{case_id}", 303)


def case_router(pages: Pages, api: CaseService, letter_env: Environment) -> APIRouter:
    router = APIRouter()

    @router.get("/cases/{case_id}")
    async def case(case_id: str, request: Request, user: CurrentUser) -> Response:
        return await show_case(pages, api, request, user, case_id, flash=request.session.pop(FLASH, None))

    @router.post("/cases/{case_id}/commands/{mutation}")
    async def command(case_id: str, mutation: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        spec = FORMS.get(mutation)
        values = {k: v for k, v in form.items() if k != "csrf" and isinstance(v, str)}
        if spec is None:
            problem = Problem("Unknown step", f"{mutation} is not a workflow command.", mutation, values)
            return await show_case(pages, api, request, user, case_id, problem)
        try:
            variables: dict[str, Any] = {
                "caseId": case_id,
                "expectedVersion": int(str(form.get("version")))
                if str(form.get("version", "")).isdigit()
                else None,
            }
            if spec.has_input:
                variables["input"] = form_input(
                    spec, lambda n: text(form, n), lambda n: texts(form, n), pages.tz
                )
            await api.execute(user.token, transition(mutation, spec.has_input), variables)
        except FormError as exc:
            problem = Problem("Some details are missing", str(exc), mutation, values)
            return await show_case(pages, api, request, user, case_id, problem)
        except ApiError as exc:
            return await show_case(pages, api, request, user, case_id, Problem.of(exc, mutation, values))
        return done(request, case_id, f"Done: {form.get('title') or mutation}.")

    @router.post("/cases/{case_id}/notes")
    async def note(case_id: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        body = str(form.get("body") or "").strip()
        if not body:
            return await show_case(
                pages, api, request, user, case_id, Problem("Empty note", "Write the note first.", "note")
            )
        try:
            await api.execute(user.token, ADD_NOTE, {"caseId": case_id, "body": body})
        except ApiError as exc:
            return await show_case(
                pages, api, request, user, case_id, Problem.of(exc, "note", {"body": body})
            )
        return done(request, case_id, "Note added.")

    @router.get("/cases/{case_id}/letters/{index}.{fmt}")
    async def letter(case_id: str, index: int, fmt: str, request: Request, user: CurrentUser) -> Response:
        if fmt not in {"pdf", "docx"}:
            return Response("unknown format", status_code=404)
        try:
            data = await api.execute(user.token, CASE, {"id": case_id})
        except ApiError as exc:
            return Response(exc.message, status_code=400)
        case = data.get("case")
        if case is None or not 0 <= index < len(case["letters"]):
            return Response("no such letter", status_code=404)
        rendered = render_text(letter_env, case, case["letters"][index], pages.tz, user.name)
        if fmt == "pdf":
            body, media = as_pdf(rendered), "application/pdf"
        else:
            body = as_docx(rendered)
            media = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        disposition = f'attachment; filename="{rendered.filename}.{fmt}"'
        return Response(body, media_type=media, headers={"Content-Disposition": disposition})

    return router
