"""The app without the network: health, htmx served locally, sign-in required, settings."""

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from invigilator_web.app import create_app
from invigilator_web.settings import WebSettings


@pytest.fixture
def client() -> TestClient:
    settings = WebSettings(environment="dev")
    transport = httpx.MockTransport(lambda request: httpx.Response(401))
    return TestClient(create_app(settings, transport=transport))


def test_health_and_local_htmx(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    script = client.get("/static/htmx.min.js")
    assert script.status_code == 200
    assert script.text.startswith("var htmx=")
    assert "script-src 'self'" in script.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/cases", "/cases/abc", "/audit", "/cases/abc/identity"])
def test_pages_need_a_signed_in_user(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


def test_an_htmx_request_is_told_to_sign_in(client: TestClient) -> None:
    response = client.get("/cases", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/login?next=%2Fcases"


def test_secrets_are_required_outside_dev() -> None:
    with pytest.raises(ValidationError, match="WEB_SESSION_KEY"):
        WebSettings(environment="production")
    with pytest.raises(ValidationError, match="https"):
        WebSettings(
            environment="production",
            session_key="x" * 32,
            oidc_issuer="http://login.example",
            oidc_client_id="c",
            case_service_url="https://cases.example/graphql",
        )
    ok = WebSettings(
        environment="production",
        session_key="x" * 32,
        oidc_issuer="https://login.microsoftonline.com/tenant/v2.0/",
        oidc_client_id="c",
        case_service_url="https://cases.example/graphql",
    )
    assert ok.oidc_issuer == "https://login.microsoftonline.com/tenant/v2.0"
