"""Retention: monitoring data attached to no case is deleted once older than the retention period,
and closed cases once closed longer than theirs (when the trust sets one).

What goes, in batches (one transaction each, so a long purge neither holds locks nor loses work):
- with `closed_case_retention_days` set: cases closed before that cutoff, with their breaches,
  reveals and content-access requests (workflow history, events, tasks, notes, evidence links,
  decisions and letters go with the case by ON DELETE CASCADE) — except safeguarding cases and the
  cases of a person with an open subject access request;
- breaches with no case (`case_id IS NULL`) detected (or, failing that, occurring) before the cutoff;
- `staff_identity` and `staff` rows of people with nothing left: no breach, no case, no reveal, no
  content-access request and no subject access request still open.
Open cases are never touched. The audit log is never purged. The purge writes one audit entry with
its cutoffs and counts.

    python -m case_service.privacy.purge [--retention-days N] [--closed-case-retention-days N] [--dry-run]
"""

import argparse
import asyncio
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Select, and_, delete, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Delete

from case_service.db.engine import SessionMaker, make_engine, make_sessionmaker
from case_service.db.models import Breach, Case, Staff, StaffIdentity
from case_service.db.privacy_models import ContentAccess, IdentityReveal, SubjectAccessRequest
from case_service.db.workflow_store import STATUS_CLOSED
from case_service.privacy import audit
from case_service.privacy.access import now
from case_service.privacy.settings import MIN_CLOSED_CASE_RETENTION_DAYS

ACTOR = "system:retention"


@dataclass(frozen=True)
class PurgeCounts:
    cutoff: str
    retention_days: int
    breaches: int
    staff_identities: int
    staff: int
    dry_run: bool
    audit_seq: int | None
    closed_cases: int = 0
    closed_case_cutoff: str | None = None


def _orphan_breaches(cutoff: datetime) -> Select[Any]:
    return select(Breach.breach_id).where(
        Breach.case_id.is_(None), func.coalesce(Breach.detected_at, Breach.occurred_at) < cutoff
    )


def _expired_closed_cases(cutoff: datetime) -> Select[Any]:
    open_request = exists().where(
        and_(SubjectAccessRequest.staff_id == Case.staff_id, SubjectAccessRequest.status == "open")
    )
    return select(Case.id).where(
        Case.status == STATUS_CLOSED,
        Case.closed_at < cutoff,
        Case.track != "safeguarding",  # allegations about staff: kept apart from this rule (KCSIE)
        not_(open_request),  # the person's export must still find them
    )


async def _purge_closed_cases(
    sessions: SessionMaker, cutoff: datetime, batch_size: int, progress: Callable[[str], None]
) -> int:
    purged = 0
    while True:
        async with sessions() as session, session.begin():
            batch = _expired_closed_cases(cutoff).limit(batch_size).with_for_update(skip_locked=True, of=Case)
            ids = list((await session.scalars(batch)).all())
            if ids:
                for model in (Breach, IdentityReveal, ContentAccess):
                    await session.execute(delete(model).where(model.case_id.in_(ids)))
                purged += await _delete(session, delete(Case).where(Case.id.in_(ids)))
                # In the batch's own transaction: a purge stopped part-way leaves no deletion unaudited.
                await audit.record(
                    session,
                    actor=ACTOR,
                    action="retention.purge_cases",
                    details={"closed_case_cutoff": cutoff.isoformat(), "case_ids": sorted(map(str, ids))},
                )
        if ids:
            progress(f"closed cases past retention: {purged} deleted")
        if len(ids) < batch_size:
            return purged


def _left_with_nothing() -> Select[Any]:
    """Pseudonyms of people about whom nothing but the identity is held any more."""
    held = or_(
        exists().where(Breach.staff_id == Staff.id),
        exists().where(Case.staff_id == Staff.id),
        exists().where(IdentityReveal.staff_id == Staff.id),
        exists().where(ContentAccess.staff_id == Staff.id),
        exists().where(
            and_(SubjectAccessRequest.staff_id == Staff.id, SubjectAccessRequest.status == "open")
        ),
    )
    return select(Staff.id).where(not_(held))


async def _delete(session: AsyncSession, statement: Delete) -> int:
    return cast(CursorResult[Any], await session.execute(statement)).rowcount


async def _count(session: AsyncSession, ids: Select[Any]) -> int:
    return int(await session.scalar(select(func.count()).select_from(ids.subquery())) or 0)


