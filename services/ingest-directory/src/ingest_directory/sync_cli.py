"""`ingest-directory-sync`: one LDAP sync now, its events to Kafka, the counts on stdout.

ingest-directory-sync              # read the directory, write the snapshot, print what happened
ingest-directory-sync --dry-run    # read and map only: check the bind, base DN and OU layout
ingest-directory-sync --as-of 2026-11-24T06:00:00Z   # today's directory, stamped as observed then

Settings are the service's (INGEST_DIRECTORY_LDAP_URL, _LDAP_BIND_DN, _LDAP_PASSWORD, ...).
Exit status: 0 done, 1 the directory or Kafka failed (the message says which), 2 not configured.
"""

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import datetime
from typing import TextIO

from confluent_kafka import KafkaException
from ldap3 import Connection  # type: ignore[import-untyped]
from ldap3.core.exceptions import LDAPException  # type: ignore[import-untyped]
from pydantic import ValidationError

from ingest_directory.ldap_connect import LdapConnectError, connect
from ingest_directory.settings import IngestDirectorySettings
from ingest_directory.sync_job import SyncReport, run_sync
from svckit.kafka import make_producer, produce_all
from svckit.logs import setup_logging
from svckit.tracing import setup_tracing


def _summary(report: SyncReport, dry_run: bool) -> str:
    written = "not written (dry run)" if dry_run else f"{report.records} Kafka record(s) written"
    skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(report.skipped.items())) or "none"
    return (
        f"ldap sync: {report.accounts} staff account(s), {report.events} event(s), "
        f"{report.rejects} reject(s); skipped: {skipped}; {written} "
        f"in {(report.finished_at - report.started_at).total_seconds():.1f}s"
    )


def _aware_datetime(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from error
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no time zone (add Z or +00:00)")
    return value


def run(
    argv: Sequence[str] | None = None,
    out: TextIO = sys.stdout,
    err: TextIO = sys.stderr,
    open_ldap: Callable[[IngestDirectorySettings], Connection] = connect,
) -> int:
    parser = argparse.ArgumentParser(
        prog="ingest-directory-sync", description="One LDAP sync now: events to Kafka, counts on stdout."
    )
    parser.add_argument("--dry-run", action="store_true", help="read and map, write nothing to Kafka")
    parser.add_argument("--json", action="store_true", help="print the counts as one JSON object")
    parser.add_argument(
        "--as-of",
        type=_aware_datetime,
        help="stamp today's snapshot as observed at this ISO 8601 time with a zone (default: now); "
        "password ages and leavers are judged as of then",
    )
    args = parser.parse_args(argv)
    try:
        settings = IngestDirectorySettings()
    except ValidationError as error:
        err.write(f"ingest-directory-sync: settings are not valid:\n{error}\n")
        return 2
    if not settings.ldap_url:
        err.write("ingest-directory-sync: INGEST_DIRECTORY_LDAP_URL is not set: there is nothing to sync\n")
        return 2
    setup_logging(settings.log_level)
    setup_tracing("ingest-directory-sync", settings)
    producer = None if args.dry_run else make_producer(settings.kafka_bootstrap_servers, "ingest-directory")
    produce = None if producer is None else functools.partial(produce_all, producer)
    try:
        report = run_sync(
            settings, functools.partial(open_ldap, settings), produce, settings.layout(), as_of=args.as_of
        )
    except LdapConnectError as error:
        err.write(f"ingest-directory-sync: {error}\n")
        return 1
    except LDAPException as error:
        err.write(f"ingest-directory-sync: searching {settings.ldap_base_dn!r} failed: {error}\n")
        return 1
    except KafkaException as error:
        err.write(
            f"ingest-directory-sync: Kafka refused the snapshot, nothing is certain to be written: {error}\n"
        )
        return 1
    if args.json:
        out.write(json.dumps({**asdict(report), "dry_run": args.dry_run}, default=str) + "\n")
    else:
        out.write(_summary(report, args.dry_run) + "\n")
    return 0


def main() -> None:
    sys.exit(run())
