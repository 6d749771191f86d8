"""The real protocol peers of the demo, started through the project's peer scripts (scripts/peers/):
the demo Squid under libfaketime, slapd with the generated staff directory (and the directory sync
run against it), ingest-mail's SMTP receiver, and kcat producing Winlogbeat documents to Kafka."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import smtplib
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ldap3 import SUBTREE, Connection, Server  # type: ignore[import-untyped]

from invigilator_demo.plan import School

ROOT = Path(__file__).resolve().parents[4]
PEERS = ROOT / "scripts" / "peers"
LOCAL = ROOT / ".local"


@dataclass(frozen=True)
class Endpoints:
    """Where the stack and the peers listen (scripts/stack/env.sh, services.sh)."""

    ingest_proxy: str = "http://127.0.0.1:18100"
    case_service: str = "http://127.0.0.1:18300"
    web: str = "http://127.0.0.1:18500"
    kafka: str = "127.0.0.1:19092"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 18026  # ingest-mail's journal receiver
    squid_demo_port: int = 18129
    slapd_port: int = 18389

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Endpoints:
        def port(name: str, default: int) -> int:
            return int(env.get(name) or default)

        return cls(
            ingest_proxy=f"http://127.0.0.1:{port('INGEST_PROXY_PORT', 18100)}",
            case_service=f"http://127.0.0.1:{port('CASE_SERVICE_PORT', 18300)}",
            web=f"http://127.0.0.1:{port('WEB_HTTP_PORT', 18500)}",
            kafka=env.get("KAFKA_BOOTSTRAP_SERVERS") or f"127.0.0.1:{port('KAFKA_PORT', 19092)}",
            smtp_port=port("INGEST_MAIL_SMTP_PORT", 18026),
            squid_demo_port=port("SQUID_DEMO_PORT", 18129),
            slapd_port=port("SLAPD_PORT", 18389),
        )


class PeerError(RuntimeError):
    pass


def peer_script(name: str, *args: str, timeout_s: float = 900) -> str:
    """Run scripts/peers/NAME.sh ARGS...; its stdout, or PeerError with the end of its stderr."""
    result = subprocess.run(  # noqa: S603 (our own script)
        [str(PEERS / f"{name}.sh"), *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout_s
    )
    if result.returncode != 0:
        raise PeerError(f"scripts/peers/{name}.sh {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# ---- Squid ---------------------------------------------------------------------------------------


def start_demo_squid(start: datetime, speed: float, site_port: int) -> None:
    stamp = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    peer_script("squid", "start-demo", stamp, f"{speed:g}", str(site_port))


def squid_demo_log() -> Path:
    return LOCAL / "squid-demo" / "access.log"


# ---- slapd and the directory sync ----------------------------------------------------------------

SLAPD_BASE = "dc=trust,dc=example"
SLAPD_ROOTDN = f"cn=admin,{SLAPD_BASE}"
SLAPD_ROOTPW = "invigilator"  # development only, as in scripts/peers/slapd.sh


def ldif_dns(ldif: str) -> list[str]:
    """The `dn:` of every entry of an LDIF text, in order (unfolded; no base64 DNs expected)."""
    unfolded = ldif.replace("\r\n", "\n").replace("\n ", "")
    return [line[3:].strip() for line in unfolded.split("\n") if line.lower().startswith("dn:")]


def load_directory(ldif: str, port: int, timeout_s: float = 120) -> int:
    """Replace the directory's content with `ldif` (everything, the suffix entry included, is
    deleted first, so the sync sees exactly the demo trust and its password policy); the number of
    entries loaded."""
    peer_script("slapd", "start")
    server = Server("127.0.0.1", port=port, connect_timeout=5)
    connection = Connection(
        server, user=SLAPD_ROOTDN, password=SLAPD_ROOTPW, auto_bind=True, receive_timeout=30
    )
    try:
        connection.search(SLAPD_BASE, "(objectClass=*)", SUBTREE, attributes=[])
        old = [entry.entry_dn for entry in connection.entries]
        for dn in sorted(old, key=len, reverse=True):
            connection.delete(dn)
    finally:
        connection.unbind()
    with tempfile.NamedTemporaryFile("w", suffix=".ldif", delete=False) as handle:
        handle.write(ldif)
        path = handle.name
    try:
        # -c: report every refused entry, not only the first.
        result = subprocess.run(  # noqa: S603 (fixed arguments)
            [
                shutil.which("ldapadd") or "/usr/bin/ldapadd",  # ldap-utils, installed by slapd.sh
                "-c",
                "-x",
                "-H",
                f"ldap://127.0.0.1:{port}",
                "-D",
                SLAPD_ROOTDN,
                "-w",
                SLAPD_ROOTPW,
                "-f",
                path,
            ],
            capture_output=True,
            text=True,
            timeout=timeout_s,
        )
    finally:
        os.unlink(path)
    errors = [
        line for line in result.stderr.splitlines() if "ldap_add:" in line and "Already exists" not in line
    ]
    if errors:
        raise PeerError(f"ldapadd refused entries: {errors[:5]}\n{result.stderr[-2000:]}")
    return len(ldif_dns(ldif))


def directory_sync(
    schools: Sequence[School], port: int, env: Mapping[str, str], observed_at: datetime
) -> dict[str, Any]:
    """`ingest-directory-sync --json --as-of OBSERVED_AT` against slapd for the demo's OUs: snapshots
    to Kafka, stamped early on the demo day as the nightly sync before that day would stamp them,
    so password ages and leavers are judged as of the demo day."""
    sync_env = {
        **env,
        "INGEST_DIRECTORY_ENVIRONMENT": "dev",
        "INGEST_DIRECTORY_LDAP_URL": f"ldap://127.0.0.1:{port}",
        "INGEST_DIRECTORY_LDAP_BIND_DN": SLAPD_ROOTDN,
        "INGEST_DIRECTORY_LDAP_PASSWORD": SLAPD_ROOTPW,
        "INGEST_DIRECTORY_LDAP_BASE_DN": SLAPD_BASE,
        "INGEST_DIRECTORY_LDAP_START_TLS": "false",
        "INGEST_DIRECTORY_OU_TO_SCHOOL": json.dumps({s.ou: s.id for s in schools}),
        "TRACING_EXPORTER": "none",
    }
    result = subprocess.run(  # noqa: S603 (the workspace's own command)
        [
            str(ROOT / ".venv" / "bin" / "ingest-directory-sync"),
            "--json",
            *("--as-of", observed_at.astimezone(UTC).isoformat()),
        ],
        cwd=ROOT,
        env=sync_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise PeerError(f"ingest-directory-sync failed ({result.returncode}):\n{result.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


# ---- SMTP ----------------------------------------------------------------------------------------


def journal_mailbox(school: str) -> str:
    """ingest-mail's dev journal mailbox of a school (INGEST_MAIL_SMTP_JOURNAL_RECIPIENTS)."""
    return f"journal@{school}.invigilator.local"


