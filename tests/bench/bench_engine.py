"""The engine benchmark (make bench): the running policy-engine against the plain-consumer ceiling
and the naive one-OPA-request-per-event design, on the same generated stream, in one run.

1. A trust's working day (tests/bench/engine_stream.py: default 1,000,000 events, proxy 85 %,
   endpoint 10 %, mail 4 %, directory 1 %, 0.5 % breaching) is generated as the ingest services
   write it: `EventBatch` records keyed `school/shard` on the real `events.*.v1` topics.
2. pipeline: the records are produced as fast as possible; the rate is the events over the time
   from the first produce until the breach of the last breaching event arrived on breaches.v1
   (only breaches of the benchmark's accounts, `bench-…`, from offsets noted before, count). The
   time at which the engine's group (`invigilator-policy-engine`) had committed every record is
   reported beside it.
3. ceiling: a plain confluent-kafka consumer reads the same records back and decodes them.
4. naive: an evenly spaced sample, one POST /v1/data/invigilator/decide per event (keep-alive).
5. latency: a second stream produced at 50 % of the pipeline's rate, flushed like the syslog
   receiver (500 events or 100 ms); latency = breach arrival − produce time of the event's record.
6. memory: the engine's VmHWM (reset at the start when permitted) and the highest VmRSS sampled.

    uv run python -m tests.bench.bench_engine [--events 1000000] [--naive-sample 5000]
        [--latency-seconds 30] [--json results.json]

Needs the local stack and services (scripts/bench.sh starts them). Loopback only; every wait
bounded. Others' records on the topics are judged too and may slow the engine: run it quiet.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
from confluent_kafka.admin import AdminClient

from invigilator.events.v1 import events_pb2
from policy_engine.decisions import opa_input, parse_decision
from policy_engine.opa import DECIDE_PATH
from tests.bench.bench_parse import machine, render_machine
from tests.bench.engine_events import ACCOUNT_PREFIX
from tests.bench.engine_kafka import (
    BreachListener,
    MemoryWatch,
    Offsets,
    behind,
    ceiling,
    committed,
    cpu_seconds,
    end_offsets,
    engine_pid,
    group_members,
    plain_consumer,
    proc_status_kb,
    produce,
    reset_peak,
    wait_caught_up,
    wait_for,
)
from tests.bench.engine_report import Figures, Rate, as_json, render_table
from tests.bench.engine_stream import (
    TOPICS,
    Record,
    Stream,
    day_start,
    generate,
    last_working_day,
    working_day,
)

ROOT = Path(__file__).resolve().parents[2]
GROUP = "invigilator-policy-engine"
BREACHES_TOPIC = "breaches.v1"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class PipelineEnd:
    seconds: float
    arrived: int
    caught_up_s: float | None


def await_pipeline(
    listener: BreachListener,
    admin: AdminClient,
    group: str,
    expected: set[str],
    target: Offsets,
    since: Offsets,
    started: float,
    timeout_s: float,
    grace_s: float = 10.0,
) -> PipelineEnd:
    """Until every expected breach arrived and the group committed every record (or the timeout;
    or `grace_s` after the commit when some expected breach never came)."""
    deadline = started + timeout_s
    seen = listener.seen.first_by_event
    all_at: float | None = None
    caught_at: float | None = None
    checked = report = 0.0
    while (now := time.perf_counter()) < deadline:
        if listener.failure is not None:
            raise RuntimeError("the breach listener failed") from listener.failure
        if all_at is None and expected <= seen.keys():
            all_at = now
        if caught_at is None and now - checked >= 0.5:
            checked = now
            missing = behind(committed(admin, group), target, since)
            if missing == 0:
                caught_at = now
            elif now - report >= 10:
                report = now
                log(
                    f"  {now - started:6.1f} s: {missing:,} records not committed yet, "
                    f"{len(expected & seen.keys()):,}/{len(expected):,} breaches"
                )
        if all_at is not None and caught_at is not None:
            break
        if caught_at is not None and now - caught_at > grace_s:
            break
        time.sleep(0.1)
    arrived = expected & seen.keys()
    if expected and arrived == expected:
        end = max(seen[event_id] for event_id in expected)
    else:
        end = caught_at if caught_at is not None else time.perf_counter()
        log(f"! {len(expected) - len(arrived):,} expected breaches did not arrive")
    caught = None if caught_at is None else caught_at - started
    return PipelineEnd(end - started, len(arrived), caught)


def naive(
    opa_url: str, sample: Sequence[tuple[events_pb2.Event, bool]], timeout_s: float
) -> tuple[Rate, int, int, int]:
    """One decide query per event over a keep-alive connection, building the input as the engine does.
    Returns (rate, breaching events in the sample, of them found, benign events flagged)."""
    breaching = found = false = done = 0
    with httpx.Client(base_url=opa_url, timeout=10.0) as client:
        client.get("/health").raise_for_status()
        started = time.perf_counter()
        for event, label in sample:
            response = client.post(
                DECIDE_PATH,
                params={"provenance": "true"},
                json={"input": opa_input(event.school_id, [event])},
            )
            response.raise_for_status()
            flagged = bool(parse_decision(response.json()).findings_by_event)
            breaching += label
            found += label and flagged
            false += flagged and not label
            done += 1
            if time.perf_counter() - started > timeout_s:
                log(f"! naive sample cut at {done} events after {timeout_s:.0f} s")
                break
        seconds = time.perf_counter() - started
    return Rate(done, seconds), breaching, found, false


def latency_phase(
    bootstrap: str, listener: BreachListener, stream: Stream, timeout_s: float
) -> tuple[Rate, list[float], float]:
    """Produces `stream` paced; (produce rate, latencies of its breaching events, last produce time)."""
    produced: dict[str, float] = {}
    last = [0.0]

    def note(record: Record, at: float) -> None:
        last[0] = at
        for event_id in record.breaching:
            produced[event_id] = at

    first, _acked = produce(bootstrap, stream.records, paced=True, on_produced=note)
    duration = last[0] - first
    wait_for(listener, stream.breaching_ids, timeout_s)
    seen = listener.seen.first_by_event
    latencies = [seen[event_id] - at for event_id, at in produced.items() if event_id in seen]
    return Rate(stream.events, duration), latencies, last[0]


def run(args: argparse.Namespace) -> int:
    before = machine()
    pid = engine_pid(Path(args.pidfile))
    if pid is None:
        log(f"policy-engine is not running (no live pid in {args.pidfile}): scripts/stack/services.sh start")
        return 2
    admin = AdminClient({"bootstrap.servers": args.bootstrap})
    probe = plain_consumer(args.bootstrap, "bench-engine-probe")
    topics = list(TOPICS.values())
    members = group_members(admin, args.group)
    run_id = uuid.uuid4().hex[:8]
    log(f"run {run_id}: policy-engine pid {pid}, {members} member(s) in group {args.group}")

    start_at = day_start(args.day)
    log(f"generating {args.events:,} events of {args.day} (seed {args.seed}) …")
    t = time.perf_counter()
    stream = generate(
        args.events, args.seed, f"{run_id}-day", args.post_events, sample=args.naive_sample, start=start_at
    )
    log(
        f"  {len(stream.records):,} records, {sum(len(r.value) for r in stream.records) / 1e6:.0f} MB, "
        f"{stream.breaching:,} breaching, {len(stream.accounts)} accounts, {time.perf_counter() - t:.0f} s"
    )

    start = end_offsets(probe, topics)
    idle, _ = wait_caught_up(admin, args.group, start, args.idle_timeout)
    if not idle:
        backlog = behind(committed(admin, args.group), start)
        log(f"! the engine still has {backlog:,} records of others to judge")
    breaches_start = end_offsets(probe, [BREACHES_TOPIC])
    listener = BreachListener(args.bootstrap, breaches_start, ACCOUNT_PREFIX)
    listener.start()
    watch = MemoryWatch(pid)
    peak_reset = reset_peak(pid)
    watch.start()
    pids = {"policy-engine": pid} | {
        name: found
        for name in ("opa", "kafka")
        if (found := engine_pid(Path(args.pidfile).with_name(f"{name}.pid"))) is not None
    }
    cpu_before = {name: cpu_seconds(process) for name, process in pids.items()}

    log("pipeline: producing as fast as possible …")
    first, acked = produce(args.bootstrap, stream.records, paced=False)
    log(f"  produced in {acked - first:.1f} s; waiting for the engine …")
    end = end_offsets(probe, topics)
    pipeline = await_pipeline(
        listener, admin, args.group, stream.breaching_ids, end, start, first, args.timeout
    )
    log(f"  {args.events / pipeline.seconds:,.0f} events/s")
    for event_id in sorted(stream.breaching_ids - listener.seen.first_by_event.keys())[:10]:
        kind, topic, key = stream.breaching_where[event_id]
        log(f"! no breach for {kind} event {event_id} ({topic}, key {key})")
    cpu = {}
    for name, process in pids.items():
        used, was = cpu_seconds(process), cpu_before[name]
        if used is not None and was is not None:
            cpu[name] = (used - was) / pipeline.seconds
    other = listener.seen.count - pipeline.arrived

    log("ceiling: plain consumer …")
    top = ceiling(args.bootstrap, start, end, args.timeout)
    log(f"naive: {len(stream.sample):,} single-event queries …")
    naive_rate, naive_breaching, naive_found, naive_false = naive(args.opa_url, stream.sample, args.timeout)

    target = args.events / pipeline.seconds / 2
    count = max(1000, int(target * args.latency_seconds))
    log(f"latency: {count:,} events at {target:,.0f} events/s …")
    second = generate(
        count,
        args.seed + 1,
        f"{run_id}-latency",
        args.post_events,
        rate=target,
        interval_s=args.flush_interval,
    )
    before_latency = listener.seen.count
    latency_start = end_offsets(probe, topics)
    wait_s = max(300.0, args.latency_seconds * 10)
    latency, latencies, last_produce = latency_phase(args.bootstrap, listener, second, wait_s)
    caught, caught_at = wait_caught_up(admin, args.group, end_offsets(probe, topics), wait_s, latency_start)
    latency_caught_up = caught_at - last_produce if caught else None
    other += listener.seen.count - before_latency - len(latencies)

    listener.stop()
    watch.stop()
    hwm = proc_status_kb(pid, "VmHWM")
    notes = []
    if engine_pid(Path(args.pidfile)) != pid:
        notes.append("the policy-engine restarted during the run: its memory figure is not the run's")
    if not peak_reset:
        notes.append("VmHWM could not be reset: it is the engine's peak since it started")
    if (members_after := group_members(admin, args.group)) != 1 or members != 1:
        notes.append(
            f"the engine's group had {members} then {members_after} members (another worker shared it)"
        )
    if not idle:
        notes.append("the engine had others' records to judge when the run started")
    probe.close()

    figures = Figures(
        ceiling=Rate(top.events, top.seconds),
        ceiling_records=top.records,
        pipeline=Rate(args.events, pipeline.seconds),
        expected_breaches=stream.breaching,
        arrived_breaches=pipeline.arrived,
        other_breaches=other,
        caught_up_s=pipeline.caught_up_s,
        naive=naive_rate,
        naive_breaching=naive_breaching,
        naive_found=naive_found,
        naive_false=naive_false,
        latency=latency,
        latency_target_rate=target,
        latencies_s=tuple(latencies),
        latency_expected=second.breaching,
        latency_caught_up_s=latency_caught_up,
        cpu_cores=cpu,
        peak_rss_kb=watch.peak_kb or None,
        hwm_kb=hwm,
    )
    load_after = [round(load, 2) for load in os.getloadavg()]
    mix = ", ".join(f"{source} {count:,}" for source, count in stream.by_source.items())
    print(
        f"\nEngine benchmark, run {run_id}: {args.events:,} events of {args.day} ({mix}), "
        f"{stream.breaching:,} breaching, posts of {args.post_events} events\n"
    )
    print(render_table(figures))
    print(f"\n{render_machine(before, load_after)}")
    for note in notes:
        print(f"! {note}")
    if args.json:
        document = {
            "run": run_id,
            "machine": {**before, "load_average_after": load_after},
            "arguments": {**vars(args), "day": args.day.isoformat()},
            "stream": {
                "events": stream.events,
                "records": len(stream.records),
                "by_source": stream.by_source,
                "breaching_by_kind": stream.breaching_by_kind,
                "accounts": len(stream.accounts),
            },
            "breach_clauses": listener.seen.clauses,
            "figures": as_json(figures),
            "notes": notes,
        }
        Path(args.json).write_text(json.dumps(document, indent=2), encoding="utf-8")
    return 0 if figures.complete else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="events of the day (default 1,000,000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--day",
        type=date.fromisoformat,
        help="the working day the events describe, YYYY-MM-DD; one that has ended (default: the latest)",
    )
    parser.add_argument("--post-events", type=int, default=500, help="events per ingest post (default 500)")
    parser.add_argument(
        "--naive-sample", type=int, default=5000, help="events of the naive design (default 5000)"
    )
    parser.add_argument(
        "--latency-seconds", type=float, default=30.0, help="length of the 50 %% latency phase (default 30)"
    )
    parser.add_argument(
        "--flush-interval",
        type=float,
        default=0.1,
        help="latency phase: a post also flushes this long after its first event (default 0.1 s)",
    )
    parser.add_argument("--timeout", type=float, default=1800.0, help="longest wait for the pipeline (s)")
    parser.add_argument("--idle-timeout", type=float, default=60.0, help="wait for the engine to be idle (s)")
    parser.add_argument("--bootstrap", default="127.0.0.1:19092")
    parser.add_argument("--opa-url", default="http://127.0.0.1:18181")
    parser.add_argument("--pidfile", default=str(ROOT / ".local/pids/policy-engine.pid"))
    parser.add_argument("--group", default=GROUP)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if (
        args.events < 1000
        or args.naive_sample < 1
        or args.post_events < 1
        or args.latency_seconds <= 0
        or args.flush_interval <= 0
    ):
        parser.error("--events ≥ 1000, --naive-sample ≥ 1, --post-events ≥ 1, --latency-seconds > 0")
    now = datetime.now(UTC)
    args.day = args.day or last_working_day(now)
    if working_day(day_start(args.day))[1] > now:
        parser.error(
            f"--day {args.day} has not ended: its event times would move the shared engine's "
            "watermarks ahead of everyone else's events"
        )
    hosts = [
        httpx.URL(args.opa_url).host,
        *(server.rsplit(":", 1)[0] for server in args.bootstrap.split(",")),
    ]
    if any(host not in LOOPBACK for host in hosts):
        parser.error("loopback only: the benchmark floods what it talks to")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
