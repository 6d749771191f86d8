"""A trust's working day of events for the engine benchmark (make bench), as the ingest services
write them to Kafka: `EventBatch` records per source topic, keyed `school/shard`.

The stream mixes the four sources like a real trust (proxy ≫ endpoint > mail > directory), over
the two schools that have policy data (elms-farm, st-peters), 400 staff accounts each, with
timestamps spread over one working day (08:00–17:00 London; the benchmark takes the latest one
that has ended, `last_working_day`). Exactly `breach_rate` of the events
are drawn from kinds that breach a single-event clause (a social or gambling site, an unapproved
USB disk, uTorrent installed, malware, an executable received, a confidential mail to a personal
address, a staff account without a password, a leaver disabled); their ids are the breaches the
benchmark waits for. Breaching events come from a few "risky" accounts, as in a real trust, so the
cases they open downstream stay few. Benign events are shaped not to breach anything, the
correlations included: every account logs on to its own PC only, never leaves a screensaver
unlocked and browses little non-work (well under the daily threshold).

Ingest services flush one post per source and school at `post_events` events (the syslog
receiver's flush size) or after `interval_s` (its flush interval, when events arrive at a known
`rate`); each post becomes `EventBatch` records through svckit.batching.event_batches.

Everything is drawn from `random.Random(seed)`; event ids hash the `salt` (one per benchmark run,
so a run's breaches are told apart from any earlier run's) with the event's index.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from invigilator.events.v1 import events_pb2
from svckit.batching import DEFAULT_SHARDS, event_batches
from tests.bench.corpus_base import STAFF

SOURCES = ("proxy", "endpoint", "mail", "directory")
MIX = {"proxy": 85, "endpoint": 10, "mail": 4, "directory": 1}
TOPICS = {source: f"events.{source}.v1" for source in SOURCES}
ACCOUNT_PREFIX = "bench-"
BREACH_RATE = 0.005
RISKY_SHARE = 0.05
POST_EVENTS = 500  # ingest-proxy's syslog_flush_lines
POST_INTERVAL_S = 0.1  # ingest-proxy's syslog_flush_interval_s
LONDON = ZoneInfo("Europe/London")
WORK_START, WORK_END = time(8), time(17)
DAY_SECONDS = 9 * 3600
# The default day (tests): a Monday in term time, in GMT (London = UTC), 08:00–17:00 local.
DAY_START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


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


@dataclass(frozen=True, slots=True)
class Record:
    """One Kafka record as an ingest service writes it, and what the benchmark needs to know of it."""

    topic: str
    key: str
    value: bytes
    events: int
    # Ids of the record's breaching events (the breaches the benchmark waits for).
    breaching: tuple[str, ...]
    # When the ingest service flushes the post holding it (seconds from the stream's start; 0 when
    # the stream has no arrival rate) and the post's W3C trace context header.
    at: float
    traceparent: str


@dataclass
class Stream:
    """The records of a generated stream, in produce order, and what went into them."""

    records: list[Record] = field(default_factory=list)
    events: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    breaching_by_kind: dict[str, int] = field(default_factory=dict)
    breaching_ids: set[str] = field(default_factory=set)
    # Breaching event id → (kind, topic, record key), to say which breaches never came.
    breaching_where: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    # An evenly spaced sample of the events (the naive design's input), with their labels.
    sample: list[tuple[events_pb2.Event, bool]] = field(default_factory=list)
    # (school, account) pairs.
    accounts: set[tuple[str, str]] = field(default_factory=set)
    first_at: datetime | None = None
    last_at: datetime | None = None

    @property
    def breaching(self) -> int:
        return len(self.breaching_ids)


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


def allocate(total: int, weights: dict[str, int]) -> dict[str, int]:
    """Split `total` by `weights` exactly (largest remainder; ties in the weights' order)."""
    whole = sum(weights.values())
    shares = {name: total * weight / whole for name, weight in weights.items()}
    counts = {name: int(share) for name, share in shares.items()}
    left = total - sum(counts.values())
    for name in sorted(weights, key=lambda n: counts[n] - shares[n])[:left]:
        counts[name] += 1
    return counts


def _id(salt: str, index: int) -> str:
    return hashlib.blake2b(f"{salt}/{index}".encode(), digest_size=16).hexdigest()


def _proxy(rng: random.Random, who: Account, kind: str | None) -> events_pb2.ProxyRequest:
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


def _endpoint(rng: random.Random, who: Account, kind: str | None) -> events_pb2.EndpointEvent:
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


def _mail(rng: random.Random, who: Account, index: int, kind: str | None) -> events_pb2.MailMessage:
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


def _directory(rng: random.Random, who: Account, kind: str | None) -> events_pb2.DirectoryEvent:
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


def events(
    n: int, seed: int, salt: str, start: datetime = DAY_START
) -> Iterator[tuple[str, events_pb2.Event, str | None]]:
    """(source, event, breaching kind or None), in time order over the working day from `start`."""
    rng = random.Random(seed)  # benchmark data, not security
    everyone, risky = accounts(rng)
    sources = [source for source, count in allocate(n, MIX).items() for _ in range(count)]
    rng.shuffle(sources)
    breaching = set(rng.sample(range(n), round(n * BREACH_RATE)))
    school_weights = [school.weight for school in SCHOOLS]
    for index, source in enumerate(sources):
        school = rng.choices(SCHOOLS, school_weights)[0]
        kind: str | None = None
        if index in breaching:
            names, weights = zip(*BREACH_KINDS[source], strict=True)
            kind = rng.choices(names, weights)[0]
            who = rng.choice(risky[school.school_id])
        else:
            who = rng.choice(everyone[school.school_id])
        event = events_pb2.Event(event_id=_id(salt, index), school_id=school.school_id, account=who.account)
        offset = DAY_SECONDS * (index + rng.random()) / n
        event.occurred_at.seconds = int(start.timestamp()) + int(offset)
        event.occurred_at.nanos = int(offset % 1 * 1e6) * 1000
        if source == "proxy":
            event.proxy.CopyFrom(_proxy(rng, who, kind))
        elif source == "endpoint":
            event.endpoint.CopyFrom(_endpoint(rng, who, kind))
        elif source == "mail":
            event.mail.CopyFrom(_mail(rng, who, index, kind))
        else:
            event.directory.CopyFrom(_directory(rng, who, kind))
        yield source, event, kind


@dataclass
class _Post:
    source: str
    events: list[events_pb2.Event] = field(default_factory=list)
    breaching: dict[str, str] = field(default_factory=dict)  # event id → kind
    first_arrival: float = 0.0


def generate(
    n: int,
    seed: int = 1,
    salt: str = "bench",
    post_events: int = POST_EVENTS,
    rate: float | None = None,
    interval_s: float = POST_INTERVAL_S,
    sample: int = 0,
    shards: int = DEFAULT_SHARDS,
    start: datetime = DAY_START,
) -> Stream:
    """The stream's records in the order the ingest services would produce them.

    Without `rate`, posts flush at `post_events` only (the stream is produced as fast as possible).
    With it, event i arrives at i / rate seconds and a post also flushes `interval_s` after its
    first event; each record's `at` says when.
    """
    if n < 1 or post_events < 1:
        raise ValueError("a stream needs at least one event and posts of at least one event")
    stream = Stream()
    step = max(1, n // sample) if sample else 0
    trace_rng = random.Random(seed + 1)  # benchmark data, not security
    pending: dict[tuple[str, str], _Post] = {}

    def flush(post: _Post, at: float) -> None:
        traceparent = f"00-{trace_rng.getrandbits(128):032x}-{trace_rng.getrandbits(64):016x}-01"
        for key, batch in event_batches(post.events, shards):
            ids = tuple(event.event_id for event in batch.events if event.event_id in post.breaching)
            for event_id in ids:
                stream.breaching_where[event_id] = (post.breaching[event_id], TOPICS[post.source], key)
            stream.records.append(
                Record(
                    TOPICS[post.source],
                    key,
                    batch.SerializeToString(),
                    len(batch.events),
                    ids,
                    at,
                    traceparent,
                )
            )

    for index, (source, event, kind) in enumerate(events(n, seed, salt, start)):
        arrival = index / rate if rate else 0.0
        if rate:
            for key, post in sorted(pending.items(), key=lambda item: item[1].first_arrival):
                if post.first_arrival + interval_s <= arrival:
                    flush(pending.pop(key), post.first_arrival + interval_s)
        post = pending.setdefault((source, event.school_id), _Post(source, first_arrival=arrival))
        post.events.append(event)
        if kind is not None:
            post.breaching[event.event_id] = kind
            stream.breaching_ids.add(event.event_id)
            stream.breaching_by_kind[kind] = stream.breaching_by_kind.get(kind, 0) + 1
        if len(post.events) >= post_events:
            flush(pending.pop((source, event.school_id)), arrival)
        stream.events += 1
        stream.by_source[source] = stream.by_source.get(source, 0) + 1
        stream.accounts.add((event.school_id, event.account))
        moment = event.occurred_at.ToDatetime(UTC)
        stream.first_at = stream.first_at or moment
        stream.last_at = moment
        if step and index % step == 0 and len(stream.sample) < sample:
            stream.sample.append((event, kind is not None))
    end = n / rate if rate else 0.0
    for post in sorted(pending.values(), key=lambda post: post.first_arrival):
        flush(post, min(post.first_arrival + interval_s, end) if rate else 0.0)
    return stream


def working_day(start: datetime = DAY_START) -> tuple[datetime, datetime]:
    return start, start + timedelta(seconds=DAY_SECONDS)


def day_start(day: date) -> datetime:
    """08:00 in London on `day`, in UTC (British Summer Time respected)."""
    return datetime.combine(day, WORK_START, LONDON).astimezone(UTC)


def last_working_day(now: datetime) -> date:
    """The latest weekday whose working hours (08:00–17:00 London) had ended by `now`.

    The engine's correlation state is keyed school/shard, shared with every other user of the
    stack: events from a day that has not ended would move its event-time watermark ahead of
    everyone else's events (screensavers judged early, other days' counts refused as late).
    """
    local = now.astimezone(LONDON)
    day = local.date()
    if local.time() < WORK_END or day.isoweekday() > 5:
        day -= timedelta(days=1)
    while day.isoweekday() > 5:
        day -= timedelta(days=1)
    return day
