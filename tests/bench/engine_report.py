"""The engine benchmark's figures, ratios and its one table: pure computations, no Kafka."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

# The goals (issue 5, Acceptance).
GOAL_PIPELINE_OVER_NAIVE = 10.0
GOAL_PIPELINE_OVER_CEILING = 0.25


@dataclass(frozen=True)
class Rate:
    events: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.events / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Figures:
    ceiling: Rate
    ceiling_records: int
    pipeline: Rate
    # Breaches the pipeline phase waited for (one per breaching event), how many came, and the
    # benchmark's other breaches (correlations, e.g. NET-EXCESSIVE-NONWORK of the risky accounts).
    expected_breaches: int
    arrived_breaches: int
    other_breaches: int
    # Seconds from the first produce until the engine's group had committed every record.
    caught_up_s: float | None
    naive: Rate
    # The naive sample's labels against OPA's answers: breaching events found, benign ones flagged.
    naive_breaching: int
    naive_found: int
    naive_false: int
    latency: Rate
    latency_target_rate: float
    latencies_s: tuple[float, ...]
    latency_expected: int
    peak_rss_kb: int | None
    hwm_kb: int | None
    # Seconds from the latency phase's last produce until the engine had committed it all.
    latency_caught_up_s: float | None = None
    # CPU used during the pipeline phase, in cores, per process (policy-engine, opa, kafka).
    cpu_cores: dict[str, float] = field(default_factory=dict)

    @property
    def pipeline_over_naive(self) -> float:
        return ratio(self.pipeline.per_second, self.naive.per_second)

    @property
    def pipeline_over_ceiling(self) -> float:
        return ratio(self.pipeline.per_second, self.ceiling.per_second)

    @property
    def p50_s(self) -> float | None:
        return percentile(self.latencies_s, 50)

    @property
    def p99_s(self) -> float | None:
        return percentile(self.latencies_s, 99)

    @property
    def complete(self) -> bool:
        return (
            self.arrived_breaches == self.expected_breaches and len(self.latencies_s) == self.latency_expected
        )


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (the smallest value with at least p % of the values at or below it)."""
    if not values:
        return None
    if not 0 < p <= 100:
        raise ValueError("p must be in (0, 100]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _mb(kb: int | None) -> str:
    return "-" if kb is None else f"{kb / 1024:,.0f} MB"


def _goal(value: float, goal: float) -> str:
    if math.isnan(value):
        return "no figure"
    return "meets the goal" if value >= goal else "below the goal"


def rows(f: Figures) -> list[list[str]]:
    """measure, events, seconds, value, detail."""
    caught = "-" if f.caught_up_s is None else f"{f.caught_up_s:.1f} s"
    return [
        [
            "ceiling: confluent-kafka consume + EventBatch decode",
            f"{f.ceiling.events:,}",
            f"{f.ceiling.seconds:.2f}",
            f"{f.ceiling.per_second:,.0f} ev/s",
            f"{f.ceiling_records:,} records, one process",
        ],
        [
            "pipeline: events.*.v1 → policy-engine → breaches.v1",
            f"{f.pipeline.events:,}",
            f"{f.pipeline.seconds:.2f}",
            f"{f.pipeline.per_second:,.0f} ev/s",
            f"{f.arrived_breaches:,}/{f.expected_breaches:,} expected breaches, {f.other_breaches:,} from "
            f"correlations; offsets committed after {caught}",
        ],
        [
            "naive: one OPA request per event",
            f"{f.naive.events:,}",
            f"{f.naive.seconds:.2f}",
            f"{f.naive.per_second:,.0f} ev/s",
            f"sample; {f.naive_found}/{f.naive_breaching} breaching found, {f.naive_false} benign flagged",
        ],
        [
            "latency event → breach, p50 / p99",
            f"{f.latency.events:,}",
            f"{f.latency.seconds:.2f}",
            f"{_seconds(f.p50_s)} / {_seconds(f.p99_s)}",
            f"produced at {f.latency.per_second:,.0f} ev/s (target {f.latency_target_rate:,.0f}, 50 % of "
            f"the pipeline); {len(f.latencies_s):,}/{f.latency_expected:,} breaches; "
            f"caught up {_seconds(f.latency_caught_up_s)} after the last produce",
        ],
        [
            "pipeline / naive",
            "",
            "",
            f"{f.pipeline_over_naive:.1f}x",
            f"goal ≥ {GOAL_PIPELINE_OVER_NAIVE:.0f}x: "
            f"{_goal(f.pipeline_over_naive, GOAL_PIPELINE_OVER_NAIVE)}",
        ],
        [
            "pipeline / ceiling",
            "",
            "",
            f"{f.pipeline_over_ceiling:.1%}",
            f"goal ≥ {GOAL_PIPELINE_OVER_CEILING:.0%}: "
            f"{_goal(f.pipeline_over_ceiling, GOAL_PIPELINE_OVER_CEILING)}",
        ],
        [
            "CPU during the pipeline",
            "",
            "",
            f"{sum(f.cpu_cores.values()):.2f} cores",
            ", ".join(f"{name} {cores:.2f}" for name, cores in f.cpu_cores.items()) or "-",
        ],
        [
            "policy-engine peak memory",
            "",
            "",
            _mb(f.hwm_kb if f.hwm_kb is not None else f.peak_rss_kb),
            f"VmHWM over the run; highest VmRSS sampled {_mb(f.peak_rss_kb)}",
        ],
    ]


HEADER = ("measure", "events", "seconds", "value", "detail")
ALIGN = ("<", ">", ">", ">", "<")


def render_table(f: Figures) -> str:
    """One Markdown table: the three designs, the latency, the ratios and the engine's memory."""
    table = [list(HEADER), *rows(f)]
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(f"{c:{a}{w}}" for c, a, w in zip(cells, ALIGN, widths, strict=True)) + " |"

    rule = (
        "|"
        + "|".join(
            "-" * (w + 1) + ":" if a == ">" else ":" + "-" * (w + 1)
            for a, w in zip(ALIGN, widths, strict=True)
        )
        + "|"
    )
    return "\n".join([line(table[0]), rule, *(line(row) for row in table[1:])])


def as_json(f: Figures) -> dict[str, object]:
    return {
        "ceiling": {
            "events": f.ceiling.events,
            "seconds": f.ceiling.seconds,
            "rate": f.ceiling.per_second,
            "records": f.ceiling_records,
        },
        "pipeline": {
            "events": f.pipeline.events,
            "seconds": f.pipeline.seconds,
            "rate": f.pipeline.per_second,
            "expected_breaches": f.expected_breaches,
            "arrived_breaches": f.arrived_breaches,
            "other_breaches": f.other_breaches,
            "caught_up_s": f.caught_up_s,
        },
        "naive": {
            "events": f.naive.events,
            "seconds": f.naive.seconds,
            "rate": f.naive.per_second,
            "breaching": f.naive_breaching,
            "found": f.naive_found,
            "benign_flagged": f.naive_false,
        },
        "latency": {
            "events": f.latency.events,
            "seconds": f.latency.seconds,
            "rate": f.latency.per_second,
            "target_rate": f.latency_target_rate,
            "p50_s": f.p50_s,
            "p99_s": f.p99_s,
            "breaches": len(f.latencies_s),
            "expected": f.latency_expected,
            "caught_up_s": f.latency_caught_up_s,
        },
        "cpu_cores": f.cpu_cores,
        "pipeline_over_naive": f.pipeline_over_naive,
        "pipeline_over_ceiling": f.pipeline_over_ceiling,
        "peak_rss_kb": f.peak_rss_kb,
        "hwm_kb": f.hwm_kb,
        "complete": f.complete,
    }
