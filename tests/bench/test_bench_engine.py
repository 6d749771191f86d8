"""The engine benchmark's stream and report, checked without Kafka, OPA or timing anything."""

import math
from collections import Counter
from datetime import UTC, date, datetime

import pytest

from invigilator.events.v1 import events_pb2
from svckit.batching import batch_key
from tests.bench.bench_engine import main
from tests.bench.engine_events import ACCOUNT_PREFIX, BREACH_KINDS, SCHOOLS
from tests.bench.engine_kafka import behind
from tests.bench.engine_report import Figures, Rate, as_json, percentile, ratio, render_table
from tests.bench.engine_stream import (
    MIX,
    TOPICS,
    Stream,
    allocate,
    day_start,
    events,
    generate,
    last_working_day,
    working_day,
)

N = 20_000


@pytest.fixture(scope="module")
def stream() -> Stream:
    return generate(N, seed=3, salt="test", sample=500)


def _decoded(stream: Stream) -> list[tuple[str, str, events_pb2.EventBatch]]:
    return [(r.topic, r.key, events_pb2.EventBatch.FromString(r.value)) for r in stream.records]


def test_the_same_seed_and_salt_give_the_same_records() -> None:
    first = generate(3000, seed=5, salt="a")
    again = generate(3000, seed=5, salt="a")
    assert [(r.topic, r.key, r.value, r.traceparent) for r in again.records] == [
        (r.topic, r.key, r.value, r.traceparent) for r in first.records
    ]
    assert again.breaching_ids == first.breaching_ids
    other_salt = generate(3000, seed=5, salt="b")
    assert other_salt.breaching_ids.isdisjoint(first.breaching_ids)
    assert [r.value for r in generate(3000, seed=6, salt="a").records] != [r.value for r in first.records]


def test_sources_follow_the_trust_mix_exactly(stream: Stream) -> None:
    assert stream.events == N
    assert stream.by_source == allocate(N, MIX)
    assert stream.by_source == {"proxy": 17_000, "endpoint": 2_000, "mail": 800, "directory": 200}
    assert stream.by_source["proxy"] > stream.by_source["endpoint"] > stream.by_source["mail"]
    assert stream.by_source["mail"] > stream.by_source["directory"]
    per_topic: Counter[str] = Counter()
    for topic, _key, batch in _decoded(stream):
        per_topic[topic] += len(batch.events)
    assert per_topic == {TOPICS[source]: count for source, count in stream.by_source.items()}


def test_half_a_percent_of_the_events_breach(stream: Stream) -> None:
    assert stream.breaching == round(N * 0.005) == 100
    assert sum(stream.breaching_by_kind.values()) == 100
    kinds = {kind for options in BREACH_KINDS.values() for kind, _ in options}
    assert set(stream.breaching_by_kind) <= kinds
    # The records name exactly the breaching events they carry.
    named = [event_id for record in stream.records for event_id in record.breaching]
    assert sorted(named) == sorted(stream.breaching_ids)
    assert stream.breaching_where.keys() == stream.breaching_ids
    for record in stream.records:
        for event_id in record.breaching:
            assert stream.breaching_where[event_id][1:] == (record.topic, record.key)


def test_records_are_keyed_like_the_ingest_services(stream: Stream) -> None:
    schools = {school.school_id for school in SCHOOLS}
    for topic, key, batch in _decoded(stream):
        assert topic in TOPICS.values()
        assert batch.school_id in schools
        assert 1 <= len(batch.events) <= 500
        assert all(batch_key(event.school_id, event.account) == key for event in batch.events)
    assert sum(record.events for record in stream.records) == N


