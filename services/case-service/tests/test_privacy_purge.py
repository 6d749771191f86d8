"""Retention on the real PostgreSQL: monitoring data attached to no case goes once older than the
period, people with nothing left lose their identity row, everything on a case stays, the purge is
audited, and the CLI prints its progress."""

import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from google.protobuf.timestamp_pb2 import Timestamp

from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.db.models import Breach, Case, Staff, StaffIdentity
from case_service.db.privacy_models import AuditLog, SubjectAccessRequest
from case_service.db.workflow_models import CaseNote
from case_service.domain.pseudonym import pseudonym
from case_service.privacy import audit
from case_service.privacy.purge import purge
from case_service.privacy.settings import PrivacySettings
from case_service.privacy.testing import DatabaseUnavailableError, store_test_breach, throwaway_schema
from case_service.settings import DEV_DATABASE_URL, CaseServiceSettings
from invigilator.breaches.v1 import breaches_pb2

pytestmark = pytest.mark.integration

KEY = b"privacy-purge-test-key"
NOW = datetime.now(UTC)


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


async def orphan(sessions: SessionMaker, staff: str, *, age_days: int, breach_id: str | None = None) -> str:
    """A breach attached to no case, detected `age_days` ago."""
    breach_id = breach_id or f"orphan-{uuid.uuid4().hex[:8]}"
    at = NOW - timedelta(days=age_days)
    async with sessions() as session, session.begin():
        await session.execute(
            sa.dialects.postgresql.insert(Staff)
            .values(id=staff, school_id="elms-farm")
            .on_conflict_do_nothing()
        )
        await session.execute(
            sa.dialects.postgresql.insert(StaffIdentity)
            .values(staff_id=staff, school_id="elms-farm", account=f"acct-{staff}")
            .on_conflict_do_nothing()
        )
        session.add(
            Breach(
                breach_id=breach_id,
                clause="NET-STREAMING",
                title="Streaming",
                severity="medium",
                owner="hr",
                gross_misconduct=False,
                kind="A",
                school_id="elms-farm",
                staff_id=staff,
                policy_ref="2.5",
                reason="proxy.host in category streaming",
                evidence={"host": "video.example"},
                evidence_event_ids=["e-9"],
                occurred_at=at,
                detected_at=at,
                decision_id="d-9",
                policy_revision="rev-1",
                case_id=None,
            )
        )
    return breach_id


async def exists(sessions: SessionMaker, model: type[Breach] | type[StaffIdentity], key: str) -> bool:
    async with sessions() as session:
        return await session.get(model, key) is not None


async def test_purge_deletes_only_old_data_with_no_case(
    sessions: SessionMaker, make_breach: Callable[..., breaches_pb2.Breach]
) -> None:
    old_only = await orphan(sessions, "staff-aaaaaaaaaa", age_days=200)
    recent = await orphan(sessions, "staff-bbbbbbbbbb", age_days=10)
    sar_held = await orphan(sessions, "staff-cccccccccc", age_days=200)
    async with sessions() as session, session.begin():
        session.add(
            SubjectAccessRequest(
                id=uuid.uuid4(),
                school_id="elms-farm",
                staff_id="staff-cccccccccc",
                received_on=NOW.date(),
                due_on=NOW.date() + timedelta(days=30),
                recorded_by="u-dpo",
                recorded_at=NOW,
                status="open",
            )
        )
    old_on_case = f"cased-{uuid.uuid4().hex[:8]}"
    old = Timestamp()
    old.FromDatetime(NOW - timedelta(days=400))
    case_id = await store_test_breach(
        sessions, make_breach(breach_id=old_on_case, occurred_at=old, detected_at=old, account="kept"), KEY
    )
    assert case_id is not None
    batch_of_many = [await orphan(sessions, "staff-dddddddddd", age_days=100) for _ in range(5)]

    lines: list[str] = []
    counts = await purge(sessions, retention_days=90, batch_size=2, at=NOW, progress=lines.append)

    assert (counts.breaches, counts.staff_identities, counts.staff) == (7, 2, 2)
    assert not await exists(sessions, Breach, old_only)
    assert not any([await exists(sessions, Breach, b) for b in batch_of_many])
    assert not await exists(sessions, Breach, sar_held)
    assert await exists(sessions, Breach, recent)
    assert await exists(sessions, Breach, old_on_case)  # on a case: not this purge's to delete
    assert not await exists(sessions, StaffIdentity, "staff-aaaaaaaaaa")
    assert not await exists(sessions, StaffIdentity, "staff-dddddddddd")
    assert await exists(sessions, StaffIdentity, "staff-bbbbbbbbbb")
    assert await exists(sessions, StaffIdentity, "staff-cccccccccc")  # an open SAR holds the person
    assert any("breaches without a case: 7 deleted" in line for line in lines)
    async with sessions() as session:
        entry = await session.get(AuditLog, counts.audit_seq)
    assert entry is not None
    assert (entry.actor, entry.action) == ("system:retention", "retention.purge")
    assert entry.details["breaches"] == 7
    assert entry.details["retention_days"] == 90

    again = await purge(sessions, retention_days=90, at=NOW)
    assert (again.breaches, again.staff_identities) == (0, 0)


