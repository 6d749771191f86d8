"""One LDAP sync: read the directory, map it (ldap_sync), write the snapshot to Kafka.

Shared by the service's periodic sync and `ingest-directory-sync`. Blocking (ldap3 and the
producer both are): the service runs it in a thread. The whole trust is read in one search, so
the Kafka records of entries that cannot be mapped (rejects) are keyed by the trust id.
"""

import contextlib
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ldap3.core.exceptions import LDAPException  # type: ignore[import-untyped]
from opentelemetry import trace

from ingest_directory.ldap_connect import Connect
from ingest_directory.ldap_sync import LDAP_SOURCE, sync
from ingest_directory.settings import IngestDirectorySettings
from ingest_directory.snapshot import Layout, school_of
from invigilator.events.v1 import events_pb2
from svckit.ingest import reject
from svckit.ingest_http import Produce, batch_records
from svckit.tracing import current_trace_id, inject_headers

log = logging.getLogger(__name__)
tracer = trace.get_tracer(__name__)


@dataclass
class SyncBatch:
    """A sync's output in the shape `batch_records` takes (svckit.ingest_http.Parsed)."""

    events: list[events_pb2.Event] = field(default_factory=list)
    rejects: list[events_pb2.RejectedInput] = field(default_factory=list)


@dataclass(frozen=True)
class SyncReport:
    started_at: datetime
    finished_at: datetime
    accounts: int
    events: int
    rejects: int
    # Entries deliberately not turned into events, by reason (OUs, computers, outside every school).
    skipped: dict[str, int]
    records: int
    trace_id: str


def run_sync(
    settings: IngestDirectorySettings,
    connect: Connect,
    produce: Produce | None,
    layout: Layout,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    as_of: datetime | None = None,
) -> SyncReport:
    """Raises LdapConnectError, ldap3's LDAPException or KafkaException; `produce=None` is a dry run.
    `as_of` stamps the snapshot's events with another time than now (a replayed day: the directory
    as it is now, re-stamped);
    rejects keep the time they were read."""
    base_dn = settings.ldap_base_dn or ""
    started = clock()
    observed_at = as_of or started
    with tracer.start_as_current_span("ldap sync", attributes={"ldap.base_dn": base_dn}):
        connection = connect()
        try:
            snapshot = sync(connection, base_dn, layout, observed_at=observed_at)
        finally:
            with contextlib.suppress(LDAPException):
                connection.unbind()
        batch = SyncBatch(events=snapshot.events)
        for entry, reason in snapshot.failures:
            school = school_of(entry.dn, layout)
            raw = entry.raw.encode()
            batch.rejects.append(reject(LDAP_SOURCE, school, raw, f"{entry.dn}: {reason}", started))
        records = list(batch_records(batch, settings.trust_id, settings, inject_headers()))
        if produce is not None:
            produce(records)
        trace_id = current_trace_id()
    accounts = sum(1 for event in batch.events if event.directory.HasField("account_snapshot"))
    if not accounts:
        # An empty result usually means a wrong base DN or OU layout, not an empty trust.
        log.warning("ldap sync under %r found no staff account of any school", base_dn)
    return SyncReport(
        started_at=started,
        finished_at=clock(),
        accounts=accounts,
        events=len(batch.events),
        rejects=len(batch.rejects),
        skipped=dict(Counter(snapshot.skipped)),
        records=len(records),
        trace_id=trace_id,
    )
