"""HTTP adapter of ingest-directory, and the periodic LDAP sync in its lifespan.

- `POST /v1/schools/{school}/ecs|nxlog`: domain-controller security events as JSON lines (the
  shared svckit batch route). These records name an account but no OU, so the school is the one in
  the path; the trust id is refused there (400).
- `POST /v1/schools/{school}/ldif`: a directory export. LDIF names each entry's OU, so the school of
  every event comes from the entry, and the path only says *whose* export it is:
  - the trust id (`INGEST_DIRECTORY_TRUST_ID`, default `trust`), with an API key mapped to it:
    the whole trust's export (what `ldifde` on a trust-wide domain produces), every school's
    accounts and the password policies for every school;
  - a school, with that school's key: only entries under that school's OUs become events; the
    rest are counted as skipped, never written, so a school's key cannot write another school's
    staff. The domain and PSO policies are written for that school only.
  This keeps one route shape and one key model (so `ingest-directory-replay --school trust
  --format ldif export.ldif` works unchanged) and fails safe for a school's key. An export in
  UTF-16 with a BOM (`ldifde -u`) is read as such.
- `GET /v1/ldap-sync/status`: the periodic sync's last run, counts and error (the trust's key).
"""

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, Header, HTTPException, status

from ingest_directory.ingest import FORMATS, ParsedBatch, parse, parse_ldif
from ingest_directory.ldap_connect import Connect, connect
from ingest_directory.settings import IngestDirectorySettings
from ingest_directory.snapshot import Layout
from ingest_directory.sync_job import run_sync
from ingest_directory.sync_scheduler import SyncScheduler, SyncStatus
from svckit.apikeys import ApiKeys, Verdict, presented_key
from svckit.health import health_router
from svckit.ingest_http import BadInputError, Produce, batch_router, warn_if_open

log = logging.getLogger(__name__)
LDIF = "ldif"
SHUTDOWN_GRACE_S = 10.0
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def school_layout(layout: Layout, school_id: str) -> Layout:
    """The layout restricted to one school's OUs: every other school's entries are then skipped."""
    mine = {ou: school for ou, school in layout.ou_to_school.items() if school == school_id}
    if not mine:
        raise BadInputError(f"school {school_id!r} has no OU in the directory layout (OU_TO_SCHOOL)")
    return Layout(ou_to_school=mine, staff_ou=layout.staff_ou, leavers_ou=layout.leavers_ou)


def ldif_bytes(body: bytes) -> bytes:
    """UTF-8 as the parser reads it; `ldifde -u` writes UTF-16 with a byte-order mark."""
    if not body.startswith(UTF16_BOMS):
        return body
    try:
        return body.decode("utf-16").encode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInputError(f"LDIF starts with a UTF-16 byte-order mark but is not UTF-16: {error}") from None


def create_app(
    settings: IngestDirectorySettings, produce: Produce, connect_ldap: Connect | None = None
) -> FastAPI:
    """`connect_ldap` defaults to the real directory when `ldap_url` is set (tests pass a mock)."""
    zone = ZoneInfo(settings.timezone)
    keys = ApiKeys(settings.api_keys)
    layout = settings.layout()
    if connect_ldap is None and settings.ldap_url:
        connect_ldap = functools.partial(connect, settings)
    scheduler = None
    if connect_ldap is not None:
        run_once = functools.partial(run_sync, settings, connect_ldap, produce, layout)
        scheduler = SyncScheduler(run_once, settings.ldap_sync_interval_s)
    tasks: list[asyncio.Task[None]] = []

    def parse_body(school_id: str, format_name: str, body: bytes) -> ParsedBatch:
        if format_name == LDIF:
            scope = layout if school_id == settings.trust_id else school_layout(layout, school_id)
            return parse_ldif(ldif_bytes(body), scope)
        if school_id == settings.trust_id:
            raise BadInputError(
                f"{format_name} events name no OU: post them under the school whose domain controller "
                f"logged them, not {settings.trust_id!r}"
            )
        return parse(format_name, body, school_id, local_zone=zone)

    async def require_trust_key(
        authorization: Annotated[str | None, Header()] = None,
        x_api_key: Annotated[str | None, Header()] = None,
    ) -> None:
        verdict = keys.verdict(presented_key(authorization, x_api_key), settings.trust_id)
        if verdict is Verdict.UNAUTHENTICATED:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                "the trust's API key is required: 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                {"WWW-Authenticate": "Bearer"},
            )
        if verdict is Verdict.FORBIDDEN:
            raise HTTPException(status.HTTP_403_FORBIDDEN, "only the trust's API key may read this")

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        warn_if_open(keys, settings)
        stop = asyncio.Event()
        if scheduler is not None:
            log.info("ldap sync of %s every %.0fs", settings.ldap_url, settings.ldap_sync_interval_s)
            tasks.append(asyncio.create_task(scheduler.run_forever(stop), name="ldap-sync"))
        try:
            yield
        finally:
            stop.set()
            if tasks:
                # A sync in flight finishes in its thread (bounded by ldap_timeout_s per response).
                _done, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
                for task in pending:
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.gather(*tasks, return_exceptions=True)
                tasks.clear()

    async def sync_loop_alive() -> bool:
        return all(not task.done() for task in tasks)

    app = FastAPI(title="Invigilator ingest-directory", version="0.1.0", lifespan=lifespan)
    app.include_router(health_router({"ldap_sync_loop": sync_loop_alive} if scheduler else None))
    app.include_router(
        batch_router(
            settings,
            produce,
            (*FORMATS, LDIF),
            parse_body,
            "Directory input: ecs / nxlog DC security events (JSON lines) under a school, or an ldif "
            "export under the trust id (every school, by OU) or a school (that school's OUs only)",
            keys,
        )
    )

    @app.get("/v1/ldap-sync/status", dependencies=[Depends(require_trust_key)])
    async def ldap_sync_status() -> SyncStatus:
        return scheduler.status() if scheduler is not None else SyncStatus(enabled=False)

    return app
