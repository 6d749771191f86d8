"""The demo trust's directory in a real OpenLDAP server, read back by ingest-directory's LDAP sync.

A private slapd (Debian's, with scripts/peers/ad-schema.schema) on a free loopback port in a
temporary folder, so the shared peer that the demo driver loads is never touched. The suffix entry
starts with a weak password policy, as the slapd tests leave it: `ldapadd -c` keeps it, and
`domain_policy_modify` makes it the compliant one `staff_ldif` describes.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from ldap3 import Connection, Server  # type: ignore[import-untyped]

from ingest_directory.ldap_sync import sync
from ingest_directory.snapshot import Layout
from invigilator_demo.day import domain_policy_modify, plan_day, staff_ldif

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=trust,dc=example"
ROOTDN = f"cn=admin,{SUFFIX}"
ROOTPW = "demo-test"  # a throwaway directory on loopback
WEAK_BASE = (
    f"dn: {SUFFIX}\nobjectClass: top\nobjectClass: domain\nobjectClass: domainDNS\ndc: trust\n"
    "minPwdLength: 9\npwdProperties: 0\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _ldap(tool: str, port: int, ldif: str, *options: str) -> subprocess.CompletedProcess[str]:
    command = [tool, *options, "-x", "-H", f"ldap://127.0.0.1:{port}", "-D", ROOTDN, "-w", ROOTPW]
    return subprocess.run(command, input=ldif, capture_output=True, text=True, timeout=60, check=False)


@pytest.fixture(scope="module")
def port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    if not Path(SLAPD).exists() or not shutil.which("ldapadd"):
        pytest.skip("slapd and ldap-utils are not installed (scripts/peers/slapd.sh installs them)")
    folder = tmp_path_factory.mktemp("slapd")
    (folder / "data").mkdir()
    config = folder / "slapd.conf"
    config.write_text(
        "include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n"
        f"include {ROOT / 'scripts/peers/ad-schema.schema'}\npidfile {folder / 'slapd.pid'}\n"
        "modulepath /usr/lib/ldap\nmoduleload back_mdb\ndatabase mdb\nmaxsize 104857600\n"
        f'suffix "{SUFFIX}"\nrootdn "{ROOTDN}"\nrootpw {ROOTPW}\ndirectory {folder / "data"}\n'
    )
    chosen = _free_port()
    subprocess.run([SLAPD, "-h", f"ldap://127.0.0.1:{chosen}/", "-f", str(config)], check=True, timeout=30)
    pid = int((folder / "slapd.pid").read_text())
    try:
        for _ in range(50):
            if _ldap("ldapwhoami", chosen, "").returncode == 0:
                break
            time.sleep(0.1)
        yield chosen
    finally:
        os.kill(pid, signal.SIGTERM)  # the slapd this fixture started


def test_the_trust_loads_into_slapd_and_the_sync_reads_it_back(port: int) -> None:
    plan = plan_day(scale=0.05, seed=5, tag="ldap1")
    assert _ldap("ldapadd", port, WEAK_BASE).returncode == 0
    added = _ldap("ldapadd", port, staff_ldif(plan), "-c")
    assert added.returncode == 68, added.stderr  # only the suffix already existed
    assert added.stderr.count("Already exists") == 1, added.stderr
    assert _ldap("ldapmodify", port, domain_policy_modify()).returncode == 0

    connection = Connection(Server("127.0.0.1", port=port), user=ROOTDN, password=ROOTPW, auto_bind=True)
    try:
        snapshot = sync(connection, SUFFIX, Layout({school.ou: school.id for school in plan.schools}))
    finally:
        connection.unbind()

    assert not snapshot.failures
    accounts = {
        (e.school_id, e.account, e.directory.account_snapshot.staff, e.directory.account_snapshot.leaver)
        for e in snapshot.events
        if e.directory.HasField("account_snapshot")
    }
    assert accounts == {(p.school, p.account, not p.disabled, p.disabled) for p in plan.staff}
    flagged = {
        e.account
        for e in snapshot.events
        if e.directory.HasField("account_snapshot")
        and e.directory.account_snapshot.user_account_control & 0x20
    }
    assert flagged == {p.account for p in plan.planted if p.clause == "PWD-NOT-REQUIRED"}
    policies = [
        e.directory.password_policy for e in snapshot.events if e.directory.HasField("password_policy")
    ]
    assert len(policies) == len(plan.schools)
    assert all((p.min_length, p.complexity_enabled) == (12, True) for p in policies)
