"""The events of the engine benchmark's stream, one payload at a time, as the ingest services
parse them (tests/bench/engine_stream.py draws which, when and by whom).

Benign payloads are shaped not to breach anything, the correlations included: an account logs on
interactively to its own PC only (one session a day; locks and unlocks share it), no screensaver
is left unlocked, web traffic is work sites but for a few non-work ones (well under the daily
non-work threshold), mail goes to colleagues, parents or approved data processors without
confidential marks or executables. Each breaching kind breaches exactly one single-event clause.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from invigilator.events.v1 import events_pb2
from tests.bench.corpus_base import STAFF

ACCOUNT_PREFIX = "bench-"
RISKY_SHARE = 0.05


@dataclass(frozen=True)
class School:
    school_id: str
    domain: str
    # Host prefix of the school's PCs, and its own web mail (the other platform's is personal mail).
    prefix: str
    own_mail_host: str
    weight: int


SCHOOLS = (
    School("elms-farm", "elmsfarm.example.sch.uk", "EF", "outlook.office.com", 55),
    School("st-peters", "stpeters.example.sch.uk", "SP", "mail.google.com", 45),
)

# (host, path choices, weight): categories that are work, or none (lib/web).
WORK_HOSTS: tuple[tuple[str, tuple[str, ...], int], ...] = (
    ("www.google.com", ("/search", "/", "/maps"), 20),
    ("login.microsoftonline.com", ("/common/oauth2/authorize", "/"), 10),
    ("teams.microsoft.com", ("/", "/_"), 10),
    ("www.gov.uk", ("/", "/guidance/keeping-children-safe-in-education--2"), 6),
    ("www.educationcity.com", ("/", "/activities"), 8),
    ("www.twinkl.co.uk", ("/resources", "/"), 10),
    ("classroom.google.com", ("/", "/c/NjQ"), 8),
    ("www.arbor-education.com", ("/", "/login"), 6),
    ("cdn.jsdelivr.net", ("/npm/bootstrap@5/dist/css/bootstrap.min.css",), 8),
    ("en.wikipedia.org", ("/wiki/Photosynthesis", "/wiki/Tudors"), 6),
    ("docs.google.com", ("/document/d/1", "/spreadsheets/d/2"), 8),
)
# Non-work but not flagged (counted towards NET-EXCESSIVE-NONWORK only): about 3 % of requests.
NONWORK_HOSTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("www.bbc.co.uk", ("/news", "/news/uk")),
    ("www.ebay.co.uk", ("/",)),
    ("www.skysports.com", ("/",)),
)
NONWORK_SHARE = 0.03

# Breaching kinds per source: (name, weight). Each breaches exactly one single-event clause.
BREACH_KINDS = {
    "proxy": (("social", 4), ("gambling", 3), ("chat", 1), ("piracy", 1), ("im", 1)),
    "endpoint": (("usb", 4), ("software", 3), ("malware", 1)),
    "mail": (("executable", 2), ("confidential", 2)),
    "directory": (("no-password", 1), ("disabled", 1)),
}
BREACH_HOSTS = {
    "social": "www.facebook.com",
    "gambling": "www.bet365.com",
    "chat": "321chat.com",
    "piracy": "1337x.to",
    "im": "web.whatsapp.com",
}
SUBJECTS = (
    "Year 4 trip letters",
    "RE: Staff meeting agenda",
    "FW: Safeguarding training dates",
    "Reading scheme order",
    "Parents evening rota",
    "Invoice 2026-0412",
    "Cover for period 3",
    "Phonics assessment results",
)
PARENT_DOMAINS = ("gmail.com", "outlook.com", "btinternet.com", "parentmail.co.uk")


@dataclass(frozen=True)
class Account:
    school: School
    account: str
    host: str
    ip: str


def accounts(rng: random.Random) -> tuple[dict[str, list[Account]], dict[str, list[Account]]]:
    """Every school's staff accounts, and the few risky ones that make the breaches."""
    everyone: dict[str, list[Account]] = {}
    risky: dict[str, list[Account]] = {}
    for school in SCHOOLS:
        staff = [
            Account(
                school,
                f"{ACCOUNT_PREFIX}{person.first}.{person.last}",
                f"{school.prefix}-STAFF-PC{index:03d}",
                f"10.{SCHOOLS.index(school) + 20}.{index // 200 + 1}.{index % 200 + 10}",
            )
            for index, person in enumerate(STAFF)
        ]
        everyone[school.school_id] = staff
        risky[school.school_id] = rng.sample(staff, max(1, round(len(staff) * RISKY_SHARE)))
    return everyone, risky


