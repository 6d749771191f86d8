"""A trust's working day of events for the engine benchmark (make bench), as the ingest services
write them to Kafka: `EventBatch` records per source topic, keyed `school/shard`.

The stream mixes the four sources like a real trust (proxy ≫ endpoint > mail > directory), over
the two schools that have policy data (elms-farm, st-peters), 400 staff accounts each, with
timestamps spread over one working day (08:00–17:00 London; the benchmark takes the latest one
that has ended, `last_working_day`). Exactly `BREACH_RATE` of the events are of a kind that
breaches a single-event clause (tests/bench/engine_events.py: a social or gambling site, an
unapproved USB disk, uTorrent installed, malware, an executable received, a confidential mail to
a personal address, a staff account without a password, a leaver disabled); their ids are the
breaches the benchmark waits for. Breaching events come from a few "risky" accounts, as in a real
trust, so the cases they open downstream stay few; benign events breach nothing.

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
from tests.bench.engine_events import BREACH_KINDS, SCHOOLS, accounts, directory, endpoint, mail, proxy

SOURCES = ("proxy", "endpoint", "mail", "directory")
MIX = {"proxy": 85, "endpoint": 10, "mail": 4, "directory": 1}
TOPICS = {source: f"events.{source}.v1" for source in SOURCES}
BREACH_RATE = 0.005
POST_EVENTS = 500  # ingest-proxy's syslog_flush_lines
POST_INTERVAL_S = 0.1  # ingest-proxy's syslog_flush_interval_s
LONDON = ZoneInfo("Europe/London")
WORK_START, WORK_END = time(8), time(17)
DAY_SECONDS = 9 * 3600
# The default day (tests): a Monday in term time, in GMT (London = UTC), 08:00–17:00 local.
DAY_START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


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
            event.proxy.CopyFrom(proxy(rng, who, kind))
        elif source == "endpoint":
            event.endpoint.CopyFrom(endpoint(rng, who, kind))
        elif source == "mail":
            event.mail.CopyFrom(mail(rng, who, index, kind))
        else:
            event.directory.CopyFrom(directory(rng, who, kind))
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
