"""Subject access requests and spot checks on the real PostgreSQL and the stack's OPA: the one-month
deadline tracked, overdue requests visible, one JSON export of everything held about a person with
breaches, a case and a reveal; spot checks recorded and audited."""

import json
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa

from case_service.auth.authorizer import Authorizer, ForbiddenError, NotVisibleError
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.db.privacy_models import AuditLog
from case_service.domain.pseudonym import pseudonym
from case_service.privacy import audit, reveals, sar, spot_checks
from case_service.privacy.access import NotFoundError, RefusedError, now
from case_service.privacy.testing import DatabaseUnavailableError, store_test_breach, throwaway_schema
from case_service.settings import DEV_DATABASE_URL
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

KEY = b"privacy-sar-test-key"
OPA_URL = os.environ.get("OPA_URL", "http://127.0.0.1:18181")
HR = Subject("u-hr", frozenset({"hr"}), frozenset({"st-peters"}))
HEAD = Subject("u-head", frozenset({"headteacher"}), frozenset({"st-peters"}))
DPO = Subject("u-dpo", frozenset({"dpo"}), frozenset())


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    try:
        with throwaway_schema(os.environ.get("DATABASE_URL", DEV_DATABASE_URL)) as url:
            yield url
    except DatabaseUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionMaker]:
    engine = make_engine(database_url)
    made = make_sessionmaker(engine)
    yield made
    async with made() as session:
        assert await audit.verify(session) is None
    await engine.dispose()


@pytest.fixture
async def opa() -> AsyncIterator[Authorizer]:
    authorizer = Authorizer(OPA_URL)
    yield authorizer
    await authorizer.aclose()


async def test_export_for_a_person_with_breaches_a_case_and_a_reveal(
    sessions: SessionMaker, opa: Authorizer, make_breach: Callable[..., breaches_pb2.Breach]
) -> None:
    account = f"pat{uuid.uuid4().hex[:6]}"
    staff = pseudonym(KEY, "st-peters", account)
    case_id = await store_test_breach(sessions, make_breach(breach_id=f"{account}-1", account=account), KEY)
    again = await store_test_breach(
        sessions, make_breach(breach_id=f"{account}-2", account=account.upper()), KEY
    )
    assert again == case_id  # same person and clause: one case
    other = await store_test_breach(
        sessions, make_breach(breach_id=f"{account}-x", account="someone-else"), KEY
    )
    asked = await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="hearing")
    await reveals.decide_reveal(sessions, opa, HEAD, reveal_id=asked.id, approve=True)
    await reveals.read_identity(sessions, opa, HR, case_id=case_id)

    received = now().date() - timedelta(days=3)
    with pytest.raises(NotVisibleError):  # the DPO's right, not HR's
        await sar.record_request(
            sessions, opa, HR, school_id="st-peters", account=account, received_on=received
        )
    request = await sar.record_request(
        sessions, opa, DPO, school_id="st-peters", account=f" {account.title()} ", received_on=received
    )
    assert request.staff_id == staff  # found through staff_identity, whatever the account's case
    assert (request.status, request.overdue) == ("open", False)
    assert request.due_on > received
    with pytest.raises(RefusedError, match="export"):
        await sar.complete_request(sessions, opa, DPO, sar_id=request.id)

    document = await sar.export(sessions, opa, DPO, sar_id=request.id)
    json.dumps(document)  # one JSON document
    assert document["person"] == {"pseudonym": staff, "school_id": "st-peters", "account": account}
    assert sorted(b["breach_id"] for b in document["breaches"]) == [f"{account}-1", f"{account}-2"]
    assert document["breaches"][0]["evidence"] == {"host": "social.example"}
    assert [c["id"] for c in document["cases"]] == [str(case_id)]
    assert str(other) not in json.dumps(document["cases"])
    assert "case_history" in document["cases"][0]  # the workflow's records come with the case
    assert [(r["reason"], r["status"]) for r in document["identity_reveals"]] == [("hearing", "approved")]
    assert [e["action"] for e in document["audit_entries"]] == [
        "identity.reveal.request",
        "identity.reveal.approve",
        "identity.read",
        "sar.request",
    ]
    assert [r["id"] for r in document["subject_access_requests"]] == [str(request.id)]
    assert "someone-else" not in json.dumps(document)

    done = await sar.complete_request(sessions, opa, DPO, sar_id=request.id)
    assert done.status == "completed"
    assert done.exported_at is not None
    async with sessions() as session:
        actions = (
            await session.scalars(
                sa.select(AuditLog.action).where(AuditLog.staff_id == staff).order_by(AuditLog.seq)
            )
        ).all()
    assert actions[-3:] == ["sar.request", "sar.export", "sar.complete"]


