"""`ldap_sync.sync` against a real OpenLDAP server (Debian's slapd, scripts/peers/slapd.sh) that
carries Active Directory's own attributes (scripts/peers/ad-schema.schema), seeded like a trust."""

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from ldap3 import SCHEMA, SUBTREE, Connection, Server  # type: ignore[import-untyped]
from tests.peers import running_peer

from ingest_directory.ldap_sync import sync
from ingest_directory.snapshot import Layout

pytestmark = pytest.mark.integration

SLAPD_PORT = int(os.environ.get("SLAPD_PORT", "18389"))
BASE = "dc=trust,dc=example"
ROOTDN = f"cn=admin,{BASE}"
ROOTPW = "invigilator"  # development only, as in scripts/peers/slapd.sh
LAYOUT = Layout(ou_to_school={"Elms Farm": "elms-farm", "St Peter's": "st-peters"})
PSO = f"CN=Staff PSO,CN=Password Settings Container,CN=System,{BASE}"
USER_CLASSES = ["top", "person", "organizationalPerson", "user"]

# Parents before children. OpenLDAP's person requires sn (AD's does not), so accounts carry one.
SEED: list[tuple[str, dict[str, Any]]] = [
    (
        BASE,
        {"objectClass": ["top", "domain", "domainDNS"], "dc": "trust", "minPwdLength": 9, "pwdProperties": 0},
    ),
    (f"CN=System,{BASE}", {"objectClass": ["top", "container"], "cn": "System"}),
    (
        f"CN=Password Settings Container,CN=System,{BASE}",
        {"objectClass": ["top", "msDS-PasswordSettingsContainer"], "cn": "Password Settings Container"},
    ),
    (
        PSO,
        {
            "objectClass": ["top", "msDS-PasswordSettings"],
            "cn": "Staff PSO",
            "msDS-MinimumPasswordLength": 12,
            "msDS-PasswordComplexityEnabled": "TRUE",
        },
    ),
    (f"CN=Users,{BASE}", {"objectClass": ["top", "container"], "cn": "Users"}),
    *(
        (f"{ou}{BASE}", {"objectClass": ["top", "organizationalUnit"], "ou": ou.split(",")[0][3:]})
        for ou in (
            "OU=Elms Farm,",
            "OU=Staff,OU=Elms Farm,",
            "OU=Computers,OU=Elms Farm,",
            "OU=St Peter's,",
            "OU=Staff,OU=St Peter's,",
        )
    ),
    (
        f"CN=Jane Smith,OU=Staff,OU=Elms Farm,{BASE}",
        {
            "objectClass": USER_CLASSES,
            "cn": "Jane Smith",
            "sn": "Smith",
            "sAMAccountName": "JSmith",
            "userAccountControl": 512,  # NORMAL_ACCOUNT, enabled
            "pwdLastSet": "134078457000000000",
            "msDS-ResultantPSO": PSO,
        },
    ),
    (
        f"CN=Tom Old,OU=Staff,OU=St Peter's,{BASE}",
        {
            "objectClass": USER_CLASSES,
            "cn": "Tom Old",
            "sn": "Old",
            "sAMAccountName": "told",
            "userAccountControl": 514,  # NORMAL_ACCOUNT | ACCOUNTDISABLE
            "pwdLastSet": "0",
        },
    ),
    (
        f"CN=EF-PC07,OU=Computers,OU=Elms Farm,{BASE}",
        {
            "objectClass": [*USER_CLASSES, "computer"],
            "cn": "EF-PC07",
            "sn": "EF-PC07",
            "sAMAccountName": "EF-PC07$",
            "userAccountControl": 4096,  # WORKSTATION_TRUST_ACCOUNT
        },
    ),
    (
        f"CN=svc-backup,CN=Users,{BASE}",
        {
            "objectClass": USER_CLASSES,
            "cn": "svc-backup",
            "sn": "svc-backup",
            "sAMAccountName": "svc-backup",
            "userAccountControl": 66048,
        },
    ),
]


@pytest.fixture(scope="module")
def directory() -> Iterator[Connection]:
    """slapd running and seeded afresh (everything under the suffix is deleted first)."""
    with running_peer("slapd"):
        server = Server("127.0.0.1", port=SLAPD_PORT, get_info=SCHEMA, connect_timeout=5)
        connection = Connection(server, user=ROOTDN, password=ROOTPW, auto_bind=True, receive_timeout=10)
        try:
            connection.search(BASE, "(objectClass=*)", SUBTREE, attributes=[])
            for dn in sorted((entry.entry_dn for entry in connection.entries), key=len, reverse=True):
                assert connection.delete(dn), connection.result
            for dn, attributes in SEED:
                assert connection.add(dn, attributes=attributes), (dn, connection.result)
            yield connection
        finally:
            connection.unbind()


def test_sync_reads_the_seeded_trust_from_slapd(directory: Connection) -> None:
    observed = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    snapshot = sync(directory, BASE, LAYOUT, observed_at=observed)

    assert not snapshot.failures
    accounts = {e.account: e for e in snapshot.events if e.directory.HasField("account_snapshot")}
    assert sorted(accounts) == ["jsmith", "told"], "the computer account is not read"
    jane, tom = accounts["jsmith"], accounts["told"]
    assert (jane.school_id, tom.school_id) == ("elms-farm", "st-peters")
    jane_account, tom_account = jane.directory.account_snapshot, tom.directory.account_snapshot
    assert (jane_account.user_account_control & 0x2, tom_account.user_account_control & 0x2) == (0, 0x2)
    assert (jane_account.staff, jane_account.leaver, tom_account.staff, tom_account.leaver) == (
        True,
        False,
        True,
        False,
    )
    assert jane_account.resultant_pso == "Staff PSO"
    assert jane_account.password_last_set.ToJsonString() == "2025-11-17T09:35:00Z"
    assert not tom_account.HasField("password_last_set"), "pwdLastSet 0: must change at next logon"

    policies = {
        (e.school_id, e.directory.password_policy.name): e.directory.password_policy
        for e in snapshot.events
        if e.directory.HasField("password_policy")
    }
    assert sorted(policies) == [
        ("elms-farm", "Staff PSO"),
        ("elms-farm", "domain"),
        ("st-peters", "Staff PSO"),
        ("st-peters", "domain"),
    ]
    for school in ("elms-farm", "st-peters"):
        domain, pso = policies[(school, "domain")], policies[(school, "Staff PSO")]
        assert (domain.min_length, domain.complexity_enabled, domain.fine_grained) == (9, False, False)
        assert (pso.min_length, pso.complexity_enabled, pso.fine_grained) == (12, True, True)

    assert snapshot.skipped == {"not under any school's OU": 1}  # CN=svc-backup,CN=Users
    produced = b"".join(e.SerializeToString() for e in snapshot.events)
    assert b"Jane Smith" not in produced, "names are never read"
    assert b"Tom Old" not in produced, "names are never read"

    again = sync(directory, BASE, LAYOUT, observed_at=observed)
    assert [e.event_id for e in again.events] == [e.event_id for e in snapshot.events], (
        "same entries: same ids"
    )
