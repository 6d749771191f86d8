"""The pages with a signed-in session and a stand-in case-service (httpx MockTransport): what the
case page offers, how a refusal reads, what the queue sends, letters downloaded."""

import json
import time
from base64 import b64encode
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

from invigilator_web.app import create_app
from invigilator_web.settings import DEV_SESSION_KEY, WebSettings

CASE_ID = "981ad417-8407-5459-a5e2-1f1a87e0d077"
CASE: dict[str, Any] = {
    "id": CASE_ID,
    "schoolId": "elms-farm",
    "staff": "staff-2ce04ad77e",
    "clause": "NET-ADULT",
    "title": "Accessing adult content",
    "severity": "high",
    "owner": "hr",
    "status": "open",
    "track": "disciplinary",
    "stage": "case_to_answer",
    "version": 7,
    "openedAt": "2026-11-23T09:26:00+00:00",
    "updatedAt": "2026-11-23T09:30:00+00:00",
    "closedAt": None,
    "breachCount": 1,
    "school": {"id": "elms-farm", "name": "Elms Farm"},
    "breaches": [
        {
            "breachId": "b-1",
            "clause": "NET-ADULT",
            "title": "Accessing adult content",
            "severity": "high",
            "reason": "proxy.category is adult",
            "occurredAt": "2026-11-23T09:00:00+00:00",
            "policyRef": "Internet use ¶3",
            "decisionId": "dec-12345678",
        }
    ],
    "allowedCommands": [
        {
            "name": "send_invitation",
            "title": "Send the written invitation to a hearing",
            "mutation": "sendInvitation",
        }
    ],
    "tasks": [
        {
            "key": "disciplinary.invitation",
            "track": "disciplinary",
            "title": "Send the invitation",
            "due": "2026-11-20T17:00:00+00:00",
            "openedAt": "2026-11-18T09:00:00+00:00",
            "overdue": True,
        }
    ],
    "history": [],
    "timeline": [],
    "notes": [],
    "evidence": [],
    "decisions": [],
    "letters": [
        {
            "kind": "disciplinary_outcome",
            "recipient": "staff-2ce04ad77e",
            "content": {
                "outcome": "final_written_warning",
                "decided_by": "Chair",
                "rationale": "r",
                "appeal_by": "2026-12-14",
            },
            "createdAt": "2026-11-23T10:00:00+00:00",
            "sentAt": None,
        }
    ],
}
CASE["overdue"] = [
    {"key": "disciplinary.invitation", "title": "Send the invitation", "due": "2026-11-20T17:00:00+00:00"}
]
REFUSAL = "The invitation must tell the employee of their right to be accompanied by a colleague."


class FakeCaseService:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "query Case(": lambda _v: {"data": {"case": CASE}},
            "query Reveals(": lambda _v: {"data": {"identityReveals": []}},
            "query ContentAccess(": lambda _v: {
                "errors": [{"message": "no", "extensions": {"code": "FORBIDDEN"}}]
            },
            "query Queue(": lambda _v: {
                "data": {"cases": {"nodes": [CASE], "pageInfo": {"hasNextPage": True, "endCursor": "c-1"}}}
            },
            "mutation Transition(": lambda _v: {
                "data": None,
                "errors": [
                    {
                        "message": REFUSAL,
                        "extensions": {"code": "GUARD_REFUSED", "guard": "right_to_be_accompanied_stated"},
                    }
                ],
            },
        }

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.headers["Authorization"] == "Bearer the-token"
        body = json.loads(request.content)
        self.requests.append(body)
        for prefix, answer in self.answers.items():
            if body["query"].lstrip().startswith(prefix):
                return httpx.Response(200, json=answer(body["variables"]))
        return httpx.Response(400, json={"errors": [{"message": "unexpected"}]})


def session_cookie(data: dict[str, Any]) -> str:
    return TimestampSigner(DEV_SESSION_KEY).sign(b64encode(json.dumps(data).encode())).decode()


@pytest.fixture
def fake() -> FakeCaseService:
    return FakeCaseService()