async def purge(
    sessions: SessionMaker,
    *,
    retention_days: int,
    batch_size: int = 1000,
    at: datetime | None = None,
    dry_run: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    closed_case_retention_days: int | None = None,
) -> PurgeCounts:
    at = at or now()
    cutoff = at - timedelta(days=retention_days)
    progress(f"retention {retention_days} days: deleting monitoring data with no case from before {cutoff}")
    case_cutoff = (
        None if closed_case_retention_days is None else at - timedelta(days=closed_case_retention_days)
    )
    if case_cutoff is not None:
        progress(
            f"closed-case retention {closed_case_retention_days} days: cases closed before {case_cutoff}"
        )
    breaches = identities = staff = closed_cases = 0
    if dry_run:
        async with sessions() as session:
            if case_cutoff is not None:
                closed_cases = await _count(session, _expired_closed_cases(case_cutoff))
            breaches = await _count(session, _orphan_breaches(cutoff))
            staff = await _count(session, _left_with_nothing())
        progress(
            f"dry run: would delete {breaches} breaches without a case, {closed_cases} closed cases and "
            f"about {staff} people (more once those go)"
        )
    else:
        if case_cutoff is not None:
            closed_cases = await _purge_closed_cases(sessions, case_cutoff, batch_size, progress)
        while True:
            async with sessions() as session, session.begin():
                batch = _orphan_breaches(cutoff).limit(batch_size).with_for_update(skip_locked=True)
                done = await _delete(session, delete(Breach).where(Breach.breach_id.in_(batch)))
            breaches += done
            if done:
                progress(f"breaches without a case: {breaches} deleted")
            if done < batch_size:
                break
        while True:
            async with sessions() as session, session.begin():
                # Locked and skipped when locked: a breach being ingested for the person right now
                # holds its staff row (the foreign key check), so that person is left alone.
                people = _left_with_nothing().limit(batch_size).with_for_update(skip_locked=True)
                ids = list((await session.scalars(people)).all())
                if ids:
                    identities += await _delete(
                        session, delete(StaffIdentity).where(StaffIdentity.staff_id.in_(ids))
                    )
                    staff += await _delete(session, delete(Staff).where(Staff.id.in_(ids)))
            if ids:
                progress(f"people with nothing left: {staff} pseudonyms, {identities} identities deleted")
            if len(ids) < batch_size:
                break
    counts = {
        "closed_cases": closed_cases,
        "breaches": breaches,
        "staff_identities": identities,
        "staff": staff,
    }
    audit_seq = None
    if not dry_run:
        async with sessions() as session, session.begin():
            entry = await audit.record(
                session,
                actor=ACTOR,
                action="retention.purge",
                details={
                    "cutoff": cutoff.isoformat(),
                    "retention_days": retention_days,
                    "closed_case_cutoff": None if case_cutoff is None else case_cutoff.isoformat(),
                    "closed_case_retention_days": closed_case_retention_days,
                    **counts,
                },
            )
            audit_seq = entry.seq
    progress(f"done: {counts}")
    return PurgeCounts(
        cutoff=cutoff.isoformat(),
        retention_days=retention_days,
        dry_run=dry_run,
        audit_seq=audit_seq,
        closed_case_cutoff=None if case_cutoff is None else case_cutoff.isoformat(),
        **counts,
    )


def main(argv: list[str] | None = None) -> int:
    from case_service.settings import CaseServiceSettings

    parser = argparse.ArgumentParser(
        prog="python -m case_service.privacy.purge", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--retention-days", type=int, help="overrides CASE_SERVICE_PRIVACY_RETENTION_DAYS")
    parser.add_argument(
        "--closed-case-retention-days",
        type=int,
        help="overrides CASE_SERVICE_PRIVACY_CLOSED_CASE_RETENTION_DAYS (unset: closed cases are kept)",
    )
    parser.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")
    args = parser.parse_args(argv)
    settings = CaseServiceSettings()
    privacy = settings.privacy_settings
    days = args.retention_days if args.retention_days is not None else privacy.retention_days
    if days < 1:
        parser.error("--retention-days must be at least 1")
    case_days = args.closed_case_retention_days
    if case_days is None:
        case_days = privacy.closed_case_retention_days
    elif case_days < MIN_CLOSED_CASE_RETENTION_DAYS:
        parser.error(f"--closed-case-retention-days must be at least {MIN_CLOSED_CASE_RETENTION_DAYS}")

    async def run() -> PurgeCounts:
        engine = make_engine(settings.database_url)
        try:
            return await purge(
                make_sessionmaker(engine),
                retention_days=days,
                batch_size=privacy.retention_batch_size,
                dry_run=args.dry_run,
                closed_case_retention_days=case_days,
                progress=lambda line: print(line, flush=True),
            )
        finally:
            await engine.dispose()

    counts = asyncio.run(run())
    print(asdict(counts), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
