"""The FastAPI application: sessions, sign-in, the pages, static files (htmx served locally)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from jinja2 import ChainableUndefined, Environment, FileSystemLoader
from starlette.middleware.sessions import SessionMiddleware

from invigilator_web.auth import SignInRequiredError, auth_router, build_oauth, sign_in_redirect
from invigilator_web.graphql_client import CaseService, ServiceUnavailableError, UnauthenticatedError
from invigilator_web.render import Pages
from invigilator_web.settings import WebSettings
from invigilator_web.views_case import CsrfError, case_router
from invigilator_web.views_privacy import privacy_router
from invigilator_web.views_queue import queue_router

HERE = Path(__file__).parent
SECURITY_HEADERS = {
    # Everything is served from here: no CDN, no inline script.
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`transport` replaces the network for the case service (unit tests)."""
    api = CaseService(settings.case_service_url, settings.case_service_timeout_s, transport)
    pages = Pages(ZoneInfo(settings.timezone))
    # Letters are plain text (no HTML escaping); a fact missing from a letter row renders empty.
    letter_env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=False,  # noqa: S701 (plain text for PDF and DOCX, never HTML)
        undefined=ChainableUndefined,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await api.aclose()

    app = FastAPI(
        title="Invigilator workspace", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    assert settings.session_key is not None  # the settings give it a value in dev, demand it elsewhere
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_key.get_secret_value(),
        session_cookie="invigilator_web",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.secure_cookies,
    )

    @app.middleware("http")
    async def security_headers(request: Request, call_next: object) -> Response:
        response: Response = await call_next(request)  # type: ignore[operator]
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(SignInRequiredError)
    async def sign_in(request: Request, exc: SignInRequiredError) -> Response:
        return sign_in_redirect(request, exc.next_url)

    @app.exception_handler(UnauthenticatedError)
    async def expired(request: Request, _exc: UnauthenticatedError) -> Response:
        request.session.clear()
        return sign_in_redirect(request, request.url.path)

    @app.exception_handler(ServiceUnavailableError)
    async def unavailable(request: Request, exc: ServiceUnavailableError) -> Response:
        return pages.render(
            request,
            "error.html",
            None,
            status_code=503,
            heading="The case service is not answering",
            message=str(exc),
        )

    @app.exception_handler(CsrfError)
    async def csrf(request: Request, _exc: CsrfError) -> Response:
        return pages.render(
            request,
            "error.html",
            None,
            status_code=400,
            heading="The form expired",
            message="Reload the page and try again.",
        )

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/signed-out")
    async def signed_out(request: Request) -> Response:
        return pages.render(request, "signed_out.html", None, error=request.query_params.get("error"))

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(auth_router(settings, build_oauth(settings)))
    app.include_router(queue_router(pages, api, settings.page_size))
    app.include_router(case_router(pages, api, letter_env))
    app.include_router(privacy_router(pages, api))
    return app
