"""Elms Farm's directory: the domain controller's Winlogbeat events and an LDIF export of its OU."""

from __future__ import annotations

from datetime import timedelta

from gen.common import Plant, Rendered, SampleFile, at
from gen.ef_windows import Windows
from gen.elms_farm import DNS, NETBIOS, SCHOOL, STAFF
from gen.windows import logon


def domain_controller() -> list[Rendered]:
    w = Windows("winlogbeat-dc.ecs.jsonl", "ef-dc", 9120000)
    dc = "EF-DC01"
    admin = {"SubjectUserName": "adm-itsupport", "SubjectDomainName": NETBIOS, "SubjectLogonId": "0x9c2e11"}

    def target(name: str, **more: str) -> dict[str, str]:
        return admin | {"TargetUserName": name, "TargetDomainName": NETBIOS} | more

    # Network logons of the morning (Kerberos, type 3: no interactive session).
    for n, user in enumerate(["jsmith", "mpatel", "kbrown", "tgreen", "ewood", "hsmith"]):
        moment = at("7:50") + timedelta(minutes=4 * n, seconds=13 * n)
        w.add(moment, 4624, dc, logon(user, NETBIOS, dc, f"0x{0x7A0000 + 977 * n:x}", 3))
    w.add(
        at("7:58:12"),
        4740,
        dc,
        {
            "TargetUserName": "fali",
            "TargetDomainName": "EF-CLASS-Y1",
            "SubjectUserName": "EF-DC01$",
            "SubjectDomainName": NETBIOS,
        },
    )
    w.add(at("8:03:02"), 4767, dc, target("fali") | {"SubjectUserName": "itsupport"})
    w.add(at("8:03:30"), 4724, dc, target("fali") | {"SubjectUserName": "itsupport"})
    w.add(
        at("8:15:40"),
        4720,
        dc,
        target(
            "nnew", SamAccountName="nnew", DisplayName="Nadia New", UserPrincipalName="nnew@elmsfarm.local"
        ),
    )
    w.add(at("8:15:41"), 4722, dc, target("nnew"))
    w.add(
        at("8:15:52"),
        4738,
        dc,
        target("nnew", UserAccountControl="-", PasswordLastSet="11/24/2026 8:15:52 AM"),
    )
    member = admin | {
        "MemberName": "CN=Nadia New,OU=Staff,OU=Elms Farm,DC=elmsfarm,DC=local",
        "MemberSid": "S-1-5-21-2211-4401-1131-1388",
        "TargetUserName": "EF Staff",
        "TargetDomainName": NETBIOS,
    }
    w.add(at("8:16:05"), 4728, dc, member)
    for n in range(3):
        w.add(
            at("9:00") + timedelta(minutes=41 * n),
            4769,
            dc,
            {
                "TargetUserName": f"{['jsmith', 'tgreen', 'ewood'][n]}@{DNS.upper()}",
                "ServiceName": "EF-FS01$",
                "Status": "0x0",
            },
        )
    w.add(
        at("16:10:22"),
        4725,
        dc,
        target("bevans"),
        Plant("LEAVER-HANDOVER", "bevans", "a leaver's account disabled: handover task"),
    )
    policy = admin | {
        "DomainPolicyChanged": "Password Policy",
        "DomainName": NETBIOS,
        "DomainSid": "S-1-5-21-2211-4401-1131",
        "MinPasswordAge": "-",
        "MaxPasswordAge": "-",
        "ForceLogoff": "-",
        "LockoutThreshold": "-",
        "LockoutObservationWindow": "-",
        "LockoutDuration": "-",
        "PasswordProperties": "0",
        "MinPasswordLength": "6",
        "PasswordHistoryLength": "-",
        "MachineAccountQuota": "-",
        "MixedDomainMode": "-",
        "DomainBehaviorVersion": "-",
        "OemInformation": "-",
    }
    w.add(
        at("16:42:09"),
        4739,
        dc,
        policy,
        Plant("PWD-POLICY", "", "domain policy set to 6 characters, complexity off"),
    )
    return [w.file.render()]


LDIF_HEADER = [
    '# ldifde -f staff-ou.ldif -d "OU=Elms Farm,DC=elmsfarm,DC=local" -p subtree',
    '#   -l "objectClass,cn,sAMAccountName,userAccountControl,pwdLastSet,memberOf,msDS-ResultantPSO"',
    "# exported 24/11/2026 06:00",
    "version: 1",
]


def ldif() -> list[Rendered]:
    file = SampleFile(SCHOOL, "staff-ou.ldif", header=LDIF_HEADER, keep_order=True)
    base = "OU=Elms Farm,DC=elmsfarm,DC=local"
    moment = at("6:00")

    def entry(lines: list[str], *plants: Plant) -> None:
        file.add(moment, ["", *lines], *plants, ref_offset=1)

    entry([f"dn: {base}", "objectClass: top", "objectClass: organizationalUnit", "ou: Elms Farm"])
    for ou in ("Staff", "Leavers", "Computers", "Groups"):
        entry([f"dn: OU={ou},{base}", "objectClass: top", "objectClass: organizationalUnit", f"ou: {ou}"])
    entry([f"dn: CN=EF Staff,OU=Groups,{base}", "objectClass: top", "objectClass: group", "cn: EF Staff"])
    filetime = 134080416000000000  # 2025-11-27
    for n, (user, (name, _, _)) in enumerate(STAFF.items()):
        uac = 66048 if user in ("itsupport", "oharris") else 512
        plants: tuple[Plant, ...] = ()
        if user == "pnewman":
            uac = 544
            plants = (Plant("PWD-NOT-REQUIRED", "pnewman", "PASSWD_NOTREQD (0x20) on a staff account"),)
        entry(
            [
                f"dn: CN={name},OU=Staff,{base}",
                "objectClass: top",
                "objectClass: person",
                "objectClass: organizationalPerson",
                "objectClass: user",
                f"cn: {name}",
                f"sAMAccountName: {user}",
                f"userAccountControl: {uac}",
                f"pwdLastSet: {filetime + 8640000000000 * n}",
                f"memberOf: CN=EF Staff,OU=Groups,{base}",
            ],
            *plants,
        )
    # Nadia New is created during the day: not in the morning's export. Beth Evans left in October.
    entry(
        [
            f"dn: CN=Beth Evans,OU=Staff,{base}",
            "objectClass: user",
            "cn: Beth Evans",
            "sAMAccountName: bevans",
            "userAccountControl: 512",
            "pwdLastSet: 134010432000000000",
        ]
    )
    entry(
        [
            f"dn: CN=Mark Foster,OU=Leavers,{base}",
            "objectClass: user",
            "cn: Mark Foster",
            "sAMAccountName: mfoster",
            "userAccountControl: 514",
            "pwdLastSet: 133950000000000000",
        ],
        Plant("LEAVER-HANDOVER", "mfoster", "account under OU=Leavers: handover task"),
    )
    for host in ("EF-CLASS-Y6", "EF-STAFF-PC03", "EF-FS01"):
        entry(
            [
                f"dn: CN={host},OU=Computers,{base}",
                "objectClass: computer",
                "objectClass: user",
                f"sAMAccountName: {host}$",
                "userAccountControl: 4096",
            ]
        )
    # An awkward record: a base64 value damaged in transit.
    entry(
        [
            f"dn: CN=Supply Teacher,OU=Staff,{base}",
            "objectClass: user",
            "sAMAccountName: supply1",
            "description:: U3VwcGx5IHRlYWNoZXIg*broken*",
        ]
    )
    return [file.render()]
