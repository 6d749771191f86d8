"""The contract between the demo's generator (`day.py`) and its driver (`replay.py`): a trust, its
staff, one school day of raw records per source in the formats schools produce, and the ground
truth of what was planted.

Every record carries the demo-clock time it happens at; the driver replays them in time order
through the real peers (Squid, SMTP, slapd, kcat) at an accelerated rate.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

Source = Literal["proxy", "mail", "endpoint", "directory"]


@dataclass(frozen=True)
class School:
    id: str  # the policy data's school id, e.g. "elms-farm"
    name: str
    ou: str  # the AD organisational unit that maps to the school (ingest-directory settings)
    mail_domain: str
    # Loopback prefix of the school's client addresses ("127.31"): its staff browse from
    # 127.31.x.y, which is how the trust's one Squid log is split per school by the shipper.
    subnet: str


@dataclass(frozen=True)
class Staff:
    school: str
    account: str  # sAMAccountName: what Squid's proxy auth and Windows logons name
    display_name: str
    mail: str
    workstation: str
    client_ip: str  # within the school's subnet
    disabled: bool = False  # a leaver whose account is disabled in the directory


@dataclass(frozen=True)
class WebRequest:
    """One browser request through the trust's Squid (proxy auth as `account`, from `client_ip`)."""

    at: datetime
    school: str
    account: str
    client_ip: str
    method: str  # GET, POST
    url: str  # http://host/path — the driver's local site answers every host
    upload_bytes: int = 0  # a POST body of this size (uploads to file hosts)


@dataclass(frozen=True)
class MailMessage:
    """One journaled message: RFC 5322 bytes (headers + a body that must never be stored)."""

    at: datetime
    school: str
    sender: str
    recipients: tuple[str, ...]
    raw: bytes


@dataclass(frozen=True)
class EndpointEvent:
    """One Winlogbeat ECS document as a Beats shipper writes it to Kafka; `doc["fields"]["school"]`
    names the school (the shipper's `fields:` setting)."""

    at: datetime
    school: str
    doc: dict[str, Any]


Record = WebRequest | MailMessage | EndpointEvent


@dataclass(frozen=True)
class Planted:
    """One breach the generator planted: the engine must report it."""

    school: str
    clause: str
    account: str  # as the source names it (Squid user, mail address, Windows account); "" if none
    source: Source
    what: str


@dataclass
class DayPlan:
    day: datetime  # midnight UTC of the school day
    schools: list[School]
    staff: list[Staff]
    records: list[Record]  # in time order
    planted: list[Planted]
    # Accounts (per school) that did nothing but clean work all day: no case may name them.
    clean_accounts: dict[str, set[str]] = field(default_factory=dict)
