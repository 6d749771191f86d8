"""Identity reveals, exceptional content access and detailed evidence on the real PostgreSQL and the
stack's OPA (policies-rego/authz): what each role may do, that every step and every read is audited,
and that the service refuses outside an open case."""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from case_service.auth.authorizer import Authorizer, ForbiddenError, NotVisibleError
from case_service.auth.subject import Subject
from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.db.models import Case
from case_service.db.privacy_models import AuditLog, ContentAccess
from case_service.domain.pseudonym import pseudonym
from case_service.privacy import audit, content, evidence, reveals
from case_service.privacy.access import NotFoundError, RefusedError, now
from case_service.privacy.testing import DatabaseUnavailableError, store_test_breach, throwaway_schema
from case_service.settings import DEV_DATABASE_URL
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

KEY = b"privacy-test-key"
OPA_URL = os.environ.get("OPA_URL", "http://127.0.0.1:18181")
HR = Subject("u-hr", frozenset({"hr"}), frozenset({"st-peters"}))
HR2 = Subject("u-hr-2", frozenset({"hr"}), frozenset({"st-peters"}))
HEAD = Subject("u-head", frozenset({"headteacher"}), frozenset({"st-peters"}))
HR_ELMS = Subject("u-hr-elms", frozenset({"hr"}), frozenset({"elms-farm"}))
IT = Subject("u-it", frozenset({"it_ops"}), frozenset())


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    try:
        with throwaway_schema(os.environ.get("DATABASE_URL", DEV_DATABASE_URL)) as url:
            yield url
    except DatabaseUnavailableError as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[SessionMaker]:
    engine: AsyncEngine = make_engine(database_url)
    made = make_sessionmaker(engine)
    yield made
    async with made() as session:  # whatever a test did, the audit chain still holds
        assert await audit.verify(session) is None
    await engine.dispose()


@pytest.fixture
async def opa() -> AsyncIterator[Authorizer]:
    authorizer = Authorizer(OPA_URL)
    yield authorizer
    await authorizer.aclose()


@pytest.fixture
async def case_id(sessions: SessionMaker, make_breach: Callable[..., breaches_pb2.Breach]) -> uuid.UUID:
    """A fresh open HR case of st-peters: a new person and breach each time."""
    breach = make_breach(breach_id=f"b-{uuid.uuid4().hex[:8]}", account=f"u{uuid.uuid4().hex[:6]}")
    return await store_test_breach(sessions, breach, KEY)


async def entries(sessions: SessionMaker, case_id: uuid.UUID) -> list[AuditLog]:
    async with sessions() as session:
        rows = await session.scalars(
            sa.select(AuditLog).where(AuditLog.case_id == case_id).order_by(AuditLog.seq)
        )
        return list(rows)


async def close(sessions: SessionMaker, case_id: uuid.UUID) -> None:
    async with sessions() as session, session.begin():
        await session.execute(sa.update(Case).where(Case.id == case_id).values(status="closed"))


async def test_reveal_requested_approved_and_every_read_audited(
    sessions: SessionMaker, opa: Authorizer, case_id: uuid.UUID
) -> None:
    requested = await reveals.request_reveal(
        sessions, opa, HR, case_id=case_id, reason="  hearing on 12 March "
    )
    assert (requested.status, requested.reason, requested.requested_by) == (
        "requested",
        "hearing on 12 March",
        "u-hr",
    )
    with pytest.raises(ForbiddenError):  # not before the approval
        await reveals.read_identity(sessions, opa, HR, case_id=case_id)
    approved = await reveals.decide_reveal(
        sessions, opa, HEAD, reveal_id=requested.id, approve=True, note="ok"
    )
    assert (approved.status, approved.decided_by) == ("approved", "u-head")
    first = await reveals.read_identity(sessions, opa, HR, case_id=case_id)
    second = await reveals.read_identity(sessions, opa, HR, case_id=case_id)
    assert first.account == second.account
    assert pseudonym(KEY, "st-peters", first.account) == first.staff_id  # the person behind the pseudonym
    assert second.audit_seq == first.audit_seq + 1
    log = await entries(sessions, case_id)
    assert [e.action for e in log] == [
        "identity.reveal.request",
        "identity.read.denied",
        "identity.reveal.approve",
        "identity.read",
        "identity.read",
    ]
    assert [e.actor for e in log] == ["u-hr", "u-hr", "u-head", "u-hr", "u-hr"]
    assert all(e.decision_id for e in log)  # OPA's decision id kept with each
    assert all(e.staff_id == first.staff_id for e in log)
    assert log[3].details == {"reveal_id": str(requested.id)}