def test_many_accounts_of_two_schools_over_one_working_day(stream: Stream) -> None:
    assert len(stream.accounts) > 500
    assert all(account.startswith(ACCOUNT_PREFIX) for _, account in stream.accounts)
    assert {school for school, _ in stream.accounts} == {school.school_id for school in SCHOOLS}
    start, end = working_day()
    assert stream.first_at is not None
    assert stream.last_at is not None
    assert start <= stream.first_at < stream.last_at <= end
    assert (stream.last_at - stream.first_at).total_seconds() > 8 * 3600
    times = [event.occurred_at.ToNanoseconds() for _, event, _ in events(2000, 3, "t")]
    assert times == sorted(times)
    ids = [event.event_id for _, event, _ in events(2000, 3, "t")]
    assert len(set(ids)) == len(ids)


def test_breaches_come_from_few_accounts(stream: Stream) -> None:
    breaching_accounts = {
        event.account
        for _, _, batch in _decoded(stream)
        for event in batch.events
        if event.event_id in stream.breaching_ids
    }
    assert 0 < len(breaching_accounts) <= 2 * 20


def test_the_sample_is_spread_and_labelled(stream: Stream) -> None:
    assert len(stream.sample) == 500
    payloads = Counter(event.WhichOneof("payload") for event, _ in stream.sample)
    assert payloads["proxy"] > payloads["endpoint"] > payloads["mail"]
    assert all(label == (event.event_id in stream.breaching_ids) for event, label in stream.sample)


def test_paced_posts_flush_by_count_or_interval() -> None:
    paced = generate(4000, seed=2, salt="p", post_events=500, rate=2000.0, interval_s=0.1)
    times = [record.at for record in paced.records]
    assert times == sorted(times)
    assert 0 < times[-1] <= 2.0
    # At 2,000 events/s over 8 source/school streams, the 100 ms interval flushes posts long
    # before they reach 500 events.
    per_post = Counter((record.at, record.traceparent) for record in paced.records)
    assert len(per_post) > 4000 / 500
    assert all(record.at == 0.0 for record in generate(2000, seed=2, salt="p").records)


def test_allocate_is_exact() -> None:
    assert allocate(7, {"a": 1, "b": 1, "c": 1}) == {"a": 3, "b": 2, "c": 2}
    assert sum(allocate(999_999, MIX).values()) == 999_999
    with pytest.raises(ValueError, match="at least one"):
        generate(0)


def test_behind_counts_what_the_group_has_not_committed() -> None:
    target = {("t", 0): 100, ("t", 1): 50, ("t", 2): 0}
    since = {("t", 0): 80, ("t", 1): 50, ("t", 2): 0}
    assert behind({("t", 0): 100}, target, since) == 0
    assert behind({("t", 0): 90}, target, since) == 10
    # A partition the run did not write to but the group lags on still counts.
    assert behind({("t", 0): 100, ("t", 1): 40}, target, since) == 10


def _figures(**overrides: object) -> Figures:
    values: dict[str, object] = {
        "ceiling": Rate(1_000_000, 5.0),
        "ceiling_records": 130_000,
        "pipeline": Rate(1_000_000, 100.0),
        "expected_breaches": 5000,
        "arrived_breaches": 5000,
        "other_breaches": 40,
        "caught_up_s": 101.5,
        "naive": Rate(5000, 6.25),
        "naive_breaching": 25,
        "naive_found": 25,
        "naive_false": 0,
        "latency": Rate(150_000, 30.0),
        "latency_target_rate": 5000.0,
        "latencies_s": tuple(i / 100 for i in range(1, 101)),
        "latency_expected": 100,
        "peak_rss_kb": 200 * 1024,
        "hwm_kb": 210 * 1024,
        "latency_caught_up_s": 0.4,
        "cpu_cores": {"policy-engine": 0.9, "opa": 0.55},
    }
    values.update(overrides)
    return Figures(**values)  # type: ignore[arg-type]


