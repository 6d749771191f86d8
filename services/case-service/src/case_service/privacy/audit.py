"""The audit log: append-only and hash-chained, so a modified, removed or inserted row is detectable.

Each row's `hash` is the SHA-256 of its canonical encoding (`canonical()`: a JSON array of every
field, `prev_hash` included, keys sorted, no spaces, UTC timestamps), and `prev_hash` is the hash
of the row before it (64 zeros for the first). Appends take a transaction-scoped advisory lock
first, so two transactions never chain onto the same head; `seq` is the primary key, so even a
caller that ignored the lock could not fork the chain, only fail. The database refuses UPDATE,
DELETE and TRUNCATE on the table (a trigger, migration 0003_privacy); `verify()` catches what
someone able to disable that trigger did anyway.
"""

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from case_service.db.privacy_models import AuditLog

GENESIS = "0" * 64
ENCODING_VERSION = "audit-v1"
# pg_advisory_xact_lock(class, object): the object is the table's oid, so each schema has its own.
_LOCK = text("SELECT pg_advisory_xact_lock(7305, 'audit_log'::regclass::oid::integer)")


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    school_id: str | None
    case_id: uuid.UUID | None
    staff_id: str | None
    details: Mapping[str, Any]
    decision_id: str | None
    prev_hash: str
    hash: str


def _json_safe(value: Any, path: str = "details") -> Any:
    """Only what JSONB gives back unchanged: a float could come back as an int ("1e16")."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings, not {key!r}")
            out[key] = _json_safe(item, f"{path}.{key}")
        return out
    if isinstance(value, list | tuple):
        return [_json_safe(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in audit details (str, int, bool, None)")


def canonical(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    school_id: str | None,
    case_id: uuid.UUID | None,
    staff_id: str | None,
    details: Mapping[str, Any],
    decision_id: str | None,
    prev_hash: str,
) -> bytes:
    """The bytes a row's hash is taken over; equal rows give equal bytes whatever the session time zone."""
    fields = [
        ENCODING_VERSION,
        seq,
        at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor,
        action,
        school_id,
        None if case_id is None else str(case_id),
        staff_id,
        details,
        decision_id,
        prev_hash,
    ]
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def row_hash(row: AuditLog | AuditEntry) -> str:
    return hashlib.sha256(
        canonical(
            seq=row.seq,
            at=row.at,
            actor=row.actor,
            action=row.action,
            school_id=row.school_id,
            case_id=row.case_id,
            staff_id=row.staff_id,
            details=row.details,
            decision_id=row.decision_id,
            prev_hash=row.prev_hash,
        )
    ).hexdigest()


async def record(
    session: AsyncSession,
    *,
    actor: str,
    action: str,
    school_id: str | None = None,
    case_id: uuid.UUID | None = None,
    staff_id: str | None = None,
    details: Mapping[str, Any] | None = None,
    decision_id: str | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction (not committed here). The chain head stays
    locked until that transaction ends: keep it short after calling this."""
    if not actor or not action:
        raise ValueError("an audit entry needs an actor and an action")
    safe = _json_safe(dict(details or {}))
    await session.execute(_LOCK)
    head = (
        await session.execute(select(AuditLog.seq, AuditLog.hash).order_by(AuditLog.seq.desc()).limit(1))
    ).first()
    seq, prev_hash = (1, GENESIS) if head is None else (head.seq + 1, head.hash)
    entry = AuditEntry(
        seq=seq,
        at=datetime.now(UTC),
        actor=actor,
        action=action,
        school_id=school_id,
        case_id=case_id,
        staff_id=staff_id,
        details=safe,
        decision_id=decision_id,
        prev_hash=prev_hash,
        hash="",
    )
    digest = row_hash(entry)
    await session.execute(
        insert(AuditLog).values(
            seq=seq,
            at=entry.at,
            actor=actor,
            action=action,
            school_id=school_id,
            case_id=case_id,
            staff_id=staff_id,
            details=safe,
            decision_id=decision_id,
            prev_hash=prev_hash,
            hash=digest,
        )
    )
    return AuditEntry(**{**entry.__dict__, "hash": digest})


def entry_of(row: AuditLog) -> AuditEntry:
    return AuditEntry(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        school_id=row.school_id,
        case_id=row.case_id,
        staff_id=row.staff_id,
        details=row.details,
        decision_id=row.decision_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


async def verify(session: AsyncSession, *, batch: int = 1000) -> int | None:
    """Walk the chain from seq 1: the first sequence number whose row is missing, altered or not
    linked to the one before, or None when the whole chain holds. (Removing the newest rows leaves
    a valid shorter chain: compare the head with one kept elsewhere, see `head()`.)"""
    expected_seq, prev_hash = 1, GENESIS
    result = await session.stream_scalars(
        select(AuditLog).order_by(AuditLog.seq).execution_options(yield_per=batch)
    )
    async for row in result:
        if row.seq != expected_seq or row.prev_hash != prev_hash or row.hash != row_hash(row):
            return expected_seq
        expected_seq, prev_hash = expected_seq + 1, row.hash
    return None


async def head(session: AsyncSession) -> tuple[int, str] | None:
    """The newest (seq, hash): publish or print it now and then to notice a cut-off tail."""
    row = (
        await session.execute(select(AuditLog.seq, AuditLog.hash).order_by(AuditLog.seq.desc()).limit(1))
    ).first()
    return None if row is None else (row.seq, row.hash)
