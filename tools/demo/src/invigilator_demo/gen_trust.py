"""The demo trust: its four schools, what their policy data says that the generator must respect,
the school day's clock, and a seeded staff list.

The per-school facts here mirror policies-rego/data/schools/<id>/data.json (tools/demo/tests check
them against it): which mail platform is the school's own, which software, devices and data
processors are approved, who may broadcast, and whether a logon after malware is a staff breach.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from invigilator_demo.plan import Planted, Record, School, Source, Staff

LONDON = ZoneInfo("Europe/London")
# The trust's one Windows domain (NetBIOS and DNS names) that every school's PCs join.
NETBIOS = "TRUST"
DNS_DOMAIN = "trust.example"
TAG_PATTERN = re.compile(r"^[a-z0-9]{0,8}$")
MAX_ACCOUNT = 20  # sAMAccountName's limit


@dataclass(frozen=True)
class Policy:
    """What the generator must know of a school's policy data to keep clean staff clean."""

    prefix: str  # host names: EF-PC014
    base_staff: int  # staff at scale 1
    platform: str  # m365 | google
    approved_software: tuple[str, ...]
    approved_processors: tuple[str, ...]
    all_staff_list: str
    broadcaster: str  # a role mailbox allowed to broadcast
    approved_stick: bool  # the school-issued USB stick (VID 0781 / PID 5581) is approved
    relogon_breach: bool  # a logon after malware before IT cleared the PC is a staff breach


SCHOOLS: tuple[School, ...] = (
    School("elms-farm", "Elms Farm Primary", "Elms Farm", "elmsfarm.example.sch.uk", "127.31"),
    School("st-peters", "St Peter's", "St Peter's", "stpeters.example.sch.uk", "127.32"),
    School("oak-hill", "Oak Hill Primary", "Oak Hill", "oakhill.example.sch.uk", "127.33"),
    School("riverside", "Riverside Academy", "Riverside", "riverside.example.sch.uk", "127.34"),
)

_EF_SOFTWARE = ("Microsoft Office", "Google Chrome", "Mozilla Firefox", "SMART Notebook", "Zoom Workplace")
_SP_SOFTWARE = ("Microsoft Office", "Google Chrome", "Google Drive for desktop")
_EF_PROCESSORS = ("arbor-education.com", "cpoms.co.uk", "scomis.org", "educationcity.com")
_SP_PROCESSORS = ("arbor-education.com", "cpoms.co.uk", "hi-impact.co.uk")

POLICIES: dict[str, Policy] = {
    "elms-farm": Policy("EF", 62, "m365", _EF_SOFTWARE, _EF_PROCESSORS, "allstaff", "office", True, False),
    "st-peters": Policy("SP", 84, "google", _SP_SOFTWARE, _SP_PROCESSORS, "staff", "office", False, True),
    "oak-hill": Policy("OH", 44, "m365", _EF_SOFTWARE, _EF_PROCESSORS, "allstaff", "office", True, False),
    "riverside": Policy("RA", 71, "google", _SP_SOFTWARE, _SP_PROCESSORS, "staff", "office", False, True),
}


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _names(
    "Aisha Alice Amelia Amir Anna Ben Bethany Callum Charlotte Chloe Daniel David Eleanor Elif Emily "
    "Emma Fatima Finn George Grace Hannah Harry Imran Isla Jack Jacob James Jasmine Joe Kate Katie "
    "Laura Leah Liam Lily Lucy Maria Mark Matthew Megan Mohammed Molly Nadia Naomi Nathan Neil Olivia "
    "Omar Owen Paul Peter Priya Rachel Rebecca Rhys Rosie Ruth Ryan Sam Sara Simon Sophie Tariq Thomas "
    "Tom Victoria Will Yasmin Zara Zoe"
)
SURNAMES = _names(
    "Ahmed Ali Allen Bailey Baker Barnes Bell Bennett Brooks Brown Butler Campbell Carter Chapman "
    "Clarke Collins Cook Cooper Cox Davies Dixon Edwards Ellis Evans Fisher Foster Gray Green Griffiths "
    "Hall Harris Harrison Hill Hughes Hussain Jackson James Jenkins Johnson Jones Kaur Kelly Khan King "
    "Knight Lee Lewis Lloyd Marshall Martin Mason Mills Mitchell Moore Morgan Morris Murphy Owen "
    "Palmer Parker Patel Phillips Powell Price Reid Richards Roberts Robinson Rogers Russell Shaw Singh "
    "Smith Stevens Taylor Thomas Thompson Turner Walker Ward Watson White Williams Wilson Wood Wright "
    "Young"
)


class Clock:
    """Local (London) times of the school day as UTC datetimes; BST is respected."""

    def __init__(self, day: date) -> None:
        self.day = day

    def at(self, hour: int, minute: int = 0, second: float = 0.0) -> datetime:
        local = datetime.combine(self.day, time(0, 0), tzinfo=LONDON) + timedelta(
            hours=hour, minutes=minute, seconds=second
        )
        return local.astimezone(UTC)

    def minutes(self, start: tuple[int, int], end: tuple[int, int]) -> int:
        return (end[0] - start[0]) * 60 + end[1] - start[1]

    def between(self, r: random.Random, start: tuple[int, int], end: tuple[int, int]) -> datetime:
        """A random moment (to the millisecond) in [start, end) local time."""
        span = self.minutes(start, end) * 60_000
        return self.at(*start) + timedelta(milliseconds=r.randrange(span))


def tagged(name: str, tag: str) -> str:
    return f"{name}-{tag}" if tag else name


def staff_count(school_id: str, scale: float, minimum: int) -> int:
    return max(minimum, round(POLICIES[school_id].base_staff * scale))


def make_staff(school: School, count: int, r: random.Random, tag: str, taken: set[str]) -> list[Staff]:
    """`count` people with unique logon names across the trust (`taken` is updated)."""
    policy = POLICIES[school.id]
    people: list[Staff] = []
    a, b = school.subnet.split(".")
    while len(people) < count:
        first, last = r.choice(FIRST_NAMES), r.choice(SURNAMES)
        if f"{first} {last}" in taken:  # one CN per person in the directory
            continue
        taken.add(f"{first} {last}")
        base = (first[0] + last).lower()
        n = 1
        account_base = base
        while account_base in taken:
            n += 1
            account_base = f"{base}{n}"
        taken.add(account_base)
        limit = MAX_ACCOUNT - (len(tag) + 1 if tag else 0)
        account = tagged(account_base[:limit], tag)
        local_part = f"{first.lower()}.{last.lower()}" + (str(n) if n > 1 else "")
        index = len(people) + 1
        people.append(
            Staff(
                school=school.id,
                account=account,
                display_name=f"{first} {last}",
                mail=f"{tagged(local_part, tag)}@{school.mail_domain}",
                workstation=f"{policy.prefix}-PC{index:03d}",
                client_ip=f"{a}.{b}.{index // 250}.{index % 250 + 1}",
            )
        )
    return people


def role_mailbox(school: School, role: str) -> str:
    """A role mailbox (office@, head@, the all-staff list): never tagged, since the policy data
    names them (broadcast senders, delegations, all-staff lists)."""
    return f"{role}@{school.mail_domain}"


@dataclass
class Out:
    """What a generator adds to the plan: records, and one `Planted` per finding they will cause."""

    records: list[Record] = field(default_factory=list)
    planted: list[Planted] = field(default_factory=list)

    def add(self, *records: Record) -> None:
        self.records.extend(records)

    def plant(self, school: str, clause: str, account: str, source: Source, what: str) -> None:
        self.planted.append(Planted(school, clause, account, source, what))