def test_rates_and_ratios() -> None:
    figures = _figures()
    assert figures.ceiling.per_second == 200_000
    assert figures.pipeline.per_second == 10_000
    assert figures.naive.per_second == 800
    assert figures.pipeline_over_naive == pytest.approx(12.5)
    assert figures.pipeline_over_ceiling == pytest.approx(0.05)
    assert figures.complete
    assert not _figures(arrived_breaches=4999).complete
    assert Rate(10, 0.0).per_second == 0.0
    assert math.isnan(ratio(1.0, 0.0))


def test_percentiles_are_nearest_rank() -> None:
    values = [i / 100 for i in range(1, 101)]
    assert percentile(values, 50) == 0.5
    assert percentile(values, 99) == 0.99
    assert percentile(list(reversed(values)), 100) == 1.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) is None
    with pytest.raises(ValueError, match="p must"):
        percentile(values, 0)


def test_the_table_holds_every_figure() -> None:
    table = render_table(_figures())
    lines = table.splitlines()
    assert len(lines) == 2 + 8
    assert len({len(line) for line in lines}) == 1  # aligned
    for text in (
        "200,000 ev/s",
        "10,000 ev/s",
        "800 ev/s",
        "500 ms / 990 ms",
        "12.5x",
        "meets the goal",
        "5.0%",
        "below the goal",
        "210 MB",
        "5,000/5,000 expected breaches",
        "25/25 breaching found",
        "caught up 400 ms after the last produce",
        "1.45 cores",
        "policy-engine 0.90, opa 0.55",
    ):
        assert text in table, text
    slow = render_table(_figures(latencies_s=(1.5, 2.25)))
    assert "1.50 s / 2.25 s" in slow
    empty = render_table(_figures(latencies_s=(), hwm_kb=None, peak_rss_kb=None))
    assert "- / -" in empty


def test_json_carries_the_ratios() -> None:
    document = as_json(_figures())
    assert document["pipeline_over_naive"] == pytest.approx(12.5)
    assert document["pipeline_over_ceiling"] == pytest.approx(0.05)
    assert document["complete"] is True


def test_only_loopback_and_sane_arguments() -> None:
    with pytest.raises(SystemExit):
        main(["--events", "10"])
    with pytest.raises(SystemExit):
        main(["--opa-url", "http://opa.example:8181"])
    with pytest.raises(SystemExit):
        main(["--bootstrap", "kafka.example:9092"])


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2026, 11, 23, 7, 30, tzinfo=UTC), date(2026, 11, 20)),  # Monday morning: Friday
        (datetime(2026, 11, 23, 16, 59, tzinfo=UTC), date(2026, 11, 20)),
        (datetime(2026, 11, 23, 17, 0, tzinfo=UTC), date(2026, 11, 23)),  # Monday, 17:00 GMT
        (datetime(2026, 11, 25, 12, 0, tzinfo=UTC), date(2026, 11, 24)),
        (datetime(2026, 11, 29, 20, 0, tzinfo=UTC), date(2026, 11, 27)),  # Sunday: Friday
        (datetime(2026, 6, 3, 16, 30, tzinfo=UTC), date(2026, 6, 3)),  # 17:30 BST
        (datetime(2026, 6, 3, 15, 30, tzinfo=UTC), date(2026, 6, 2)),
    ],
)
def test_the_day_is_the_latest_that_has_ended(now: datetime, day: date) -> None:
    assert last_working_day(now) == day
    assert working_day(day_start(day))[1] <= now


def test_days_start_at_eight_in_london() -> None:
    assert day_start(date(2026, 11, 23)) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert day_start(date(2026, 6, 3)) == datetime(2026, 6, 3, 7, 0, tzinfo=UTC)  # BST
    start = day_start(date(2026, 6, 3))
    moments = [event.occurred_at.ToDatetime(UTC) for _, event, _ in events(500, 1, "s", start)]
    assert start <= min(moments)
    assert max(moments) < working_day(start)[1]


def test_a_day_that_has_not_ended_is_refused() -> None:
    with pytest.raises(SystemExit):
        main(["--day", "2999-01-04"])