async def closed_case(
    sessions: SessionMaker,
    make_breach: Callable[..., breaches_pb2.Breach],
    account: str,
    *,
    closed_days_ago: int,
    track: str = "disciplinary",
    status: str = "closed",
) -> uuid.UUID:
    """A case of `account` (one breach, one note) closed `closed_days_ago` on `track`."""
    at = Timestamp()
    at.FromDatetime(NOW - timedelta(days=closed_days_ago + 30))
    breach_id = f"closed-{uuid.uuid4().hex[:8]}"
    case_id = await store_test_breach(
        sessions, make_breach(breach_id=breach_id, occurred_at=at, detected_at=at, account=account), KEY
    )
    async with sessions() as session, session.begin():
        await session.execute(
            sa.update(Case)
            .where(Case.id == case_id)
            .values(status=status, track=track, closed_at=NOW - timedelta(days=closed_days_ago))
        )
        session.add(CaseNote(case_id=case_id, author="u-hr", body="outcome recorded", at=NOW))
    return case_id


async def case_exists(sessions: SessionMaker, case_id: uuid.UUID) -> bool:
    async with sessions() as session:
        return await session.get(Case, case_id) is not None


async def test_closed_cases_go_once_past_their_retention(
    sessions: SessionMaker, make_breach: Callable[..., breaches_pb2.Breach]
) -> None:
    expired = await closed_case(sessions, make_breach, "gone-1", closed_days_ago=800)
    recent = await closed_case(sessions, make_breach, "kept-1", closed_days_ago=100)
    safeguarding = await closed_case(
        sessions, make_breach, "kept-2", closed_days_ago=800, track="safeguarding"
    )
    still_open = await closed_case(sessions, make_breach, "kept-3", closed_days_ago=800, status="open")
    requested = await closed_case(sessions, make_breach, "kept-4", closed_days_ago=800)
    async with sessions() as session, session.begin():
        held = await session.get(Case, requested)
        assert held is not None
        session.add(
            SubjectAccessRequest(
                id=uuid.uuid4(),
                school_id="st-peters",
                staff_id=held.staff_id,
                received_on=NOW.date(),
                due_on=NOW.date() + timedelta(days=30),
                recorded_by="u-dpo",
                recorded_at=NOW,
                status="open",
            )
        )

    unset = await purge(sessions, retention_days=90, at=NOW)  # no closed-case retention: all stay
    assert unset.closed_cases == 0
    assert await case_exists(sessions, expired)

    dry = await purge(sessions, retention_days=90, at=NOW, dry_run=True, closed_case_retention_days=730)
    assert dry.closed_cases == 1
    assert await case_exists(sessions, expired)

    counts = await purge(sessions, retention_days=90, at=NOW, closed_case_retention_days=730)
    assert counts.closed_cases == 1
    assert not await case_exists(sessions, expired)
    for kept in (recent, safeguarding, still_open, requested):
        assert await case_exists(sessions, kept)
    async with sessions() as session:
        left = [
            await session.scalar(
                sa.select(sa.func.count()).select_from(model).where(model.case_id == expired)
            )
            for model in (Breach, CaseNote)
        ]
        entry = await session.get(AuditLog, counts.audit_seq)
    assert left == [0, 0]  # its breaches went with it, its notes by cascade
    assert counts.staff_identities >= 1  # the person had nothing else: the identity went too
    assert not await exists(sessions, StaffIdentity, pseudonym(KEY, "st-peters", "gone-1"))
    assert entry is not None
    assert (entry.details["closed_cases"], entry.details["closed_case_retention_days"]) == (1, 730)
    async with sessions() as session:
        batches = (
            await session.scalars(sa.select(AuditLog).where(AuditLog.action == "retention.purge_cases"))
        ).all()
    assert [b.details["case_ids"] for b in batches] == [[str(expired)]]  # which cases went, by batch


