"""A login page for the dev OIDC issuer: the authorization-code flow with PKCE (RFC 7636, S256 only),
so a web client (the workspace, `invigilator_web`) signs in locally exactly as it would at Entra ID
or Google. Dev and tests only: there is no password — the tester picks a role, school(s) and
subject, and any client id and redirect URI are accepted.

    GET  /authorize   the page (client_id, redirect_uri, state, nonce, code_challenge[_method])
    POST /authorize   issues a one-time code (60 s) and redirects to redirect_uri?code=…&state=…
    POST /token       code + code_verifier → access_token (audience: the case service's) and
                      id_token (audience: the client id, with the nonce)

`dev_login_router(issuer)` also serves the discovery document with these endpoints; include it
before `dev_issuer_router` so its discovery document is the one answered.
"""

import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.subject import ROLES

CODE_TTL_S = 60
TOKEN_TTL_S = 8 * 3600
ROLE_LABELS = {
    "hr": "HR case worker",
    "slg": "School senior leadership (SLG)",
    "headteacher": "Headteacher",
    "dsl": "Designated safeguarding lead (DSL)",
    "it_ops": "Trust IT operations",
    "dpo": "Data protection officer (DPO)",
}
SCHOOLS = ("elms-farm", "st-peters", "oak-hill", "riverside")


@dataclass(frozen=True)
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str | None
    subject: str
    roles: tuple[str, ...]
    schools: tuple[str, ...]
    expires: float


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


def _page(params: dict[str, str]) -> str:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in params.items()
    )
    roles = "".join(
        f'<label><input type="radio" name="role" value="{r}"{" checked" if r == "hr" else ""}> '
        f"{html.escape(label)} (<code>{r}</code>)</label><br>"
        for r, label in ROLE_LABELS.items()
    )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Dev sign-in — Invigilator</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;line-height:1.5}}
fieldset{{margin-bottom:1rem}} input[type=text]{{width:100%;padding:.3rem}}</style></head>
<body><main><h1>Dev sign-in</h1>
<p>Local OIDC issuer for development and tests: no password. Choose who you are.</p>
<form method="post" action="authorize">{hidden}
<fieldset><legend>Role</legend>{roles}</fieldset>
<p><label for="schools">Schools (comma-separated)</label>
<input type="text" id="schools" name="schools" value="elms-farm"></p>
<p><label for="subject">Subject (your stable user id; empty: dev-&lt;role&gt;)</label>
<input type="text" id="subject" name="subject" value=""></p>
<button type="submit">Sign in</button></form></main></body></html>"""


def dev_login_router(issuer: DevIssuer) -> APIRouter:
    router = APIRouter(tags=["dev OIDC login"])
    grants: dict[str, _Grant] = {}

    @router.get("/.well-known/openid-configuration")
    async def openid_configuration() -> dict[str, Any]:
        return {
            **issuer.openid_configuration(),
            "authorization_endpoint": f"{issuer.issuer}/authorize",
            "token_endpoint": f"{issuer.issuer}/token",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none", "client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "profile"],
        }

    @router.get("/authorize", response_class=HTMLResponse)
    async def authorize_page(
        client_id: str,
        redirect_uri: str,
        code_challenge: str,
        response_type: str = "code",
        state: str = "",
        nonce: str = "",
        scope: str = "openid",
        code_challenge_method: Annotated[str, Query()] = "plain",
    ) -> HTMLResponse:
        if response_type != "code":
            return HTMLResponse("only response_type=code is supported", status_code=400)
        if code_challenge_method != "S256":
            return HTMLResponse("PKCE with code_challenge_method=S256 is required", status_code=400)
        if urlsplit(redirect_uri).scheme not in {"http", "https"}:
            return HTMLResponse("redirect_uri must be an http(s) URL", status_code=400)
        params = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "code_challenge": code_challenge,
            "state": state,
            "nonce": nonce,
            "scope": scope,
        }
        return HTMLResponse(_page(params))

    @router.post("/authorize")
    async def authorize(
        client_id: Annotated[str, Form()],
        redirect_uri: Annotated[str, Form()],
        code_challenge: Annotated[str, Form()],
        role: Annotated[str, Form()],
        schools: Annotated[str, Form()] = "",
        subject: Annotated[str, Form()] = "",
        state: Annotated[str, Form()] = "",
        nonce: Annotated[str, Form()] = "",
    ) -> RedirectResponse:
        if role not in ROLES:
            return RedirectResponse(
                f"{redirect_uri}?{urlencode({'error': 'access_denied', 'state': state})}", 303
            )
        now = time.time()
        for stale in [code for code, grant in grants.items() if grant.expires < now]:
            grants.pop(stale, None)
        code = secrets.token_urlsafe(24)
        grants[code] = _Grant(
            client_id=client_id,
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
            nonce=nonce or None,
            subject=subject.strip() or f"dev-{role}",
            roles=(role,),
            schools=tuple(s.strip() for s in schools.replace(" ", ",").split(",") if s.strip()),
            expires=now + CODE_TTL_S,
        )
        return RedirectResponse(f"{redirect_uri}?{urlencode({'code': code, 'state': state})}", 303)

    @router.post("/token")
    async def token(
        grant_type: Annotated[str, Form()],
        code: Annotated[str, Form()],
        redirect_uri: Annotated[str, Form()],
        code_verifier: Annotated[str, Form()] = "",
        client_id: Annotated[str, Form()] = "",
    ) -> JSONResponse:
        if grant_type != "authorization_code":
            return _error(400, "unsupported_grant_type", "only authorization_code")
        grant = grants.pop(code, None)  # one use only
        if grant is None or grant.expires < time.time():
            return _error(400, "invalid_grant", "unknown, used or expired code")
        if redirect_uri != grant.redirect_uri or (client_id and client_id != grant.client_id):
            return _error(400, "invalid_grant", "redirect_uri or client_id differs from the authorization")
        if not code_verifier or _s256(code_verifier) != grant.code_challenge:
            return _error(400, "invalid_grant", "PKCE verification failed")
        access = issuer.mint(grant.subject, grant.roles, grant.schools, ttl_s=TOKEN_TTL_S)
        id_claims: dict[str, Any] = {"aud": grant.client_id, "name": grant.subject}
        if grant.nonce:
            id_claims["nonce"] = grant.nonce
        id_token = issuer.mint(grant.subject, grant.roles, grant.schools, ttl_s=TOKEN_TTL_S, claims=id_claims)
        return JSONResponse(
            {
                "access_token": access,
                "id_token": id_token,
                "token_type": "Bearer",
                "expires_in": TOKEN_TTL_S,
                "scope": "openid",
            },
            headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
        )

    return router