async def test_reveal_is_only_for_its_requester_and_four_eyes(
    sessions: SessionMaker, opa: Authorizer, case_id: uuid.UUID
) -> None:
    with pytest.raises(RefusedError, match="reason"):
        await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="   ")
    mine = await reveals.request_reveal(sessions, opa, HEAD, case_id=case_id, reason="needed")
    with pytest.raises(ForbiddenError, match="four eyes"):
        await reveals.decide_reveal(sessions, opa, HEAD, reveal_id=mine.id, approve=True)
    with pytest.raises(ForbiddenError):  # HR cannot approve at all
        await reveals.decide_reveal(sessions, opa, HR, reveal_id=mine.id, approve=True)
    theirs = await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="needed")
    with pytest.raises(RefusedError, match="still waiting"):
        await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="again")
    await reveals.decide_reveal(sessions, opa, HEAD, reveal_id=theirs.id, approve=True)
    with pytest.raises(RefusedError, match="already approved"):
        await reveals.decide_reveal(sessions, opa, HEAD, reveal_id=theirs.id, approve=False)
    with pytest.raises(ForbiddenError):  # a colleague's approval does not reveal it to HR2
        await reveals.read_identity(sessions, opa, HR2, case_id=case_id)
    with pytest.raises(ForbiddenError):  # nor to the approver
        await reveals.read_identity(sessions, opa, HEAD, case_id=case_id)
    with pytest.raises(NotVisibleError):  # another school's HR does not even see the case
        await reveals.request_reveal(sessions, opa, HR_ELMS, case_id=case_id, reason="curious")
    with pytest.raises(NotVisibleError):  # IT ops work on pseudonyms only
        await reveals.request_reveal(sessions, opa, IT, case_id=case_id, reason="curious")
    with pytest.raises(NotFoundError):
        await reveals.read_identity(sessions, opa, HR, case_id=uuid.uuid4())
    denied = [e for e in await entries(sessions, case_id) if e.action.endswith(".denied")]
    assert {e.actor for e in denied} == {"u-head", "u-hr", "u-hr-2", "u-hr-elms", "u-it"}
    assert all(e.details["reasons"] for e in denied)
    listed = await reveals.reveals_of_case(sessions, opa, HEAD, case_id=case_id)
    assert [(r.requested_by, r.status) for r in listed] == [("u-head", "requested"), ("u-hr", "approved")]


async def test_refused_reveal_and_closed_case_show_nothing(
    sessions: SessionMaker, opa: Authorizer, case_id: uuid.UUID
) -> None:
    asked = await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="needed")
    refused = await reveals.decide_reveal(
        sessions, opa, HEAD, reveal_id=asked.id, approve=False, note="no need"
    )
    assert refused.status == "refused"
    with pytest.raises(ForbiddenError):
        await reveals.read_identity(sessions, opa, HR, case_id=case_id)
    again = await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="new facts")
    await reveals.decide_reveal(sessions, opa, HEAD, reveal_id=again.id, approve=True)
    assert (await reveals.read_identity(sessions, opa, HR, case_id=case_id)).reveal_id == again.id
    await close(sessions, case_id)
    with pytest.raises(ForbiddenError, match="open case"):  # an approved reveal ends with the case
        await reveals.read_identity(sessions, opa, HR, case_id=case_id)
    with pytest.raises(ForbiddenError, match="open case"):
        await reveals.request_reveal(sessions, opa, HR, case_id=case_id, reason="after the end")
    actions = [e.action for e in await entries(sessions, case_id)]
    assert actions.count("identity.reveal.refuse") == 1
    assert actions[-2:] == ["identity.read.denied", "identity.reveal.request.denied"]


