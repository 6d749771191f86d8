"""An `ldifde` export of the trust's directory, shaped like services/ingest-directory's sample.

The export opens with the domain object and a fine-grained password policy (each one event per
school), then holds staff and leaver accounts under each school's OU (one event each), computers,
groups and service accounts outside the schools (skipped by the parser, not rejected), base64
DNs for accented names and folded long lines. Malformed entries: a userAccountControl that is no
number, an entry without `dn:`, a value that claims base64 and is not.
"""

from __future__ import annotations

import base64
import random

from ingest_directory.snapshot import Layout
from tests.bench.corpus_base import Corpus, malformed_positions, person

LAYOUT = Layout(ou_to_school={"Elms Farm": "elms-farm", "OU=St Peter's,DC=trust,DC=local": "st-peters"})
SCHOOL_OUS = ("OU=Elms Farm,DC=trust,DC=local", "OU=St Peter's,DC=trust,DC=local")
PSO = "CN=Staff PSO,CN=Password Settings Container,CN=System,DC=trust,DC=local"
PREAMBLE = (
    '# Trust directory export: ldifde -f trust.ldif -d "DC=trust,DC=local"\nversion: 1\n\n'
    "dn: DC=trust,DC=local\nobjectClass: top\nobjectClass: domain\nobjectClass: domainDNS\n"
    "dc: trust\nminPwdLength: 7\npwdProperties: 1\n\n"
    f"dn: {PSO}\nobjectClass: top\nobjectClass: msDS-PasswordSettings\ncn: Staff PSO\n"
    "msDS-MinimumPasswordLength: 10\nmsDS-PasswordComplexityEnabled: TRUE\n"
    "msDS-PasswordSettingsPrecedence: 10\n"
)
# Entries in the preamble, and the events they give (each policy once per school).
PREAMBLE_ENTRIES = 2
PREAMBLE_EVENTS = 2 * len(set(LAYOUT.ou_to_school.values()))


def _fold(line: str, width: int = 76) -> str:
    """RFC 2849 folding, as ldifde writes long values: continuation lines start with one space."""
    parts = [line[:width]] + [line[i : i + width - 1] for i in range(width, len(line), width - 1)]
    return "\n ".join(parts)


def _staff(rng: random.Random, index: int) -> list[str]:
    who = person(rng)
    school = rng.choice(SCHOOL_OUS)
    leaver = rng.random() < 0.08
    container = f"OU=Leavers,OU=Staff,{school}" if leaver else f"OU=Staff,{school}"
    dn = f"CN={who.display} {index},{container}"
    head = f"dn:: {base64.b64encode(dn.encode()).decode()}" if rng.random() < 0.05 else f"dn: {dn}"
    return [
        head,
        "objectClass: top",
        "objectClass: person",
        "objectClass: organizationalPerson",
        "objectClass: user",
        f"cn: {who.display} {index}",
        f"displayName: {who.display}",
        f"mail: {who.mail}",
        f"sAMAccountName: {who.login}{index}",
        f"userAccountControl: {rng.choice((512, 512, 66048, 66080, 514))}",
        f"pwdLastSet: {rng.randrange(133_000_000_000_000_000, 134_100_000_000_000_000)}",
        _fold(f"msDS-ResultantPSO: {PSO}"),
        f"memberOf: CN=All Staff,OU=Groups,{school}",
        f"objectGUID:: {base64.b64encode(rng.randbytes(16)).decode()}",
    ]


def _skipped(rng: random.Random, index: int) -> list[str]:
    school = rng.choice(SCHOOL_OUS)
    kind = rng.randrange(3)
    if kind == 0:
        return [
            f"dn: CN=EF-STAFF-PC{index},OU=Computers,{school}",
            "objectClass: computer",
            "objectClass: user",
            f"sAMAccountName: EF-STAFF-PC{index}$",
            "userAccountControl: 4096",
        ]
    if kind == 1:
        return [f"dn: CN=Year {index % 7} Team,OU=Groups,{school}", "objectClass: group", f"cn: Year {index}"]
    return [
        f"dn: CN=svc-backup{index},CN=Users,DC=trust,DC=local",
        "objectClass: user",
        f"sAMAccountName: svc-backup{index}",
        "userAccountControl: 66048",
    ]


def _spoil(rng: random.Random, lines: list[str]) -> list[str]:
    kind = rng.randrange(3)
    if kind == 0:
        return [
            line if not line.startswith("userAccountControl") else "userAccountControl: lots"
            for line in lines
        ]
    if kind == 1:
        return lines[1:]  # no dn:
    return [*lines, "description:: not/base64!"]


def generate(records: int, rng: random.Random) -> Corpus:
    """`records` entries in all, the two policy entries of the preamble among them."""
    body = max(records - PREAMBLE_ENTRIES, 1)
    bad = malformed_positions(rng, body + PREAMBLE_ENTRIES, among=body)
    entries, events, skipped = [PREAMBLE], PREAMBLE_EVENTS, 0
    for index in range(body):
        if index in bad:
            entries.append("\n".join(_spoil(rng, _staff(rng, index))) + "\n")
        elif rng.random() < 0.15:
            entries.append("\n".join(_skipped(rng, index)) + "\n")
            skipped += 1
        else:
            entries.append("\n".join(_staff(rng, index)) + "\n")
            events += 1
    data = "\n".join(entries).encode()
    return Corpus("directory.ldif", (data,), body + PREAMBLE_ENTRIES, events, len(bad), skipped)
