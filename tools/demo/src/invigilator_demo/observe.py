"""Reading what the stack made of the demo day: Kafka topics from where they ended when the run
began, the case-service's GraphQL (a dev token), and the SMTP sink's Maildir of alert e-mails."""

from __future__ import annotations

import email
import email.policy
import re
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition

from case_service.auth.dev_issuer import DevIssuer
from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2

EVENT_TOPICS = {
    "events.proxy.v1": "proxy",
    "events.mail.v1": "mail",
    "events.endpoint.v1": "endpoint",
    "events.directory.v1": "directory",
}
REJECTED_TOPIC = "events.rejected.v1"
BREACHES_TOPIC = "breaches.v1"
ALL_TOPICS = (*EVENT_TOPICS, REJECTED_TOPIC, BREACHES_TOPIC)
CASE_LINK = re.compile(r"case=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")

CASES_QUERY = """
query DemoCases($school: String, $since: DateTime, $after: String) {
  cases(first: 100, after: $after, where: {schoolId: $school, openedAfter: $since}) {
    nodes { id schoolId staff clause severity owner track status breachCount }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@dataclass(frozen=True)
class FoundBreach:
    breach_id: str
    school: str
    clause: str
    account: str
    severity: int
    evidence_event_ids: tuple[str, ...]


@dataclass
class TopicTotals:
    """What the topics held after the run began (only the events of this run's accounts count)."""

    events: Counter[tuple[str, str]] = field(default_factory=Counter)  # (school, source)
    rejected: Counter[str] = field(default_factory=Counter)  # school
    event_ids: set[str] = field(default_factory=set)
    breaches: dict[str, FoundBreach] = field(default_factory=dict)  # every breach since the start


class TopicWatcher:
    """One consumer over the events, rejects and breaches topics, from the offsets `mark()` took."""

    def __init__(self, bootstrap: str, accounts: dict[str, set[str]]) -> None:
        self._consumer = Consumer(
            {
                "bootstrap.servers": bootstrap,
                "group.id": f"invigilator-demo-{uuid.uuid4().hex}",
                "enable.auto.commit": False,
                "isolation.level": "read_committed",
            }
        )
        self._accounts = {school: {a.casefold() for a in names} for school, names in accounts.items()}
        self.totals = TopicTotals()
        self._positions: list[TopicPartition] = []

    def mark(self) -> None:
        """Remember where every topic ends now: only what comes after is this run's."""
        positions = []
        for topic in ALL_TOPICS:
            metadata = self._consumer.list_topics(topic, timeout=10).topics.get(topic)
            if metadata is None or metadata.error is not None:
                continue
            for partition in metadata.partitions:
                _low, high = self._consumer.get_watermark_offsets(
                    TopicPartition(topic, partition), timeout=10
                )
                positions.append(TopicPartition(topic, partition, high))
        self._positions = positions
        self._consumer.assign(positions)

    def ours(self, school: str, account: str) -> bool:
        return account.casefold() in self._accounts.get(school, set())

    def drain(self, max_s: float = 2.0) -> int:
        """Read what arrived, for up to `max_s` (stops early once a poll comes back empty)."""
        import time

        read = 0
        deadline = time.monotonic() + max_s
        while time.monotonic() < deadline:
            message = self._consumer.poll(0.2)
            if message is None:
                break
            if message.error() is not None:
                continue
            read += 1
            self._handle(message.topic() or "", message.value() or b"")
        return read

    def _handle(self, topic: str, value: bytes) -> None:
        totals = self.totals
        if topic in EVENT_TOPICS:
            batch = events_pb2.EventBatch.FromString(value)
            for event in batch.events:
                school = event.school_id or batch.school_id
                # Events that name nobody (a message from outside, a device) count for the school.
                if self.ours(school, event.account) or (not event.account and school in self._accounts):
                    totals.events[(school, EVENT_TOPICS[topic])] += 1
                    totals.event_ids.add(event.event_id)
        elif topic == REJECTED_TOPIC:
            rejected = events_pb2.RejectedInput.FromString(value)
            if rejected.school_id in self._accounts:
                totals.rejected[rejected.school_id] += 1
        elif topic == BREACHES_TOPIC:
            breach = breaches_pb2.Breach.FromString(value)
            totals.breaches[breach.breach_id] = FoundBreach(
                breach_id=breach.breach_id,
                school=breach.school_id,
                clause=breach.clause,
                account=breach.account,
                severity=breach.severity,
                evidence_event_ids=tuple(breach.evidence_event_ids),
            )

    def run_breaches(self) -> list[FoundBreach]:
        """This run's breaches: of its accounts, or resting on its events."""
        return [
            b
            for b in self.totals.breaches.values()
            if self.ours(b.school, b.account)
            or (not b.account and any(e in self.totals.event_ids for e in b.evidence_event_ids))
        ]

    def close(self) -> None:
        self._consumer.close()


# ---- cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    id: str
    school: str
    staff: str
    clause: str
    severity: str
    owner: str
    track: str
    breach_count: int


def mint(key_file: Path, role: str, schools: Iterable[str], ttl_s: int = 8 * 3600) -> str:
    return DevIssuer.from_key_file(key_file).mint(f"demo-{role}", [role], sorted(schools), ttl_s=ttl_s)


def fetch_cases(
    client: httpx.Client, graphql_url: str, token: str, school: str, since: datetime
) -> list[CaseRow]:
    """Every case of `school` opened since `since` (a headteacher sees HR, IT and DSL cases)."""
    rows: list[CaseRow] = []
    after: str | None = None
    for _page in range(200):
        response = client.post(
            graphql_url,
            json={
                "query": CASES_QUERY,
                "variables": {"school": school, "since": since.isoformat(), "after": after},
            },
            headers={"Authorization": f"Bearer {token}"},
        )
        response.raise_for_status()
        payload: dict[str, Any] = response.json()
        if payload.get("errors"):
            raise RuntimeError(f"GraphQL: {payload['errors']}")
        cases = payload["data"]["cases"]
        rows += [
            CaseRow(
                n["id"],
                n["schoolId"],
                n["staff"],
                n["clause"],
                n["severity"],
                n["owner"],
                n["track"],
                n["breachCount"],
            )
            for n in cases["nodes"]
        ]
        if not cases["pageInfo"]["hasNextPage"]:
            break
        after = cases["pageInfo"]["endCursor"]
    return rows


# ---- alert e-mails -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertMail:
    key: str
    to: str
    subject: str
    case_ids: tuple[str, ...]
    trace_ids: tuple[str, ...]


def alert_from_bytes(key: str, raw: bytes) -> AlertMail:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    texts = []
    for part in message.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                texts.append(payload.decode("utf-8", "replace"))
    body = "\n".join(texts)
    return AlertMail(
        key=key,
        to=str(message.get("To", "")).strip().lower(),
        subject=" ".join(str(message.get("Subject", "")).split()),
        case_ids=tuple(dict.fromkeys(CASE_LINK.findall(body))),
        trace_ids=tuple(str(v) for v in message.get_all("X-Invigilator-Trace-Id") or []),
    )


class MailWatcher:
    """Alert e-mails the SMTP sink stored after `since` (Maildir file times)."""

    def __init__(self, maildir: Path, since: float) -> None:
        self.maildir = maildir
        self._since = since
        self.alerts: dict[str, AlertMail] = {}

    def scan(self) -> int:
        for folder in ("new", "cur"):
            directory = self.maildir / folder
            if not directory.is_dir():
                continue
            for path in directory.iterdir():
                if path.name in self.alerts:
                    continue
                try:
                    if path.stat().st_mtime < self._since:
                        continue
                    self.alerts[path.name] = alert_from_bytes(path.name, path.read_bytes())
                except FileNotFoundError:  # moved from new/ to cur/ meanwhile
                    continue
        return len(self.alerts)
