"""Everything the case service holds about one person (by pseudonym), as JSON-ready data: the
person, breaches with their evidence, cases with their workflow records, identity reveals,
content-access requests, subject access requests and the audit entries about them.

The workflow tables are read by name when they exist (`to_regclass`), so this module does not
depend on how the workflow stores its rows: every table there with a `case_id` is exported whole.
"""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import column, inspect, literal_column, select, text
from sqlalchemy import table as sa_table
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from case_service.db.models import Base, Breach, Case, Staff, StaffIdentity
from case_service.db.privacy_models import AuditLog, ContentAccess, IdentityReveal, SubjectAccessRequest

# Rows about a case, exported with it when the table exists (revision 0002_workflow).
CASE_TABLES = (
    "case_history",
    "case_events",
    "case_tasks",
    "case_notes",
    "evidence_links",
    "case_decisions",
    "letters",
)
NOT_HELD = (
    "The raw monitoring events (mail envelopes, proxy lines, endpoint and directory events) are not "
    "kept by the case service: each breach lists the ids of the events it was decided from."
)


def jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def row_dict(row: Base) -> dict[str, Any]:
    return {attr.key: jsonable(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs}


async def _case_rows(session: AsyncSession, case_ids: list[uuid.UUID]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    if not case_ids:
        return out
    for table in CASE_TABLES:
        if await session.scalar(text("SELECT to_regclass(:t)"), {"t": table}) is None:
            continue
        rows_of = sa_table(table, column("case_id")).alias("t")
        rows = await session.scalars(
            select(literal_column("to_jsonb(t)", JSONB))
            .select_from(rows_of)
            .where(rows_of.c.case_id.in_(case_ids))
        )
        out[table] = [jsonable(r) for r in rows]
    return out


async def collect_person(session: AsyncSession, staff_id: str) -> dict[str, Any]:
    staff = await session.get(Staff, staff_id)
    identity = await session.get(StaffIdentity, staff_id)
    breaches = (
        await session.scalars(select(Breach).where(Breach.staff_id == staff_id).order_by(Breach.occurred_at))
    ).all()
    cases = (
        await session.scalars(select(Case).where(Case.staff_id == staff_id).order_by(Case.opened_at))
    ).all()
    case_rows = await _case_rows(session, [case.id for case in cases])
    reveals = (
        await session.scalars(
            select(IdentityReveal)
            .where(IdentityReveal.staff_id == staff_id)
            .order_by(IdentityReveal.requested_at)
        )
    ).all()
    accesses = (
        await session.scalars(
            select(ContentAccess)
            .where(ContentAccess.staff_id == staff_id)
            .order_by(ContentAccess.requested_at)
        )
    ).all()
    requests = (
        await session.scalars(
            select(SubjectAccessRequest)
            .where(SubjectAccessRequest.staff_id == staff_id)
            .order_by(SubjectAccessRequest.received_on)
        )
    ).all()
    entries = (
        await session.scalars(select(AuditLog).where(AuditLog.staff_id == staff_id).order_by(AuditLog.seq))
    ).all()
    return {
        "person": {
            "pseudonym": staff_id,
            "school_id": staff.school_id if staff else (identity.school_id if identity else None),
            "account": identity.account if identity else None,
        },
        "breaches": [row_dict(b) for b in breaches],
        "cases": [
            {
                **row_dict(case),
                **{
                    table: [r for r in rows if r.get("case_id") == str(case.id)]
                    for table, rows in case_rows.items()
                },
            }
            for case in cases
        ],
        "identity_reveals": [row_dict(r) for r in reveals],
        "content_access": [row_dict(a) for a in accesses],
        "subject_access_requests": [row_dict(r) for r in requests],
        "audit_entries": [row_dict(e) for e in entries],
        "not_held": NOT_HELD,
    }
