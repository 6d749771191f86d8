"""Privacy: identity reveal requests and the Headteacher's decision, the revealed identity and the
detailed evidence (each view audited, said on a banner), exceptional content-access requests for a
lawful purpose, and the DPO's audit log."""

from datetime import datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from invigilator_web.auth import CurrentUser, User
from invigilator_web.case_page import Problem, show_case
from invigilator_web.commands import LAWFUL_PURPOSES
from invigilator_web.graphql_client import ApiError, CaseService
from invigilator_web.queries import (
    AUDIT_LOG,
    CASE_EVIDENCE,
    DECIDE_CONTENT,
    DECIDE_REVEAL,
    REQUEST_CONTENT,
    REQUEST_REVEAL,
    REVEALED_IDENTITY,
    USE_CONTENT,
)
from invigilator_web.render import Pages
from invigilator_web.views_case import checked_form, done, text


def privacy_router(pages: Pages, api: CaseService) -> APIRouter:
    router = APIRouter()

    async def attempt(
        request: Request,
        user: User,
        case_id: str,
        form_id: str,
        query: str,
        variables: dict[str, Any],
        ok: str,
    ) -> Response:
        try:
            await api.execute(user.token, query, variables)
        except ApiError as exc:
            values = {k: v for k, v in variables.items() if isinstance(v, str)}
            return await show_case(pages, api, request, user, case_id, Problem.of(exc, form_id, values))
        return done(request, case_id, ok)

    @router.post("/cases/{case_id}/reveals")
    async def request_reveal(case_id: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        reason = (text(form, "reason") or "").strip()
        if not reason:
            return await show_case(
                pages,
                api,
                request,
                user,
                case_id,
                Problem("A reason is required", "Say why you need to know who this is.", "reveal"),
            )
        variables = {"caseId": case_id, "reason": reason}
        return await attempt(
            request,
            user,
            case_id,
            "reveal",
            REQUEST_REVEAL,
            variables,
            "Reveal requested: the Headteacher decides.",
        )

    @router.post("/cases/{case_id}/reveals/{reveal_id}/decision")
    async def decide_reveal(case_id: str, reveal_id: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        approve = text(form, "decision") == "approve"
        variables = {"id": reveal_id, "approve": approve, "note": (text(form, "note") or "").strip() or None}
        message = "Reveal approved." if approve else "Reveal refused."
        return await attempt(request, user, case_id, f"reveal-{reveal_id}", DECIDE_REVEAL, variables, message)

    @router.post("/cases/{case_id}/content-access")
    async def request_content(case_id: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        purpose = text(form, "purpose") or ""
        scope, reason = (text(form, "scope") or "").strip(), (text(form, "reason") or "").strip()
        if purpose not in LAWFUL_PURPOSES or not scope or not reason:
            problem = Problem(
                "Some details are missing", "Choose a lawful purpose and say what content and why.", "content"
            )
            return await show_case(pages, api, request, user, case_id, problem)
        variables = {
            "caseId": case_id,
            "purpose": purpose,
            "scope": scope,
            "reason": reason,
            "grantee": (text(form, "grantee") or "").strip() or None,
        }
        return await attempt(
            request,
            user,
            case_id,
            "content",
            REQUEST_CONTENT,
            variables,
            "Content access requested: the Headteacher decides.",
        )

    @router.post("/cases/{case_id}/content-access/{access_id}/decision")
    async def decide_content(case_id: str, access_id: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        approve = text(form, "decision") == "approve"
        expires = None
        if approve:
            try:
                day = datetime.fromisoformat(text(form, "expires_on") or "").date()
            except ValueError:
                day = (datetime.now(pages.tz) + timedelta(days=7)).date()
            expires = datetime.combine(day, time(23, 59), tzinfo=pages.tz).isoformat()
        variables = {
            "id": access_id,
            "approve": approve,
            "expiresAt": expires,
            "note": (text(form, "note") or "").strip() or None,
        }
        message = "Content access approved." if approve else "Content access refused."
        return await attempt(
            request, user, case_id, f"content-{access_id}", DECIDE_CONTENT, variables, message
        )

    @router.post("/cases/{case_id}/content-access/{access_id}/use")
    async def use_content(case_id: str, access_id: str, request: Request, user: CurrentUser) -> Response:
        form = await checked_form(request, user)
        item = (text(form, "item") or "").strip()
        if not item:
            problem = Problem(
                "Say which item", "Name the item you open (e.g. the message id).", f"use-{access_id}"
            )
            return await show_case(pages, api, request, user, case_id, problem)
        variables = {"id": access_id, "item": item}
        message = f"Use recorded in the audit log: {item}. Open it in the mail system now."
        return await attempt(request, user, case_id, f"use-{access_id}", USE_CONTENT, variables, message)

    @router.get("/cases/{case_id}/identity")
    async def identity(case_id: str, request: Request, user: CurrentUser) -> Response:
        try:
            data = await api.execute(user.token, REVEALED_IDENTITY, {"id": case_id})
        except ApiError as exc:
            return pages.render(
                request,
                "error.html",
                user,
                status_code=403,
                heading="The identity is not shown",
                message=exc.message,
            )
        return pages.render(
            request, "identity.html", user, identity=data["revealedIdentity"], case_id=case_id
        )

    @router.get("/cases/{case_id}/evidence")
    async def evidence(case_id: str, request: Request, user: CurrentUser) -> Response:
        try:
            data = await api.execute(user.token, CASE_EVIDENCE, {"id": case_id})
        except ApiError as exc:
            return pages.render(
                request,
                "error.html",
                user,
                status_code=403,
                heading="The evidence is not shown",
                message=exc.message,
            )
        return pages.render(request, "evidence.html", user, evidence=data["caseEvidence"], case_id=case_id)

    @router.get("/audit")
    async def audit(request: Request, user: CurrentUser) -> Response:
        case_id = request.query_params.get("case") or None
        school = request.query_params.get("school") or None
        after = request.query_params.get("after", "0")
        try:
            data = await api.execute(
                user.token,
                AUDIT_LOG,
                {"caseId": case_id, "schoolId": school, "afterSeq": int(after) if after.isdigit() else 0},
            )
        except ApiError as exc:
            return pages.render(
                request,
                "error.html",
                user,
                status_code=403,
                heading="The audit log is not shown",
                message=exc.message,
            )
        return pages.render(
            request,
            "audit.html",
            user,
            entries=data["auditLog"],
            requests=data["subjectAccessRequests"],
            chain=data["auditChain"],
            case_id=case_id,
            school=school,
        )

    return router
