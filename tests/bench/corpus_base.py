"""What every generated corpus shares: the result type, the trust's people and machines, the clock.

Everything is drawn from a `random.Random` the caller seeds, so one seed gives the same bytes on
every machine and Python run (no `hash()`, no wall clock, no set iteration order).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

# The school day the logs describe (a Monday in term time, GMT so UTC and local agree).
DAY_START = datetime(2026, 11, 23, 7, 30, tzinfo=UTC)
OWN_DOMAIN = "elmsfarm.sch.uk"
NETBIOS = "ELMSFARM"

FIRST_NAMES = (
    "jane",
    "john",
    "ana",
    "tom",
    "mohammed",
    "priya",
    "pat",
    "rashid",
    "sarah",
    "david",
    "emma",
    "oliver",
    "amelia",
    "george",
    "fatima",
    "li",
    "chloe",
    "daniel",
    "grace",
    "samuel",
)
LAST_NAMES = (
    "smith",
    "brown",
    "green",
    "patel",
    "khan",
    "white",
    "jones",
    "taylor",
    "wilson",
    "evans",
    "thomas",
    "roberts",
    "walker",
    "wright",
    "hughes",
    "edwards",
    "hall",
    "wood",
    "clarke",
    "ahmed",
)
EXTERNAL_DOMAINS = ("example.org", "example.com", "example.net", "parents.example.co.uk", "gmail.example")


@dataclass(frozen=True)
class Corpus:
    """A generated input in one format and what a correct parse of it gives."""

    # The source name the parser writes into events and rejects, e.g. "proxy.squid".
    format: str
    # What one parse call receives: one batch, or (RFC 5322 messages) one message per call.
    inputs: tuple[bytes, ...]
    # Records in the input: lines, rows, LDIF entries or messages (headers excluded).
    records: int
    # Events a correct parse gives (rows of one message merge into one event in the mail formats).
    events: int
    # Records refused: exactly the malformed ones the generator wrote.
    rejects: int
    # Records deliberately not turned into events (tracking-log rows other than RECEIVE, LDIF
    # entries that are not staff accounts), counted by the parser but neither event nor reject.
    skipped: int = 0

    @property
    def size(self) -> int:
        return sum(len(data) for data in self.inputs)


@dataclass(frozen=True)
class Person:
    first: str
    last: str

    @property
    def login(self) -> str:
        return f"{self.first[0]}{self.last}"

    @property
    def display(self) -> str:
        return f"{self.first.title()} {self.last.title()}"

    @property
    def mail(self) -> str:
        return f"{self.first}.{self.last}@{OWN_DOMAIN}"


STAFF = tuple(Person(first, last) for first in FIRST_NAMES for last in LAST_NAMES)


def malformed_positions(rng: random.Random, records: int, among: int | None = None) -> frozenset[int]:
    """Which records (0-based) are malformed: 1 % of `records`, at least one, spread at random over
    the first `among` (default: all of them; fewer when a fixed preamble must stay intact)."""
    if records < 1:
        raise ValueError("a corpus needs at least one record")
    candidates = records if among is None else among
    return frozenset(rng.sample(range(candidates), min(candidates, max(1, records // 100))))


def person(rng: random.Random) -> Person:
    return rng.choice(STAFF)


def workstation(rng: random.Random) -> str:
    """A staff or classroom PC name as AD knows it, e.g. EF-STAFF-PC07."""
    room = rng.choice(("STAFF", "STAFF", "CLASS", "OFFICE", "HALL"))
    return f"EF-{room}-PC{rng.randint(1, 40):02d}"


def client_ip(rng: random.Random) -> str:
    return f"10.20.{rng.randint(1, 6)}.{rng.randint(2, 250)}"


def external_address(rng: random.Random) -> str:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first}.{last}{rng.randint(1, 99)}@{rng.choice(EXTERNAL_DOMAINS)}"


class Clock:
    """Monotonic timestamps through the school day, a few seconds apart on average."""

    def __init__(self, rng: random.Random, start: datetime = DAY_START, mean_gap_s: float = 2.0) -> None:
        self._rng = rng
        self._now = start
        self._mean_gap_s = mean_gap_s

    def tick(self) -> datetime:
        gap = self._rng.expovariate(1 / self._mean_gap_s)
        self._now += timedelta(seconds=round(gap, 3))
        return self._now