async def test_content_access_lawful_purpose_approved_time_limited_each_use_audited(
    sessions: SessionMaker, opa: Authorizer, case_id: uuid.UUID
) -> None:
    with pytest.raises(RefusedError, match="purpose"):
        await content.request_access(
            sessions, opa, HR, case_id=case_id, purpose="curiosity", scope="all mail", reason="why not"
        )
    asked = await content.request_access(
        sessions,
        opa,
        HR,
        case_id=case_id,
        purpose="establish_facts",
        scope="mail of 2 March to x@example.org",
        reason="the allegation names these messages",
    )
    with pytest.raises(ForbiddenError):  # not approved yet
        await content.use_access(sessions, opa, HR, access_id=asked.id, item="message <a@b>")
    with pytest.raises(RefusedError, match="30 days"):
        await content.decide_access(
            sessions, opa, HEAD, access_id=asked.id, approve=True, expires_at=now() + timedelta(days=31)
        )
    with pytest.raises(RefusedError, match="time limit"):
        await content.decide_access(sessions, opa, HEAD, access_id=asked.id, approve=True)
    with pytest.raises(ForbiddenError, match="four eyes"):
        await content.decide_access(
            sessions, opa, HR, access_id=asked.id, approve=True, expires_at=now() + timedelta(days=7)
        )
    granted = await content.decide_access(
        sessions, opa, HEAD, access_id=asked.id, approve=True, expires_at=now() + timedelta(days=7)
    )
    assert granted.status == "approved"
    assert granted.live(now())
    use = await content.use_access(sessions, opa, HR, access_id=asked.id, item="message <a@b>")
    assert use.item == "message <a@b>"
    with pytest.raises(ForbiddenError):  # only the grantee
        await content.use_access(sessions, opa, HEAD, access_id=asked.id, item="message <a@b>")
    async with sessions() as session, session.begin():  # the time limit passes
        await session.execute(
            sa.update(ContentAccess)
            .where(ContentAccess.id == asked.id)
            .values(expires_at=now() - timedelta(seconds=1))
        )
    with pytest.raises(ForbiddenError, match="unexpired"):
        await content.use_access(sessions, opa, HR, access_id=asked.id, item="message <c@d>")
    log = await entries(sessions, case_id)
    assert [e.action for e in log if not e.action.endswith(".denied")] == [
        "content.access.request",
        "content.access.approve",
        "content.read",
    ]
    read = next(e for e in log if e.action == "content.read")
    assert read.details == {"access_id": str(asked.id), "purpose": "establish_facts", "item": "message <a@b>"}
    assert read.seq == use.audit_seq
    assert sum(e.action == "content.read.denied" for e in log) == 3


async def test_refused_content_access_grants_nothing(
    sessions: SessionMaker, opa: Authorizer, case_id: uuid.UUID
) -> None:
    asked = await content.request_access(
        sessions, opa, HR, case_id=case_id, purpose="crime", scope="mail of May", reason="police asked"
    )
    refused = await content.decide_access(
        sessions, opa, HEAD, access_id=asked.id, approve=False, note="police route"
    )
    assert (refused.status, refused.expires_at) == ("refused", None)
    with pytest.raises(ForbiddenError):
        await content.use_access(sessions, opa, HR, access_id=asked.id, item="anything")
    listed = await content.accesses_of_case(sessions, opa, HR, case_id=case_id)
    assert [(a.purpose, a.status) for a in listed] == [("crime", "refused")]


async def test_evidence_only_inside_an_open_case_and_each_read_audited(
    sessions: SessionMaker, opa: Authorizer, case_id: uuid.UUID
) -> None:
    read = await evidence.read_evidence(sessions, opa, HR, case_id=case_id)
    assert [b.evidence for b in read.breaches] == [{"host": "social.example"}]
    assert read.breaches[0].evidence_event_ids == ["e-1", "e-2"]
    await evidence.read_evidence(sessions, opa, HEAD, case_id=case_id)
    with pytest.raises(NotVisibleError):
        await evidence.read_evidence(sessions, opa, HR_ELMS, case_id=case_id)
    slg = Subject("u-slg", frozenset({"slg"}), frozenset({"st-peters"}))
    with pytest.raises(ForbiddenError):  # the SLG sees the case, not its evidence
        await evidence.read_evidence(sessions, opa, slg, case_id=case_id)
    await close(sessions, case_id)
    with pytest.raises(ForbiddenError, match="MON-INTERNET-ON-SUSPICION"):
        await evidence.read_evidence(sessions, opa, HR, case_id=case_id)
    log = await entries(sessions, case_id)
    assert [(e.action, e.actor) for e in log] == [
        ("evidence.read", "u-hr"),
        ("evidence.read", "u-head"),
        ("evidence.read.denied", "u-hr-elms"),
        ("evidence.read.denied", "u-slg"),
        ("evidence.read.denied", "u-hr"),
    ]
    assert log[0].seq == read.audit_seq
    assert log[0].details == {"breach_ids": [read.breaches[0].breach_id]}
