"""The demo trust's school day: `plan_day` generates it (staff, records per source, the planted
breaches as ground truth), `staff_ldif` renders its directory, `write_files` writes it as the files
schools produce (Squid native log, .eml, Winlogbeat JSON lines, LDIF) for the driver and for
`invigilator check`.

Everyone does clean work all day (with near misses: a little lunchtime news, screensavers locked or
dismissed inside the grace, approved software, devices and data processors, a Private message, the
office's all-staff notice); about 9% of each school's staff (at least six people) also commit the
planted breaches, spread across the four sources. Every school gets the same core set (six web
categories and one rotating extra, a file-host upload, excessive non-work browsing, four mail
clauses and two rotating extras, an inbound executable, six endpoint clauses, PASSWD_NOTREQD and a
leaver) and one school (chosen by the seed) the NET-CHILD-HARM safeguarding case. Per-school policy
is respected: software approved at one school is planted as unauthorised at the other kind, and the
logon after malware is a breach only where the school says so (St Peter's, Riverside).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from invigilator_demo.gen_endpoint import Endpoints
from invigilator_demo.gen_mail import MAIL_CLAUSES, MAIL_EXTRAS, Mailer
from invigilator_demo.gen_trust import (
    POLICIES,
    SCHOOLS,
    TAG_PATTERN,
    Clock,
    Out,
    make_staff,
    staff_count,
)
from invigilator_demo.gen_web import clean_browsing, excessive, forum_post, lunch_nonwork, upload, visit
from invigilator_demo.plan import DayPlan, EndpointEvent, MailMessage, Planted, School, Staff, WebRequest

MIN_STAFF = 20  # per school, whatever the scale: room for the breachers and clean colleagues
WEB_PER_STAFF = 60  # requests per member of staff at scale 1
MAIL_PER_STAFF = 5
CORE_WEB = ("NET-SOCIAL", "NET-GAMBLING", "NET-STREAMING", "NET-ADULT", "NET-MALICIOUS", "NET-COPYRIGHT")
EXTRA_WEB = ("NET-CHAT", "NET-IM", "NET-WEBMAIL", "NET-HATE", "NET-FORUM-POSTING")
BASE_DN = "DC=trust,DC=example"
# Windows FILETIME of 1970-01-01 (100 ns ticks since 1601).
FILETIME_UNIX = 116444736000000000
NORMAL_ACCOUNT, ACCOUNT_DISABLED, PASSWD_NOTREQD = 512, 2, 32

Task = Callable[[Staff], object]


def plan_day(scale: float = 1.0, seed: int = 1, day: date = date(2026, 11, 24), tag: str = "") -> DayPlan:
    """One school day of the trust. Deterministic for (scale, seed, day, tag); the tag changes names
    (accounts and mail local parts) and ids only, never what happens."""
    if not TAG_PATTERN.match(tag):
        raise ValueError(f"tag must be up to 8 lower-case letters or digits, not {tag!r}")
    if scale <= 0:
        raise ValueError("scale must be positive")
    if day.isoweekday() > 5:  # working hours are Monday to Friday: the planted day would not be one
        raise ValueError(f"{day} is a {day:%A}: a school day is Monday to Friday")
    clock = Clock(day)
    taken: set[str] = set()
    out = Out()
    staff: list[Staff] = []
    clean: dict[str, set[str]] = {}
    child_harm_school = SCHOOLS[seed % len(SCHOOLS)].id
    for index, school in enumerate(SCHOOLS):
        r = random.Random(f"invigilator-demo/{seed}/{school.id}")  # noqa: S311 (demo data)
        people = make_staff(school, staff_count(school.id, scale, MIN_STAFF), r, tag, taken)
        leaver = replace(make_staff(school, 1, r, tag, taken)[0], disabled=True)
        out.plant(
            school.id, "LEAVER-HANDOVER", leaver.account, "directory", "account under OU=Leavers: handover"
        )
        breachers = _school_day(
            out, r, clock, school, people, tag, index, school.id == child_harm_school, scale
        )
        staff += [*people, leaver]
        clean[school.id] = {p.account for p in people if p.account not in breachers}
    records = sorted(out.records, key=lambda record: record.at)
    midnight = datetime.combine(day, time(0, 0), tzinfo=UTC)
    return DayPlan(midnight, list(SCHOOLS), staff, records, out.planted, clean)


def _school_day(
    out: Out,
    r: random.Random,
    clock: Clock,
    school: School,
    people: list[Staff],
    tag: str,
    index: int,
    child_harm: bool,
    scale: float,
) -> set[str]:
    """The school's clean day for everyone and its planted breaches; returns the breachers' accounts."""
    mailer = Mailer(out, r, clock, school, people, tag)
    endpoints = Endpoints(out, r, clock, school, tag)
    count = max(6, round(0.09 * len(people)))
    breachers = r.sample(people, count)
    unlocked, malware = breachers[0], breachers[1]
    pwd_not_required = breachers[2]

    # Clean work: browsing, mail, a working day on the PC (with a device or an install for some).
    base = POLICIES[school.id].base_staff
    web_total = round(WEB_PER_STAFF * base * scale)
    for n, person in enumerate(people):
        clean_browsing(
            out, r, clock, school, person, web_total // len(people) + (n < web_total % len(people))
        )
        if r.random() < 0.4:
            lunch_nonwork(out, r, clock, person, r.randint(3, 15))
        endpoints.day(person, unlocked=person is unlocked, malware=person is malware, extras=r.randint(1, 3))
    for person in r.sample(people, max(1, round(0.15 * len(people)))):
        endpoints.clean_device(person)
    for person in r.sample(people, max(1, round(0.08 * len(people)))):
        endpoints.clean_install(person)
    for _ in range(round(MAIL_PER_STAFF * base * scale)):
        mailer.clean(r.choice(people))
    for _ in range(1 + (scale >= 0.5)):
        mailer.broadcast()

    # The planted breaches, each given to one of the breachers (every breacher gets at least one).
    tasks: list[Task] = [lambda p, c=clause: visit(out, r, clock, p, c) for clause in CORE_WEB]  # type: ignore[misc]
    extra_web = EXTRA_WEB[index % len(EXTRA_WEB)]
    if extra_web == "NET-FORUM-POSTING":
        tasks.append(lambda p: forum_post(out, r, clock, p))
    else:
        tasks.append(lambda p, c=extra_web: visit(out, r, clock, p, c))  # type: ignore[misc]
    if child_harm:
        tasks.append(lambda p: visit(out, r, clock, p, "NET-CHILD-HARM", requests=1))
    tasks.append(lambda p: upload(out, r, clock, p))
    tasks.append(lambda p: excessive(out, r, clock, p, school))
    for clause, action in MAIL_CLAUSES.items():
        if clause != "MAIL-EXECUTABLE":
            tasks.append(lambda p, a=action: a(mailer, p))  # type: ignore[misc]
    extras = list(MAIL_EXTRAS.values())
    for action in (extras[index % len(extras)], extras[(index + 1) % len(extras)]):
        tasks.append(lambda p, a=action: a(mailer, p))  # type: ignore[misc]
    tasks.append(endpoints.unauthorised_install)
    tasks.append(endpoints.unapproved_device)
    tasks.append(endpoints.share_denials)
    tasks.append(lambda p: endpoints.explicit_credentials(p, r.choice([o for o in people if o is not p])))
    r.shuffle(tasks)
    for n, task in enumerate(tasks):
        task(breachers[n + 3] if n + 3 < len(breachers) else r.choice(breachers))
    MAIL_CLAUSES["MAIL-EXECUTABLE"](mailer, r.choice(people))  # received: nobody's conduct
    out.plant(school.id, "PWD-NOT-REQUIRED", pwd_not_required.account, "directory", "PASSWD_NOTREQD (0x20)")
    return {p.account for p in breachers}


def _filetime(moment: datetime) -> int:
    return FILETIME_UNIX + int(moment.timestamp()) * 10_000_000


def staff_ldif(plan: DayPlan, *, base_dn: str = BASE_DN, include_base: bool = True) -> str:
    """The trust's directory as an LDIF that slapd (with scripts/peers/ad-schema.schema) loads and
    ingest-directory's LDAP sync and LDIF reader map: per school OU=<name> with OU=Staff and
    OU=Leavers; parents before children. `include_base` adds the domain object (dc=trust) with a
    compliant password policy (12 characters, complexity on): leave it out when the directory
    already has it. Entries repeat across runs only for the OUs (their DNs carry no tag)."""
    flags = _planted_flags(plan)
    out = ["version: 1", ""]
    if include_base:
        dc = base_dn.split(",")[0].split("=")[1]
        out += [f"dn: {base_dn}", "objectClass: top", "objectClass: domain", "objectClass: domainDNS"]
        out += [f"dc: {dc}", "minPwdLength: 12", "pwdProperties: 1", ""]
    for school in plan.schools:
        school_dn = f"OU={school.ou},{base_dn}"
        for dn, name in (
            (school_dn, school.ou),
            (f"OU=Staff,{school_dn}", "Staff"),
            (f"OU=Leavers,{school_dn}", "Leavers"),
        ):
            out += [f"dn: {dn}", "objectClass: top", "objectClass: organizationalUnit", f"ou: {name}", ""]
        for n, person in enumerate(p for p in plan.staff if p.school == school.id):
            container = "Leavers" if person.disabled else "Staff"
            uac = NORMAL_ACCOUNT | (ACCOUNT_DISABLED if person.disabled else 0) | flags.get(person.account, 0)
            suffix = person.account.rpartition("-")[2] if "-" in person.account else ""
            cn = f"{person.display_name} {suffix}".strip()
            surname = person.display_name.split()[-1]
            set_at = plan.day - timedelta(days=20 + 7 * n)
            out += [
                f"dn: CN={cn},OU={container},{school_dn}",
                "objectClass: top",
                "objectClass: person",
                "objectClass: organizationalPerson",
                "objectClass: user",
                f"cn: {cn}",
                f"sn: {surname}",
                f"sAMAccountName: {person.account}",
                f"userAccountControl: {uac}",
                f"pwdLastSet: {_filetime(set_at)}",
                "",
            ]
    return "\n".join(out)


def domain_policy_modify(base_dn: str = BASE_DN) -> str:
    """An LDIF change record (for `ldapmodify`) that gives an existing domain object the compliant
    password policy `staff_ldif` writes. A directory whose suffix entry was kept from elsewhere (the
    slapd tests seed one with complexity off) would otherwise make PWD-POLICY fire in every school;
    `staff_ldif` itself holds only content records, as `invigilator check --format ldif` reads them."""
    lines = [f"dn: {base_dn}", "changetype: modify", "replace: minPwdLength", "minPwdLength: 12", "-"]
    return "\n".join([*lines, "replace: pwdProperties", "pwdProperties: 1", "-", ""])


def _planted_flags(plan: DayPlan) -> dict[str, int]:
    return {p.account: PASSWD_NOTREQD for p in plan.planted if p.clause == "PWD-NOT-REQUIRED"}


def squid_line(request: WebRequest) -> str:
    """Squid's native access.log line for a request, as `invigilator check --format squid` reads it
    (the upload's size stands in the bytes field, as a logformat with %st logs it)."""
    seed = sum(map(ord, request.url)) + int(request.at.timestamp())
    size = request.upload_bytes + 512 if request.upload_bytes else 2000 + seed % 90000
    elapsed = 20 + seed % 900
    return (
        f"{request.at.timestamp():.3f} {elapsed:>6} {request.client_ip} TCP_MISS/200 {size} "
        f"{request.method} {request.url} {request.account} FIRSTUP_PARENT/127.0.0.1 text/html"
    )


def write_files(plan: DayPlan, out_dir: Path) -> dict[str, dict[str, list[Path]]]:
    """Writes the day as files: per school `<id>/squid-access.log`, `<id>/winlogbeat.ecs.jsonl`,
    `<id>/mail/NNNNN.eml`, and the trust's `directory.ldif` (listed under every school: judge it
    with `--ou <the school's OU>`). Returns {school: {format: [paths]}}, formats as `invigilator
    check --format` names them (squid, ecs, eml, ldif)."""
    ldif = out_dir / "directory.ldif"
    out_dir.mkdir(parents=True, exist_ok=True)
    ldif.write_text(staff_ldif(plan), encoding="utf-8")
    written: dict[str, dict[str, list[Path]]] = {}
    for school in plan.schools:
        folder = out_dir / school.id
        (folder / "mail").mkdir(parents=True, exist_ok=True)
        records = [record for record in plan.records if record.school == school.id]
        squid = folder / "squid-access.log"
        squid.write_text("".join(squid_line(x) + "\n" for x in records if isinstance(x, WebRequest)))
        ecs = folder / "winlogbeat.ecs.jsonl"
        ecs.write_text(
            "".join(
                json.dumps(x.doc, separators=(",", ":")) + "\n"
                for x in records
                if isinstance(x, EndpointEvent)
            )
        )
        mails = []
        for n, message in enumerate(x for x in records if isinstance(x, MailMessage)):
            path = folder / "mail" / f"{n + 1:05d}.eml"
            path.write_bytes(message.raw)
            mails.append(path)
        written[school.id] = {"squid": [squid], "ecs": [ecs], "eml": mails, "ldif": [ldif]}
    return written


__all__ = [
    "DayPlan",
    "Planted",
    "domain_policy_modify",
    "plan_day",
    "squid_line",
    "staff_ldif",
    "write_files",
]
