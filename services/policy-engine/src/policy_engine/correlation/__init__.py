"""Correlation: what the stream processor counts across time, as pure functions over explicit state.

Each correlation is a module with a plain-dataclass state (`to_dict`/`from_dict` give JSON-ready
dicts, so a faust table or the offline `invigilator check` can hold it) and an `observe` that
returns derived `Observation` events for Rego to judge against the school's thresholds:

- nonwork   NET-EXCESSIVE-NONWORK  OBSERVATION_TYPE_DAILY_NONWORK_MINUTES
- logons    PWD-SHARED             OBSERVATION_TYPE_CONCURRENT_LOGONS
- sessions  SESSION-UNLOCKED       OBSERVATION_TYPE_SCREENSAVER_WITHOUT_LOCK
- denials   NET-RESTRICTED-AREA    OBSERVATION_TYPE_ACCESS_DENIALS
- malware   MALWARE-DETECTED       OBSERVATION_TYPE_LOGON_AFTER_MALWARE

Nothing here reads the wall clock: times are event times, and `advance(state, now)` takes an
event-time watermark. Observation ids are hashes of their defining key (emit.py), so replaying
the same input (events and watermarks in the same order) gives byte-identical observations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import denials, logons, malware, nonwork, sessions
from policy_engine.correlation.settings import DEFAULT_RETENTION, CorrelationSettings

__all__ = ["CorrelationSettings", "CorrelationState", "Correlator"]

STATE_VERSION = 1


@dataclass
class CorrelationState:
    nonwork: nonwork.NonworkState = field(default_factory=nonwork.NonworkState)
    logons: logons.LogonState = field(default_factory=logons.LogonState)
    sessions: sessions.SessionState = field(default_factory=sessions.SessionState)
    denials: denials.DenialState = field(default_factory=denials.DenialState)
    malware: malware.MalwareState = field(default_factory=malware.MalwareState)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "nonwork": self.nonwork.to_dict(),
            "logons": self.logons.to_dict(),
            "sessions": self.sessions.to_dict(),
            "denials": self.denials.to_dict(),
            "malware": self.malware.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorrelationState:
        version = data.get("version", STATE_VERSION)
        if version != STATE_VERSION:
            raise ValueError(f"correlation state version {version} is not {STATE_VERSION}")
        return cls(
            nonwork.NonworkState.from_dict(data.get("nonwork", {})),
            logons.LogonState.from_dict(data.get("logons", {})),
            sessions.SessionState.from_dict(data.get("sessions", {})),
            denials.DenialState.from_dict(data.get("denials", {})),
            malware.MalwareState.from_dict(data.get("malware", {})),
        )


@dataclass(frozen=True)
class Correlator:
    """Routes each event to the correlations that read it. Holds no state of its own: the state is
    passed in and mutated, so the caller decides where it lives and when it is checkpointed."""

    # Kept behind the watermark for late events; at least every school's settings.retention.
    retention: timedelta = DEFAULT_RETENTION

    def observe(
        self,
        state: CorrelationState,
        event: events_pb2.Event,
        nonwork_request: bool,
        settings: CorrelationSettings,
    ) -> list[events_pb2.Event]:
        """Observations this event completes. `nonwork_request` is OPA's verdict on a proxy
        request (lib/web is_nonwork); it is ignored for other payloads. `settings` are the
        event's school's."""
        kind = event.WhichOneof("payload")
        if kind == "proxy":
            return nonwork.observe(state.nonwork, event, nonwork_request, settings)
        if kind != "endpoint":
            return []
        return [
            *logons.observe(state.logons, event, settings),
            *sessions.observe(state.sessions, event, settings),
            *denials.observe(state.denials, event, settings),
            *malware.observe(state.malware, event, settings),
        ]

    def advance(self, state: CorrelationState, now: datetime) -> list[events_pb2.Event]:
        """The event-time watermark reached `now`: emit what was waiting for it (screensavers whose
        grace ran out), then prune state older than the retention. Events older than
        `now - retention` that arrive afterwards are refused (counted in each state's `late`)."""
        found = sessions.advance(state.sessions, now, self.retention)
        nonwork.prune(state.nonwork, now)
        logons.prune(state.logons, now, self.retention)
        sessions.prune(state.sessions, now, self.retention)
        denials.prune(state.denials, now, self.retention)
        malware.prune(state.malware, now, self.retention)
        return found

    def mark_clean(self, state: CorrelationState, school_id: str, host: str, at: datetime) -> None:
        """IT marked `host` clean at `at` (MALWARE-DETECTED); see malware.mark_clean."""
        malware.mark_clean(state.malware, school_id, host, at)