def proxy(rng: random.Random, who: Account, kind: str | None) -> events_pb2.ProxyRequest:
    if kind is not None:
        host, path, method = BREACH_HOSTS[kind], "/", "GET"
    elif rng.random() < NONWORK_SHARE:
        host, paths = rng.choice(NONWORK_HOSTS)
        path, method = rng.choice(paths), "GET"
    else:
        roll = rng.random()
        if roll < 0.05:
            host, path = who.school.own_mail_host, "/mail/"
        else:
            host, paths, _ = rng.choices(WORK_HOSTS, [weight for *_, weight in WORK_HOSTS])[0]
            path = rng.choice(paths)
        method = rng.choices(("GET", "CONNECT", "POST"), (60, 30, 10))[0]
    return events_pb2.ProxyRequest(
        client_ip=who.ip,
        method=method,
        scheme="https",
        host=host,
        port=443,
        path="" if method == "CONNECT" else path,
        status=200 if method == "CONNECT" else rng.choice((200, 200, 200, 304, 204)),
        bytes=rng.randint(300, 250_000),
        elapsed_ms=rng.randint(5, 900),
        result_code="TCP_TUNNEL" if method == "CONNECT" else "TCP_MISS",
    )


SECURITY = "Microsoft-Windows-Security-Auditing"


def endpoint(rng: random.Random, who: Account, kind: str | None) -> events_pb2.EndpointEvent:
    # The day's interactive session on the account's own PC (logon, locks and unlocks share it);
    # network logons to the file server each have their own.
    session = f"0x{int.from_bytes(hashlib.blake2b(who.account.encode(), digest_size=3).digest(), 'big'):x}"
    if kind == "usb":
        device = events_pb2.Device(
            device_class="DiskDrive", vendor_id="0951", product_id="1666", serial="0042"
        )
        return events_pb2.EndpointEvent(
            windows_event_id=6416,
            provider=SECURITY,
            host=who.host,
            subject_account=who.account,
            device=device,
        )
    if kind == "software":
        software = events_pb2.Software(
            name="uTorrent", version="3.6", publisher="BitTorrent", file_name="setup.msi"
        )
        return events_pb2.EndpointEvent(
            windows_event_id=11707,
            provider="MsiInstaller",
            host=who.host,
            subject_account=who.account,
            software=software,
        )
    if kind == "malware":
        # On a classroom PC nobody logs on to again: no logon-after-malware correlation follows.
        threat = events_pb2.Threat(
            name="Trojan:Win32/Wacatac", severity="Severe", category="Trojan", action="Quarantine"
        )
        return events_pb2.EndpointEvent(
            windows_event_id=1116,
            provider="Microsoft-Windows-Windows Defender",
            host=f"{who.school.prefix}-CLASS-PC{rng.randint(1, 30):02d}",
            threat=threat,
        )
    what = rng.choices(("logon", "network", "lock", "unlock", "keyboard", "office"), (20, 15, 25, 25, 8, 7))[
        0
    ]
    if what in {"logon", "network"}:
        return events_pb2.EndpointEvent(
            windows_event_id=4624,
            provider=SECURITY,
            host=who.host if what == "logon" else f"{who.school.prefix}-FS01",
            logon_id=session if what == "logon" else f"0x{rng.getrandbits(24):x}",
            logon_type=2 if what == "logon" else 3,
            target_account=who.account,
        )
    if what in {"lock", "unlock"}:
        return events_pb2.EndpointEvent(
            windows_event_id=4800 if what == "lock" else 4801,
            provider=SECURITY,
            host=who.host,
            logon_id=session,
            target_account=who.account,
        )
    if what == "keyboard":
        device = events_pb2.Device(
            device_class="Keyboard", vendor_id="046D", product_id="C31C", serial="0001"
        )
        return events_pb2.EndpointEvent(
            windows_event_id=6416,
            provider=SECURITY,
            host=who.host,
            subject_account=who.account,
            device=device,
        )
    software = events_pb2.Software(
        name="Microsoft Office", version="16.0", publisher="Microsoft", file_name="setup.msi"
    )
    return events_pb2.EndpointEvent(
        windows_event_id=11707,
        provider="MsiInstaller",
        host=who.host,
        subject_account=who.account,
        software=software,
    )


