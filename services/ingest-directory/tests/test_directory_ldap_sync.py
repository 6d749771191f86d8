"""The live-LDAP path feeds the same mapping: ldap3's offline AD schema with the mock strategy."""

from datetime import UTC, datetime

from ldap3 import MOCK_SYNC, OFFLINE_AD_2012_R2, Connection, Server  # type: ignore[import-untyped]

from ingest_directory.ldap_sync import sync
from ingest_directory.snapshot import Layout

BASE = "DC=trust,DC=local"
LAYOUT = Layout(ou_to_school={"Elms Farm": "elms-farm", "St Peter's": "st-peters"})


def _connection() -> Connection:
    server = Server("trust-dc01", get_info=OFFLINE_AD_2012_R2)
    connection = Connection(server, user="CN=sync,DC=trust,DC=local", password="x", client_strategy=MOCK_SYNC)
    add = connection.strategy.add_entry
    add(BASE, {"objectClass": ["top", "domain", "domainDNS"], "minPwdLength": 8, "pwdProperties": 0})
    add(
        "CN=Staff PSO,CN=Password Settings Container,CN=System,DC=trust,DC=local",
        {
            "objectClass": ["top", "msDS-PasswordSettings"],
            "cn": "Staff PSO",
            "msDS-MinimumPasswordLength": 6,
            "msDS-PasswordComplexityEnabled": "FALSE",
        },
    )
    add(
        "CN=Jane Smith,OU=Staff,OU=Elms Farm,DC=trust,DC=local",
        {
            "objectClass": ["top", "person", "organizationalPerson", "user"],
            "cn": "Jane Smith",
            "displayName": "Jane Smith",
            "sAMAccountName": "JSmith",
            "userAccountControl": 544,
            "pwdLastSet": "134078457000000000",
            "msDS-ResultantPSO": "CN=Staff PSO,CN=Password Settings Container,CN=System,DC=trust,DC=local",
        },
    )
    add(
        "CN=Tom Old,OU=Leavers,OU=St Peter's,DC=trust,DC=local",
        {
            "objectClass": ["top", "user"],
            "sAMAccountName": "told",
            "userAccountControl": 514,
            "pwdLastSet": "0",
        },
    )
    add(
        "CN=EF-PC07,OU=Computers,OU=Elms Farm,DC=trust,DC=local",
        {
            "objectClass": ["top", "user", "computer"],
            "sAMAccountName": "EF-PC07$",
            "userAccountControl": 4096,
        },
    )
    add(
        "CN=sync,DC=trust,DC=local",
        {"objectClass": ["top", "user"], "userPassword": "x", "sAMAccountName": "sync"},
    )
    connection.bind()
    return connection


def test_mock_directory_maps_like_an_ldif_export() -> None:
    observed = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
    snapshot = sync(_connection(), BASE, LAYOUT, observed_at=observed)
    assert not snapshot.failures
    accounts = {e.account: e for e in snapshot.events if e.directory.HasField("account_snapshot")}
    assert sorted(accounts) == ["jsmith", "told"]  # computer filtered out by the search
    jane = accounts["jsmith"].directory.account_snapshot
    assert (jane.user_account_control & 0x20, jane.staff, jane.leaver, jane.resultant_pso) == (
        0x20,
        True,
        False,
        "Staff PSO",
    )
    assert jane.password_last_set.ToJsonString() == "2025-11-17T09:35:00Z"
    tom = accounts["told"]
    assert (tom.school_id, tom.directory.account_snapshot.staff, tom.directory.account_snapshot.leaver) == (
        "st-peters",
        False,
        True,
    )
    policies = {
        (e.school_id, e.directory.password_policy.name): e
        for e in snapshot.events
        if e.directory.HasField("password_policy")
    }
    assert sorted(policies) == [
        ("elms-farm", "Staff PSO"),
        ("elms-farm", "domain"),
        ("st-peters", "Staff PSO"),
        ("st-peters", "domain"),
    ]
    assert policies[("st-peters", "Staff PSO")].directory.password_policy.min_length == 6
    assert snapshot.skipped == {"not under any school's OU": 1}  # the sync account itself
    assert b"Jane Smith" not in b"".join(e.SerializeToString() for e in snapshot.events)
