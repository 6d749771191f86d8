"""LDIF exports: RFC 2849 details, the shared snapshot mapping and minimisation."""

from datetime import UTC, datetime
from pathlib import Path

from ingest_directory.ingest import parse_ldif
from ingest_directory.ldif import read_ldif
from ingest_directory.snapshot import Layout, filetime, school_of
from invigilator.events.v1 import events_pb2

SAMPLES = Path(__file__).parent / "samples"
LAYOUT = Layout(ou_to_school={"Elms Farm": "elms-farm", "OU=St Peter's,DC=trust,DC=local": "st-peters"})
EXPORTED = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _accounts() -> dict[str, events_pb2.Event]:
    batch = parse_ldif((SAMPLES / "directory.ldif").read_bytes(), LAYOUT, observed_at=EXPORTED)
    return {e.account: e for e in batch.events if e.directory.HasField("account_snapshot")}


def test_export_gives_accounts_policies_skips_and_one_reject() -> None:
    batch = parse_ldif((SAMPLES / "directory.ldif").read_bytes(), LAYOUT, observed_at=EXPORTED)
    assert sorted(_accounts()) == ["jsmith", "rduerr", "told"]
    policies = [e for e in batch.events if e.directory.HasField("password_policy")]
    assert len(policies) == 4  # domain + PSO, once per school
    assert batch.skipped == {
        "not a user account": 2,  # the OU and the computer
        "not under any school's OU": 1,  # svc-backup in CN=Users
    }
    assert [r.reason for r in batch.rejects] == [
        "CN=Broken,OU=Staff,OU=Elms Farm,DC=trust,DC=local: userAccountControl is not a number: 'lots'"
    ]
    assert batch.rejects[0].school_id == "elms-farm"


def test_folded_pso_dn_and_filetime() -> None:
    jane = _accounts()["jsmith"]
    snapshot = jane.directory.account_snapshot
    assert jane.school_id == "elms-farm"
    assert (snapshot.account, snapshot.user_account_control, snapshot.staff, snapshot.leaver) == (
        "jsmith",
        66080,
        True,
        False,
    )
    assert snapshot.user_account_control & 0x20  # PASSWD_NOTREQD
    assert snapshot.resultant_pso == "Staff PSO"
    assert snapshot.password_last_set.ToJsonString() == "2025-11-17T09:35:00Z"
    assert jane.directory.windows_event_id == 0
    assert jane.occurred_at.ToDatetime(UTC) == EXPORTED


def test_base64_dn_and_account_and_leavers_group() -> None:
    renee = _accounts()["rduerr"]
    assert renee.school_id == "st-peters"
    assert renee.directory.account_snapshot.leaver  # member of the Leavers group
    assert renee.directory.account_snapshot.staff
    assert not renee.directory.account_snapshot.HasField("password_last_set")  # pwdLastSet 0


def test_leavers_ou() -> None:
    tom = _accounts()["told"].directory.account_snapshot
    assert (tom.staff, tom.leaver, tom.user_account_control & 0x2) == (True, True, 0x2)


def test_policies() -> None:
    batch = parse_ldif((SAMPLES / "directory.ldif").read_bytes(), LAYOUT, observed_at=EXPORTED)
    by_name = {
        (e.school_id, e.directory.password_policy.name): e.directory.password_policy for e in batch.events
    }
    domain = by_name[("elms-farm", "domain")]
    assert (domain.min_length, domain.complexity_enabled, domain.fine_grained) == (7, True, False)
    pso = by_name[("st-peters", "Staff PSO")]
    assert (pso.min_length, pso.complexity_enabled, pso.fine_grained) == (10, True, True)


def test_display_names_and_mail_are_not_kept() -> None:
    batch = parse_ldif((SAMPLES / "directory.ldif").read_bytes(), LAYOUT, observed_at=EXPORTED)
    output = b"".join(event.SerializeToString() for event in batch.events)
    for kept_out in ("Jane Smith", "Renée", "Dürr", "jane.smith@elmsfarm.example", "Tom Old"):
        assert kept_out.encode() not in output, kept_out


def test_snapshot_ids_are_stable() -> None:
    data = (SAMPLES / "directory.ldif").read_bytes()
    first = [e.event_id for e in parse_ldif(data, LAYOUT, observed_at=EXPORTED).events]
    again = [
        e.event_id for e in parse_ldif(data.replace(b"\n", b"\r\n"), LAYOUT, observed_at=EXPORTED).events
    ]
    assert first == again
    assert len(set(first)) == len(first)


def test_rfc2849_records_refused_with_line_numbers() -> None:
    data = (
        b"dn: CN=a,DC=x\nsAMAccountName: a\n\n"
        b"dn: CN=b,DC=x\nchangetype: modify\nreplace: cn\n\n"
        b"cn: no dn\n\n"
        b"dn: CN=c,DC=x\njpegPhoto:< file:///etc/passwd\n\n"
        b"dn: CN=d,DC=x\ncn:: !!!notbase64\n"
    )
    entries, failures = read_ldif(data)
    assert [entry.dn for entry in entries] == ["CN=a,DC=x"]
    assert [(f.line, f.reason) for f in failures] == [
        (4, "change record (modify) is not a directory export"),
        (8, "entry does not start with dn:"),
        (10, "jpegPhoto:< URL values are not read"),
        (13, "cn:: is not base64"),
    ]


def test_folded_comment_and_attribute_options() -> None:
    entries, failures = read_ldif(b"# a comment\n  folded into the comment\ndn: CN=a,DC=x\ncn;lang-en: A\n")
    assert not failures
    assert entries[0].attributes == {"cn": ["A"]}


def test_school_of_by_name_or_dn_suffix() -> None:
    assert school_of("CN=x,OU=Staff,OU=Elms Farm,DC=trust,DC=local", LAYOUT) == "elms-farm"
    assert school_of("CN=x,OU=Staff,OU=St Peter's,DC=trust,DC=local", LAYOUT) == "st-peters"
    assert school_of("CN=x,OU=Staff,OU=St Peter's,DC=other,DC=local", LAYOUT) == ""
    assert school_of("CN=Smith\\, Jo,OU=Elms Farm,DC=trust,DC=local", LAYOUT) == "elms-farm"


def test_filetime() -> None:
    assert filetime(0) is None
    assert filetime(116444736000000000) == datetime(1970, 1, 1, tzinfo=UTC)