def test_closed_case_retention_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_SERVICE_PRIVACY_CLOSED_CASE_RETENTION_DAYS", raising=False)
    assert PrivacySettings().closed_case_retention_days is None
    monkeypatch.setenv("CASE_SERVICE_PRIVACY_CLOSED_CASE_RETENTION_DAYS", "2190")
    assert PrivacySettings().closed_case_retention_days == 2190
    with pytest.raises(ValueError, match="greater than or equal to 365"):
        PrivacySettings(closed_case_retention_days=30)
    # Unprefixed names are somebody else's: they never switch the purge on.
    monkeypatch.delenv("CASE_SERVICE_PRIVACY_CLOSED_CASE_RETENTION_DAYS")
    monkeypatch.setenv("CLOSED_CASE_RETENTION_DAYS", "400")
    monkeypatch.setenv("RETENTION_DAYS", "3")
    assert PrivacySettings().closed_case_retention_days is None
    assert PrivacySettings().retention_days != 3


def test_cli_dry_run_counts_and_deletes_nothing(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "CASE_SERVICE_ENVIRONMENT": "dev"}
    env["CASE_SERVICE_RETENTION_DAYS"] = "5"  # the recent orphan (10 days old) is now out of retention
    run = subprocess.run(
        [sys.executable, "-m", "case_service.privacy.purge", "--dry-run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "retention 5 days" in run.stdout
    assert "would delete 1 breaches" in run.stdout
    run = subprocess.run(
        [sys.executable, "-m", "case_service.privacy.purge", "--retention-days", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode != 0
    assert "at least 1" in run.stderr


def test_cli_takes_the_closed_case_retention(database_url: str) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "CASE_SERVICE_ENVIRONMENT": "dev"}
    env["CASE_SERVICE_PRIVACY_CLOSED_CASE_RETENTION_DAYS"] = "3650"
    command = [sys.executable, "-m", "case_service.privacy.purge", "--dry-run"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert "closed-case retention 3650 days" in run.stdout
    assert "0 closed cases" in run.stdout
    command += ["--closed-case-retention-days", "30"]
    run = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode != 0
    assert "at least 365" in run.stderr


def test_retention_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RETENTION_DAYS", "PRIVACY_RETENTION_DAYS", "PRIVACY_RETENTION_BATCH_SIZE"):
        monkeypatch.delenv(f"CASE_SERVICE_{name}", raising=False)
    assert PrivacySettings().retention_days == 90
    monkeypatch.setenv("CASE_SERVICE_RETENTION_DAYS", "30")  # the name from before the nesting
    assert PrivacySettings().retention_days == 30
    monkeypatch.setenv("CASE_SERVICE_PRIVACY_RETENTION_DAYS", "45")  # the nested name wins
    monkeypatch.setenv("CASE_SERVICE_PRIVACY_RETENTION_BATCH_SIZE", "7")
    assert PrivacySettings().retention_days == 45
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        PrivacySettings(retention_days=0)


def test_privacy_settings_are_nested_in_the_service_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASE_SERVICE_RETENTION_DAYS", raising=False)
    monkeypatch.setenv("CASE_SERVICE_PRIVACY_RETENTION_DAYS", "14")
    privacy = CaseServiceSettings(environment="dev").privacy_settings
    assert (privacy.retention_days, privacy.retention_batch_size) == (14, 1000)
    given = PrivacySettings(retention_days=3)
    assert CaseServiceSettings(environment="dev", privacy=given).privacy_settings is given
