"""One batch judged the way the engine and `invigilator check` both judge it.

1. OPA decides the batch (`data.invigilator.decide`): findings on single events, and which proxy
   requests count as non-work browsing.
2. The correlations count across events (`policy_engine.correlation`) with that verdict, in the
   school's timezone and thresholds (read from the same policy data OPA holds), and emit
   observations.
3. OPA decides the observations (the clauses judge them against the school's thresholds).

No Kafka, no clock, no storage: the caller owns the correlation state and says when it is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from invigilator.breaches.v1 import breaches_pb2
from invigilator.events.v1 import events_pb2
from policy_engine import telemetry
from policy_engine.correlation import CorrelationSettings, CorrelationState, Correlator
from policy_engine.decisions import Decision, breaches, opa_input

# OPA answers one query of at most this many events: above it, latency grows with no gain (bench-rego).
MAX_QUERY_EVENTS = 1000


class Decider(Protocol):
    async def decide(self, opa_input: dict[str, Any]) -> Decision: ...

    async def school(self, school_id: str) -> Mapping[str, Any]:
        """The school's policy data over the trust defaults (lib/config `school`); {} if unknown."""
        ...


@dataclass
class Judgement:
    breaches: list[breaches_pb2.Breach] = field(default_factory=list)
    # Configuration problems OPA reported (unknown school, missing data): for trust IT ops.
    errors: list[str] = field(default_factory=list)
    observations: list[events_pb2.Event] = field(default_factory=list)
    queries: int = 0

    def add(self, other: Judgement) -> None:
        self.breaches += other.breaches
        self.errors += [error for error in other.errors if error not in self.errors]
        self.observations += other.observations
        self.queries += other.queries


Enricher = Callable[[Sequence[events_pb2.Event]], int]


class Judge:
    def __init__(
        self, decider: Decider, correlator: Correlator | None = None, enrich: Enricher | None = None
    ) -> None:
        self._decider = decider
        self.correlator = correlator or Correlator()
        # Sets each event's directory profile before OPA sees it (policy_engine.directory); the
        # offline check has no directory and leaves events as they are.
        self._enrich = enrich
        self._revision: str | None = None  # the policy bundle the settings were read under
        self._settings: dict[str, CorrelationSettings] = {}

    async def settings(self, school_id: str) -> CorrelationSettings:
        """The school's correlation settings, read once per school from the policy data."""
        if school_id not in self._settings:
            school = CorrelationSettings.from_school(await self._decider.school(school_id))
            # Late events count as long as the correlator keeps state (the engine's setting).
            self._settings[school_id] = replace(school, retention=self.correlator.retention)
        return self._settings[school_id]

    def forget_settings(self) -> None:
        """A new policy bundle was loaded: read each school's settings again."""
        self._settings.clear()

    def _saw_revision(self, revision: str) -> None:
        """OPA answered under `revision`: when the bundle changed since the settings were read
        (a school's timezone or thresholds edited), they are read again from the next query on."""
        if self._revision is not None and revision != self._revision:
            self.forget_settings()
        self._revision = revision

    async def _decide(
        self, school_id: str, events: Sequence[events_pb2.Event], detected_at: datetime
    ) -> tuple[Judgement, Decision | None]:
        if not events:
            return Judgement(), None
        if self._enrich is not None:
            telemetry.unknown_accounts.add(self._enrich(events))
        decision = await self._decider.decide(opa_input(school_id, list(events)))
        self._saw_revision(decision.policy_revision)
        found = breaches(school_id, list(events), decision, detected_at)
        return Judgement(breaches=found, errors=list(decision.errors), queries=1), decision

    async def judge(
        self,
        school_id: str,
        events: Sequence[events_pb2.Event],
        state: CorrelationState,
        detected_at: datetime,
    ) -> Judgement:
        """Events of one school, in the order they are to be counted; `state` is updated."""
        return await self.judge_groups(school_id, [(state, events)], detected_at)

    async def judge_groups(
        self,
        school_id: str,
        groups: Sequence[tuple[CorrelationState, Sequence[events_pb2.Event]]],
        detected_at: datetime,
    ) -> Judgement:
        """Several groups of one school's events, each counted on its own correlation state (the
        engine's record keys), decided together: one OPA query per MAX_QUERY_EVENTS events of the
        school rather than one per group. Each group's events are counted in their order."""
        total = Judgement()
        settings = await self.settings(school_id)
        pairs = [(state, event) for state, events in groups for event in events]
        for start in range(0, len(pairs), MAX_QUERY_EVENTS):
            chunk = pairs[start : start + MAX_QUERY_EVENTS]
            judged, decision = await self._decide(school_id, [event for _, event in chunk], detected_at)
            total.add(judged)
            nonwork = decision.nonwork if decision else frozenset()
            observed = [
                found
                for index, (state, event) in enumerate(chunk)
                for found in self.correlator.observe(state, event, index in nonwork, settings)
            ]
            total.add(await self.judge_observations(school_id, observed, detected_at))
        return total

    async def judge_observations(
        self, school_id: str, observations: Sequence[events_pb2.Event], detected_at: datetime
    ) -> Judgement:
        total = Judgement(observations=list(observations))
        for start in range(0, len(observations), MAX_QUERY_EVENTS):
            judged, _ = await self._decide(
                school_id, observations[start : start + MAX_QUERY_EVENTS], detected_at
            )
            total.add(judged)
        return total

    async def advance(self, state: CorrelationState, watermark: datetime, detected_at: datetime) -> Judgement:
        """Event time reached `watermark`: judge what the correlations were waiting for (e.g. a
        screensaver never followed by a lock)."""
        return await self.advance_all([(state, watermark)], detected_at)

    async def advance_all(
        self, watermarks: Sequence[tuple[CorrelationState, datetime]], detected_at: datetime
    ) -> Judgement:
        """`advance` for several states, their observations decided together, by school."""
        total = Judgement()
        by_school: dict[str, list[events_pb2.Event]] = {}
        for state, watermark in watermarks:
            for observation in self.correlator.advance(state, watermark):
                by_school.setdefault(observation.school_id, []).append(observation)
        for school_id, observations in by_school.items():
            total.add(await self.judge_observations(school_id, observations, detected_at))
        return total
