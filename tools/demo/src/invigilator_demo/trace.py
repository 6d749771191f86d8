"""One breach from log line to alert: the services log their OpenTelemetry spans as JSON lines
(TRACING_EXPORTER=console, .local/logs/<service>.log); the spans of one trace id, in time order."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

# ASGI's per-message spans say nothing a reader needs.
NOISE_SUFFIXES = (" http send", " http receive")


@dataclass(frozen=True)
class Span:
    service: str
    name: str
    start: datetime
    end: datetime
    kind: str

    @property
    def duration_ms(self) -> float:
        return (self.end - self.start).total_seconds() * 1000


def parse_span(line: str, trace_id: str) -> Span | None:
    """The span on this log line if it belongs to `trace_id` (hex, no 0x)."""
    if f'"0x{trace_id}"' not in line:
        return None
    try:
        data = json.loads(line)
        if data.get("context", {}).get("trace_id") != f"0x{trace_id}":
            return None
        return Span(
            service=str(data.get("resource", {}).get("attributes", {}).get("service.name", "?")),
            name=str(data["name"]),
            start=datetime.fromisoformat(str(data["start_time"]).replace("Z", "+00:00")),
            end=datetime.fromisoformat(str(data["end_time"]).replace("Z", "+00:00")),
            kind=str(data.get("kind", "")).removeprefix("SpanKind."),
        )
    except (ValueError, KeyError, TypeError):
        return None


def log_offsets(logs: Path) -> dict[Path, int]:
    """Where every service log ends now: a trace of this run is after these offsets."""
    return {path: path.stat().st_size for path in logs.glob("*.log")}


def find_spans(logs: Path, trace_id: str, offsets: dict[Path, int], keep_noise: bool = False) -> list[Span]:
    spans: list[Span] = []
    needle = f'"0x{trace_id}"'.encode()
    for path in sorted(logs.glob("*.log")):
        with path.open("rb") as log:
            log.seek(offsets.get(path, 0))
            for raw in log:
                if needle in raw:
                    span = parse_span(raw.decode("utf-8", "replace"), trace_id)
                    if span is not None and (keep_noise or not span.name.endswith(NOISE_SUFFIXES)):
                        spans.append(span)
    return sorted(spans, key=lambda s: (s.start, s.end))
