"""Sign-in: OIDC authorization code with PKCE (Authlib's Starlette client, endpoints from the
issuer's discovery document), the signed-in user in the session, and the bearer token the case
service is called with. The workspace never decides who may do what: the case service (and OPA
behind it) does, with this token."""

import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

from authlib.integrations.starlette_client import OAuth, OAuthError  # type: ignore[import-untyped]
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import URL

from invigilator_web.settings import WebSettings

ROLE_NAMES = {
    "hr": "HR case worker",
    "slg": "Senior leadership (SLG)",
    "headteacher": "Headteacher",
    "dsl": "Designated safeguarding lead",
    "it_ops": "Trust IT operations",
    "dpo": "Data protection officer",
}
SESSION_USER = "user"


@dataclass(frozen=True)
class User:
    subject: str
    name: str
    roles: tuple[str, ...]
    schools: tuple[str, ...]
    token: str
    expires_at: float
    csrf: str

    @property
    def role_names(self) -> str:
        return ", ".join(ROLE_NAMES.get(r, r) for r in self.roles) or "no role"

    def has(self, *roles: str) -> bool:
        return bool(set(roles) & set(self.roles))


class SignInRequiredError(Exception):
    """No (or an expired) session: go to the sign-in page, then back to `next_url`."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(v for v in value.replace(",", " ").split() if v)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return ()


def current_user(request: Request) -> User:
    """The signed-in user, or SignInRequiredError (the app turns it into a redirect)."""
    data = request.session.get(SESSION_USER)
    if not isinstance(data, dict) or float(data.get("expires_at", 0)) <= time.time():
        request.session.pop(SESSION_USER, None)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequiredError(target)
    return User(
        subject=str(data["subject"]),
        name=str(data.get("name") or data["subject"]),
        roles=_as_list(data.get("roles")),
        schools=_as_list(data.get("schools")),
        token=str(data["token"]),
        expires_at=float(data["expires_at"]),
        csrf=str(data["csrf"]),
    )


CurrentUser = Annotated[User, Depends(current_user)]


def _safe_next(value: str | None) -> str:
    """Only a path of this app (no open redirect)."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/cases"


def build_oauth(settings: WebSettings) -> OAuth:
    oauth = OAuth()
    secret = settings.oidc_client_secret.get_secret_value() if settings.oidc_client_secret else None
    client_kwargs: dict[str, Any] = {"scope": settings.oidc_scopes, "code_challenge_method": "S256"}
    if secret is None:
        client_kwargs["token_endpoint_auth_method"] = "none"  # noqa: S105 (a public client: PKCE only)
    oauth.register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs=client_kwargs,
    )
    return oauth


def auth_router(settings: WebSettings, oauth: OAuth) -> APIRouter:
    router = APIRouter()
    client = oauth.create_client("oidc")
    redirect_uri = f"{settings.base_url}/auth/callback"

    @router.get("/login")
    async def login(request: Request, next: str | None = None) -> Response:
        request.session["next"] = _safe_next(next)
        response: Response = await client.authorize_redirect(request, redirect_uri)
        return response

    @router.get("/auth/callback")
    async def callback(request: Request) -> Response:
        try:
            token: dict[str, Any] = await client.authorize_access_token(request)
        except OAuthError as exc:
            return RedirectResponse(
                f"/signed-out?error={quote(exc.description or exc.error or 'sign-in failed')}", 303
            )
        claims: dict[str, Any] = dict(token.get("userinfo") or {})
        bearer = token.get(settings.bearer_token)
        if not bearer or not claims.get("sub"):
            return RedirectResponse("/signed-out?error=the+identity+provider+sent+no+token", 303)
        expires_at = float(token.get("expires_at") or time.time() + int(token.get("expires_in") or 3600))
        request.session[SESSION_USER] = {
            "subject": claims["sub"],
            "name": claims.get("name") or claims.get("preferred_username") or claims["sub"],
            "roles": list(_as_list(claims.get("roles"))),
            "schools": list(_as_list(claims.get("schools"))),
            "token": bearer,
            "expires_at": min(expires_at, time.time() + settings.session_max_age_s),
            "csrf": secrets.token_urlsafe(24),
        }
        return RedirectResponse(_safe_next(request.session.pop("next", None)), 303)

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/signed-out", 303)

    return router


def sign_in_redirect(request: Request, next_url: str) -> Response:
    """To the sign-in page; an htmx request is told to navigate there (HX-Redirect)."""
    target = str(URL("/login").include_query_params(next=next_url))
    if request.headers.get("HX-Request"):
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, 303)