@pytest.fixture
def client(fake: FakeCaseService) -> TestClient:
    app = create_app(WebSettings(environment="dev"), transport=httpx.MockTransport(fake.handle))
    client = TestClient(app)
    user = {
        "subject": "hr-1",
        "name": "hr-1",
        "roles": ["hr"],
        "schools": ["elms-farm"],
        "token": "the-token",
        "expires_at": time.time() + 600,
        "csrf": "csrf-1",
    }
    client.cookies.set("invigilator_web", session_cookie({"user": user}))
    return client


def test_case_page_offers_only_the_allowed_steps(client: TestClient) -> None:
    page = client.get(f"/cases/{CASE_ID}").text
    assert page.count('class="command"') == 1
    assert f"/cases/{CASE_ID}/commands/sendInvitation" in page
    assert '<label for="sendInvitation-venue">Venue</label>' in page
    assert "Internet use ¶3" in page
    assert "Elms Farm" in page
    assert "Overdue:</strong> Send the invitation" in page
    assert "Your role cannot request or see content access." in page
    assert "staff-2ce04ad77e" in page


def test_a_refused_step_shows_the_servers_reason(client: TestClient, fake: FakeCaseService) -> None:
    form = {
        "csrf": "csrf-1",
        "version": "7",
        "title": "Send the written invitation to a hearing",
        "allegations": "one",
        "possibleConsequences": "FINAL_WRITTEN_WARNING",
        "evidencePack": "E1",
        "hearingAt": "2026-12-07T10:00",
        "venue": "Room 2",
    }
    page = client.post(f"/cases/{CASE_ID}/commands/sendInvitation", data=form).text
    mutation = next(r for r in fake.requests if r["query"].startswith("mutation"))
    assert mutation["variables"]["expectedVersion"] == 7
    assert mutation["variables"]["input"]["rightToBeAccompanied"] is False
    assert "The workflow refused this step" in page
    assert REFUSAL in page
    assert 'value="Room 2"' in page  # what was typed is kept


def test_a_form_without_the_sessions_token_is_refused(client: TestClient, fake: FakeCaseService) -> None:
    response = client.post(f"/cases/{CASE_ID}/notes", data={"csrf": "forged", "body": "x"})
    assert response.status_code == 400
    assert not [r for r in fake.requests if r["query"].lstrip().startswith("mutation")]


def test_queue_sends_the_filters_and_sorts_the_page(client: TestClient, fake: FakeCaseService) -> None:
    page = client.get(
        "/cases?school=elms-farm&clause=net-adult&severity=high&severity=bogus&min_age=3&overdue=yes"
    )
    assert page.status_code == 200
    where = fake.requests[-1]["variables"]["where"]
    assert where == {
        "schoolId": "elms-farm",
        "clause": "NET-ADULT",
        "severity": ["HIGH"],
        "minAgeDays": 3,
        "status": "OPEN",
        "overdue": True,
    }
    assert 'class="overdue sev-high"' in page.text
    assert "after=c-1" in page.text
    assert "page=2" in page.text
    partial = client.get("/cases", headers={"HX-Request": "true", "HX-Target": "queue-results"}).text
    assert "<html" not in partial
    assert "data-case-id" in partial


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("docx", b"PK")])
def test_letters_download(client: TestClient, fmt: str, magic: bytes) -> None:
    response = client.get(f"/cases/{CASE_ID}/letters/0.{fmt}")
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert f"disciplinary_outcome-case-{CASE_ID}" in response.headers["Content-Disposition"]
    assert client.get(f"/cases/{CASE_ID}/letters/5.{fmt}").status_code == 404


def test_evidence_the_caller_may_not_read_is_said_to_be_hidden(
    client: TestClient, fake: FakeCaseService
) -> None:
    fake.answers["query Case("] = lambda _v: {"data": {"case": {**CASE, "evidence": None}}}
    page = client.get(f"/cases/{CASE_ID}").text
    assert 'data-testid="evidence-hidden"' in page