class SmtpJournal:
    """One SMTP session to ingest-mail's receiver, reopened when it drops. The envelope recipient is
    the school's journal mailbox; the message's own headers name its real recipients."""

    def __init__(self, host: str, port: int) -> None:
        self._host, self._port = host, port
        self._smtp: smtplib.SMTP | None = None

    def send(self, sender: str, school: str, raw: bytes, attempts: int = 4) -> None:
        for attempt in range(attempts):
            try:
                if self._smtp is None:
                    self._smtp = smtplib.SMTP(self._host, self._port, timeout=30)
                    self._smtp.ehlo("demo-mta.invigilator.local")
                self._smtp.sendmail(sender, [journal_mailbox(school)], raw)
                return
            except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException, OSError):
                self.close()
                if attempt == attempts - 1:
                    raise
                time.sleep(0.5 * 2**attempt)

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


# ---- kcat ----------------------------------------------------------------------------------------

WINLOGBEAT_TOPIC = "raw.winlogbeat.v1"


def ensure_kcat() -> str:
    lines = peer_script("kcat", "ensure").strip().splitlines()
    return lines[-1].strip() if lines else "kcat"


def record_key(doc: dict[str, Any]) -> str:
    """The record key of a document: its school, as Winlogbeat's `output.kafka.key:
    '%{[fields.school]}'` sets it, so a school's events stay in time order on one partition (at
    ×600 a partition read half a second late would be five minutes late in event time)."""
    fields = doc.get("fields")
    school = fields.get("school") if isinstance(fields, dict) else None
    host = doc.get("host")
    name = host.get("name") if isinstance(host, dict) else None
    return str(school or name or "-").replace("\t", " ")


def kcat_produce(
    kcat: str, bootstrap: str, docs: Sequence[dict[str, Any]], topic: str = WINLOGBEAT_TOPIC
) -> None:
    """One chunk of Winlogbeat documents, one `key<TAB>JSON` line each, produced by kcat (which
    waits for every delivery and fails when one failed). JSON escapes tabs, so the first tab ends
    the key."""
    with tempfile.NamedTemporaryFile("w", suffix=".ndjson", delete=False) as handle:
        for doc in docs:
            handle.write(record_key(doc) + "\t" + json.dumps(doc, separators=(",", ":")) + "\n")
        path = handle.name
    try:
        result = subprocess.run(  # noqa: S603 (kcat.sh ensure's binary)
            [kcat, "-P", "-b", bootstrap, "-t", topic, "-K", "\t", "-l", path],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.unlink(path)
    if result.returncode != 0:
        raise PeerError(f"kcat failed ({result.returncode}): {result.stderr[-2000:]}")
