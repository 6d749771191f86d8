"""The dev issuer's login (case_service.auth.dev_login), which the workspace signs in with: the
authorization code flow with PKCE S256, one-use codes, tokens for the case service and the client."""

import base64
import hashlib
import secrets
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from fastapi.testclient import TestClient

from case_service.auth.dev_issuer import DevIssuer, dev_issuer_app

REDIRECT = "http://127.0.0.1:18500/auth/callback"


@pytest.fixture(scope="module")
def issuer() -> DevIssuer:
    return DevIssuer.generate("http://testserver")


@pytest.fixture
def client(issuer: DevIssuer) -> TestClient:
    return TestClient(dev_issuer_app(issuer))


def challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def authorize(client: TestClient, verifier: str, role: str = "slg") -> str:
    params = {
        "client_id": "invigilator-web",
        "redirect_uri": REDIRECT,
        "code_challenge": challenge(verifier),
        "code_challenge_method": "S256",
        "state": "s-1",
        "nonce": "n-1",
    }
    page = client.get("/authorize", params=params)
    assert page.status_code == 200
    assert 'name="role" value="dpo"' in page.text
    form = {k: v for k, v in params.items() if k != "code_challenge_method"}
    answer = client.post(
        "/authorize",
        data={**form, "role": role, "schools": "st-peters", "subject": "u-1"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert answer.headers["location"].startswith(REDIRECT)
    assert query["state"] == ["s-1"]
    return str(query["code"][0])


def exchange(client: TestClient, code: str, verifier: str) -> dict[str, object]:
    response = client.post(
        "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
            "client_id": "invigilator-web",
        },
    )
    body: dict[str, object] = response.json()
    body["status"] = response.status_code
    return body


def test_discovery_names_the_login_endpoints(client: TestClient) -> None:
    discovery = client.get("/.well-known/openid-configuration").json()
    assert discovery["authorization_endpoint"] == "http://testserver/authorize"
    assert discovery["token_endpoint"] == "http://testserver/token"
    assert discovery["code_challenge_methods_supported"] == ["S256"]
    assert discovery["jwks_uri"] == "http://testserver/jwks.json"


def test_code_with_the_right_verifier_gives_tokens_once(client: TestClient, issuer: DevIssuer) -> None:
    verifier = secrets.token_urlsafe(48)
    code = authorize(client, verifier)
    tokens = exchange(client, code, verifier)
    assert tokens["status"] == 200
    key = jwt.PyJWK(issuer.jwks()["keys"][0]).key
    access = jwt.decode(str(tokens["access_token"]), key, algorithms=["RS256"], audience=issuer.audience)
    assert (access["sub"], access["roles"], access["schools"]) == ("u-1", ["slg"], ["st-peters"])
    ident = jwt.decode(str(tokens["id_token"]), key, algorithms=["RS256"], audience="invigilator-web")
    assert ident["nonce"] == "n-1"
    assert exchange(client, code, verifier)["error"] == "invalid_grant"  # one use only


def test_wrong_verifier_is_refused(client: TestClient) -> None:
    code = authorize(client, secrets.token_urlsafe(48))
    refused = exchange(client, code, secrets.token_urlsafe(48))
    assert (refused["status"], refused["error"]) == (400, "invalid_grant")


def test_plain_pkce_and_unknown_roles_are_refused(client: TestClient) -> None:
    plain = client.get(
        "/authorize",
        params={
            "client_id": "c",
            "redirect_uri": REDIRECT,
            "code_challenge": "x",
            "code_challenge_method": "plain",
        },
    )
    assert plain.status_code == 400
    answer = client.post(
        "/authorize",
        data={
            "client_id": "c",
            "redirect_uri": REDIRECT,
            "code_challenge": "x",
            "role": "root",
            "state": "s",
        },
        follow_redirects=False,
    )
    assert "error=access_denied" in answer.headers["location"]