def mail(rng: random.Random, who: Account, index: int, kind: str | None) -> events_pb2.MailMessage:
    own = f"{who.account}@{who.school.domain}"
    parent = f"parent{rng.randint(1, 999)}@{rng.choice(PARENT_DOMAINS)}"
    message = events_pb2.MailMessage(
        message_id=f"<{index}.bench@{who.school.domain}>", subject=rng.choice(SUBJECTS)
    )
    if kind == "executable" or (kind is None and rng.random() < 0.35):
        message.from_address = message.sender_mailbox = parent
        message.to.append(own)
        message.direction = events_pb2.MAIL_DIRECTION_INBOUND
        if kind == "executable":
            message.attachments.add(file_name="invoice.exe", extension="exe", size_bytes=182_000)
        elif rng.random() < 0.2:
            message.attachments.add(
                file_name="letter.pdf", extension="pdf", size_bytes=rng.randint(20_000, 900_000)
            )
    else:
        message.from_address = message.sender_mailbox = own
        if kind == "confidential":
            message.to.append(parent)
            message.sensitivity = "Company-Confidential"
            message.direction = events_pb2.MAIL_DIRECTION_OUTBOUND
        elif rng.random() < 0.2:  # to an approved data processor, attachments allowed
            message.to.append(f"support@{rng.choice(('arbor-education.com', 'cpoms.co.uk'))}")
            message.attachments.add(
                file_name="return.pdf", extension="pdf", size_bytes=rng.randint(20_000, 900_000)
            )
            message.direction = events_pb2.MAIL_DIRECTION_OUTBOUND
        elif rng.random() < 0.3:  # a reply to a parent, nothing attached
            message.to.append(parent)
            message.direction = events_pb2.MAIL_DIRECTION_OUTBOUND
        else:
            for _ in range(rng.randint(1, 3)):
                message.to.append(f"{ACCOUNT_PREFIX}{rng.choice(STAFF).first}.staff@{who.school.domain}")
            message.direction = events_pb2.MAIL_DIRECTION_INTERNAL
    message.recipient_count = len(message.to)
    return message


def directory(rng: random.Random, who: Account, kind: str | None) -> events_pb2.DirectoryEvent:
    if kind == "disabled":
        return events_pb2.DirectoryEvent(
            windows_event_id=4725, subject_account="itsupport", target_account=who.account
        )
    if kind == "no-password":
        snapshot = events_pb2.DirectoryAccount(account=who.account, user_account_control=544, staff=True)
        return events_pb2.DirectoryEvent(account_snapshot=snapshot)
    what = rng.choices(("snapshot", "changed", "lockout", "group"), (60, 20, 10, 10))[0]
    if what == "snapshot":
        snapshot = events_pb2.DirectoryAccount(account=who.account, user_account_control=512, staff=True)
        return events_pb2.DirectoryEvent(account_snapshot=snapshot)
    event_id = {"changed": 4738, "lockout": 4740, "group": 4728}[what]
    return events_pb2.DirectoryEvent(
        windows_event_id=event_id,
        subject_account="itsupport",
        target_account=who.account,
        group="Staff" if what == "group" else "",
    )