async def test_deadline_tracked_and_overdue_visible(
    sessions: SessionMaker, opa: Authorizer, make_breach: Callable[..., breaches_pb2.Breach]
) -> None:
    account = f"late{uuid.uuid4().hex[:6]}"
    await store_test_breach(sessions, make_breach(breach_id=f"{account}-1", account=account), KEY)
    staff = pseudonym(KEY, "st-peters", account)
    today = now().date()
    late = await sar.record_request(
        sessions, opa, DPO, school_id="st-peters", staff_id=staff, received_on=today - timedelta(days=40)
    )
    fresh = await sar.record_request(
        sessions, opa, DPO, school_id="st-peters", staff_id=staff, received_on=today
    )
    assert late.overdue
    assert late.days_left < 0
    assert not fresh.overdue
    assert 28 <= fresh.days_left <= 31
    overdue = await sar.list_requests(sessions, opa, DPO, school_id="st-peters", overdue_only=True)
    assert late.id in {r.id for r in overdue}
    assert fresh.id not in {r.id for r in overdue}
    everything = await sar.list_requests(sessions, opa, DPO)
    assert {late.id, fresh.id} <= {r.id for r in everything}
    with pytest.raises(NotVisibleError):
        await sar.list_requests(sessions, opa, HEAD, school_id="st-peters")
    with pytest.raises(RefusedError, match="future"):
        await sar.record_request(
            sessions, opa, DPO, school_id="st-peters", staff_id=staff, received_on=today + timedelta(days=1)
        )
    with pytest.raises(RefusedError, match="not both"):
        await sar.record_request(
            sessions, opa, DPO, school_id="st-peters", staff_id=staff, account=account, received_on=today
        )
    with pytest.raises(NotFoundError):  # a pseudonym of another school
        await sar.record_request(sessions, opa, DPO, school_id="elms-farm", staff_id=staff, received_on=today)


async def test_account_found_by_key_after_the_identity_is_gone(
    sessions: SessionMaker, opa: Authorizer
) -> None:
    """With the pseudonym key, a person whose identity row was purged is still found (by pseudonym)."""
    request = await sar.record_request(
        sessions,
        opa,
        DPO,
        school_id="elms-farm",
        account="Gone.Person",
        received_on=now().date(),
        pseudonym_key=KEY,
    )
    assert request.staff_id == pseudonym(KEY, "elms-farm", "gone.person")
    with pytest.raises(NotFoundError):  # without the key, only staff_identity can say who it is
        await sar.record_request(
            sessions, opa, DPO, school_id="elms-farm", account="nobody", received_on=now().date()
        )
    document = await sar.export(sessions, opa, DPO, sar_id=request.id)
    assert document["breaches"] == []
    assert document["person"]["account"] is None


async def test_spot_checks_recorded_and_audited(sessions: SessionMaker, opa: Authorizer) -> None:
    check = await spot_checks.record_spot_check(
        sessions,
        opa,
        HEAD,
        school_id="st-peters",
        scope="mail envelopes of 2 March",
        reason="termly random check",
        sample=["msg-1", " msg-2 ", ""],
    )
    assert check.sample == ["msg-1", "msg-2"]
    assert check.performed_by == "u-head"
    with pytest.raises(RefusedError, match="sampled"):
        await spot_checks.record_spot_check(
            sessions, opa, HEAD, school_id="st-peters", scope="x", reason="y", sample=[]
        )
    elms = Subject("u-head-elms", frozenset({"headteacher"}), frozenset({"elms-farm"}))
    with pytest.raises(NotVisibleError):  # another school's Headteacher
        await spot_checks.record_spot_check(
            sessions, opa, elms, school_id="st-peters", scope="x", reason="y", sample=["m"]
        )
    with pytest.raises(ForbiddenError):  # HR case workers do not spot check (spot_check.record)
        await spot_checks.record_spot_check(
            sessions, opa, HR, school_id="st-peters", scope="x", reason="y", sample=["m"]
        )
    it_ops = Subject("u-it", frozenset({"it_ops"}), frozenset())
    with pytest.raises(ForbiddenError):  # SP's policy names the SLG alone
        await spot_checks.record_spot_check(
            sessions, opa, it_ops, school_id="st-peters", scope="x", reason="y", sample=["m"]
        )
    by_it = await spot_checks.record_spot_check(  # EF 1.4: "SLG and/or IT Technician"
        sessions,
        opa,
        it_ops,
        school_id="elms-farm",
        scope="unattended terminals",
        reason="termly",
        sample=["pc-7"],
    )
    assert by_it.performed_by == "u-it"
    listed = await spot_checks.spot_checks(sessions, opa, DPO, school_id="st-peters")
    assert [c.id for c in listed] == [check.id]
    async with sessions() as session:
        entry = (
            await session.scalars(
                sa.select(AuditLog).where(
                    AuditLog.action == "spot_check.record", AuditLog.school_id == "st-peters"
                )
            )
        ).one()
    assert entry.actor == "u-head"
    assert entry.school_id == "st-peters"
    assert entry.details["spot_check_id"] == str(check.id)
    assert entry.details["sample_size"] == 2
    assert entry.decision_id
