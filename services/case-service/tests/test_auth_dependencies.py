"""The FastAPI dependency: 401 (no, malformed or invalid token) versus 403 (valid token, refused by
the policy) versus 404 (invisible) versus 503 (keys or OPA unavailable)."""

import json
import time
from typing import Annotated, Any

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient

from case_service.auth.authorizer import (
    AuthorizationUnavailableError,
    Authorizer,
    ForbiddenError,
    NotVisibleError,
)
from case_service.auth.dependencies import Authenticator, challenge, http_error, requires
from case_service.auth.dev_issuer import DevIssuer
from case_service.auth.settings import ClaimMapping
from case_service.auth.subject import Subject
from case_service.auth.tokens import StaticKeys, TokenValidator


def stand_in_opa(request: httpx.Request) -> httpx.Response:
    """A tiny policy: the DPO reads the audit log; HR reads its schools' cases; only a Headteacher
    transitions them."""
    opa_input = json.loads(request.content)["input"]
    subject, action, resource = opa_input["subject"], opa_input["action"], opa_input["resource"]
    if action == "audit.read":
        allow = visible = "dpo" in subject["roles"]
    else:
        visible = resource.get("school_id") in subject["schools"]
        allow = visible and (action == "case.read" or "headteacher" in subject["roles"])
    return httpx.Response(200, json={"result": {"allow": allow, "visible": visible, "reasons": ["stand-in"]}})


def down(_request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused")


class NoKeys:
    def get_signing_key(self, kid: str) -> jwt.PyJWK:
        raise jwt.PyJWKClientConnectionError("identity provider down")


@pytest.fixture(scope="module")
def issuer() -> DevIssuer:
    return DevIssuer.generate()


def make_app(issuer: DevIssuer, opa: Any = stand_in_opa, keys: Any = None) -> FastAPI:
    validator = TokenValidator(
        issuer=issuer.issuer,
        audience=issuer.audience,
        algorithms=["RS256"],
        keys=keys or StaticKeys(issuer.jwks()),
        claims=ClaimMapping(),
    )
    authenticator = Authenticator(validator)
    authorizer = Authorizer("http://opa.test", transport=httpx.MockTransport(opa))
    app = FastAPI()

    @app.get("/me")
    async def me(subject: Annotated[Subject, Depends(authenticator)]) -> dict[str, Any]:
        return subject.opa_input()

    @app.get("/audit")
    async def audit(
        subject: Annotated[Subject, Depends(requires(authenticator, authorizer, "audit.read"))],
    ) -> dict[str, str]:
        return {"auditor": subject.id}

    @app.post("/cases/{school}/transition")
    async def transition(school: str, subject: Annotated[Subject, Depends(authenticator)]) -> dict[str, str]:
        try:
            await authorizer.require(subject, "case.transition", {"school_id": school, "owner": "hr"})
        except (NotVisibleError, ForbiddenError, AuthorizationUnavailableError) as error:
            raise http_error(error) from None
        return {"done": school}

    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_valid_token_gives_the_subject(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer))
    response = client.get("/me", headers=bearer(issuer.mint("u-1", ["hr"], ["elms-farm"])))
    assert response.status_code == 200
    assert response.json() == {"id": "u-1", "roles": ["hr"], "schools": ["elms-farm"]}
    lower_case = client.get("/me", headers={"Authorization": "bearer " + issuer.mint("u-1", ["hr"])})
    assert lower_case.status_code == 200


def test_no_token_is_401_without_an_error_code(issuer: DevIssuer) -> None:
    response = TestClient(make_app(issuer)).get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="invigilator"'


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer   ", "Token abc"])
def test_not_a_bearer_token_is_401_invalid_request(issuer: DevIssuer, header: str) -> None:
    response = TestClient(make_app(issuer)).get("/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert 'error="invalid_request"' in response.headers["WWW-Authenticate"]


def test_expired_or_foreign_token_is_401_invalid_token(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer))
    expired = issuer.mint("u-1", ["hr"], ttl_s=60, now=int(time.time()) - 3600)
    response = client.get("/me", headers=bearer(expired))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="invigilator", error="invalid_token", error_description="the token has expired"'
    )
    foreign = DevIssuer.generate(issuer.issuer, issuer.audience).mint("u-1", ["dpo"])
    response = client.get("/audit", headers=bearer(foreign))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_valid_token_without_the_role_is_403(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer))
    response = client.get("/audit", headers=bearer(issuer.mint("u-1", ["hr"], ["elms-farm"])))
    assert response.status_code == 403
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="invigilator", error="insufficient_scope"'
    assert response.json()["detail"] == {"message": "forbidden", "reasons": ["stand-in"]}
    assert client.get("/audit", headers=bearer(issuer.mint("u-2", ["dpo"]))).json() == {"auditor": "u-2"}


def test_a_token_without_roles_authenticates_but_is_refused(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer))
    assert client.get("/me", headers=bearer(issuer.mint("u-3"))).status_code == 200
    assert client.get("/audit", headers=bearer(issuer.mint("u-3"))).status_code == 403


def test_another_schools_case_is_not_found_and_a_visible_one_forbidden(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer))
    hr = bearer(issuer.mint("u-1", ["hr"], ["elms-farm"]))
    assert client.post("/cases/st-peters/transition", headers=hr).status_code == 404
    assert client.post("/cases/elms-farm/transition", headers=hr).status_code == 403
    head = bearer(issuer.mint("u-4", ["headteacher"], ["elms-farm"]))
    assert client.post("/cases/elms-farm/transition", headers=head).json() == {"done": "elms-farm"}


def test_opa_down_is_503(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer, opa=down))
    response = client.get("/audit", headers=bearer(issuer.mint("u-2", ["dpo"])))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"


def test_identity_provider_keys_unavailable_is_503(issuer: DevIssuer) -> None:
    client = TestClient(make_app(issuer, keys=NoKeys()))
    response = client.get("/me", headers=bearer(issuer.mint("u-1", ["hr"])))
    assert response.status_code == 503


def test_challenge_never_breaks_the_header() -> None:
    header = challenge("invalid_token", 'bad "quote" \\ and\nnewline é')
    assert header == (
        'Bearer realm="invigilator", error="invalid_token", '
        "error_description=\"bad 'quote' ' and'newline '\""
    )
