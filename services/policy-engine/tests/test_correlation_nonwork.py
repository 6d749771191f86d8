import json
from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from invigilator.events.v1 import events_pb2
from policy_engine.correlation import nonwork
from policy_engine.correlation.nonwork import NonworkState
from policy_engine.correlation.settings import CorrelationSettings

SETTINGS = CorrelationSettings()
ALL_DAY = CorrelationSettings(
    working_days=frozenset(range(1, 8)), work_start=time(0, 0), work_end=time(23, 59, 59, 999999)
)
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # GMT: local = UTC


def proxy(event_id: str, when: datetime, account: str = "jsmith") -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=event_id, school_id="elms-farm", account=account, proxy=events_pb2.ProxyRequest(host="x")
    )
    event.occurred_at.FromDatetime(when)
    return event


def run(
    state: NonworkState, events: list[events_pb2.Event], cfg: CorrelationSettings = SETTINGS
) -> list[events_pb2.Event]:
    return [obs for event in events for obs in nonwork.observe(state, event, True, cfg)]


def minutes(start: datetime, n: int, prefix: str = "e") -> list[events_pb2.Event]:
    return [proxy(f"{prefix}{i}", start + timedelta(minutes=i)) for i in range(n)]


def test_sixty_minutes_is_not_over_the_threshold() -> None:
    assert run(NonworkState(), minutes(MONDAY, 60)) == []


def test_the_sixty_first_minute_emits_once_with_bounded_evidence() -> None:
    state = NonworkState()
    found = run(state, minutes(MONDAY, 61) + minutes(MONDAY + timedelta(hours=2), 30, "later"))
    assert len(found) == 1
    event = found[0]
    obs = event.observation
    assert obs.type == events_pb2.OBSERVATION_TYPE_DAILY_NONWORK_MINUTES
    assert (obs.date, obs.minutes) == ("2026-11-23", 61)
    assert len(obs.evidence_event_ids) == SETTINGS.nonwork_evidence_max == 50
    assert list(obs.evidence_event_ids) == [f"e{i}" for i in range(50)]
    assert event.occurred_at.ToDatetime(tzinfo=UTC) == MONDAY + timedelta(minutes=60)
    assert obs.window_start.ToDatetime(tzinfo=UTC) == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    assert obs.window_end.ToDatetime(tzinfo=UTC) == datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert (event.school_id, event.account) == ("elms-farm", "jsmith")
    # once emitted, the day keeps no minute set
    assert state.days[("elms-farm", "jsmith", "2026-11-23")].minutes == set()


def test_a_lower_threshold_is_a_parameter() -> None:
    found = run(NonworkState(), minutes(MONDAY, 6), CorrelationSettings(nonwork_minutes_per_day=5))
    assert [f.observation.minutes for f in found] == [6]


def test_repeats_within_a_minute_and_work_requests_do_not_count() -> None:
    state = NonworkState()
    same_minute = [proxy(f"s{i}", MONDAY + timedelta(seconds=i)) for i in range(59)]
    assert run(state, same_minute) == []
    assert len(state.days[("elms-farm", "jsmith", "2026-11-23")].minutes) == 1
    work = [proxy(f"w{i}", MONDAY + timedelta(minutes=i)) for i in range(100)]
    assert [nonwork.observe(state, e, False, SETTINGS) for e in work] == [[]] * 100


def test_working_hours_edges_and_weekends() -> None:
    cfg = CorrelationSettings(nonwork_minutes_per_day=0)
    day = datetime(2026, 11, 23, tzinfo=UTC)
    assert run(NonworkState(), [proxy("a", day + timedelta(hours=7, minutes=59))], cfg) == []
    assert run(NonworkState(), [proxy("b", day + timedelta(hours=17))], cfg) == []
    assert len(run(NonworkState(), [proxy("c", day + timedelta(hours=8))], cfg)) == 1
    assert len(run(NonworkState(), [proxy("d", day + timedelta(hours=16, minutes=59))], cfg)) == 1
    saturday = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    assert run(NonworkState(), [proxy("e", saturday)], cfg) == []


def test_bst_shifts_working_hours_and_the_local_day() -> None:
    cfg = CorrelationSettings(nonwork_minutes_per_day=0)
    # 07:30 UTC on a July weekday is 08:30 BST: working hours; in November it is 07:30 GMT: not.
    assert len(run(NonworkState(), [proxy("a", datetime(2026, 7, 1, 7, 30, tzinfo=UTC))], cfg)) == 1
    assert run(NonworkState(), [proxy("b", datetime(2026, 11, 25, 7, 30, tzinfo=UTC))], cfg) == []
    all_day = replace(ALL_DAY, nonwork_minutes_per_day=0)
    july = run(NonworkState(), [proxy("c", datetime(2026, 7, 1, 23, 30, tzinfo=UTC))], all_day)
    january = run(NonworkState(), [proxy("d", datetime(2026, 1, 1, 23, 30, tzinfo=UTC))], all_day)
    assert july[0].observation.date == "2026-07-02"
    assert january[0].observation.date == "2026-01-01"


def test_out_of_order_arrival_counts_the_same_minutes() -> None:
    events = minutes(MONDAY, 61)
    shuffled = events[30:] + events[:30][::-1]
    found = run(NonworkState(), shuffled)
    assert [f.observation.minutes for f in found] == [61]
    assert found[0].event_id == run(NonworkState(), events)[0].event_id


def test_each_account_and_day_is_counted_apart() -> None:
    events = minutes(MONDAY, 61) + minutes(MONDAY + timedelta(days=1), 61, "tue")
    events += [proxy(f"o{i}", MONDAY + timedelta(minutes=i), "other") for i in range(61)]
    found = run(NonworkState(), events)
    assert sorted((f.account, f.observation.date) for f in found) == [
        ("jsmith", "2026-11-23"),
        ("jsmith", "2026-11-24"),
        ("other", "2026-11-23"),
    ]
    assert len({f.event_id for f in found}) == 3


def test_state_round_trip_gives_the_same_results() -> None:
    events = minutes(MONDAY, 61) + minutes(MONDAY + timedelta(days=1), 70, "tue")
    whole = run(NonworkState(), events)
    state = NonworkState()
    split = run(state, events[:40])
    state = NonworkState.from_dict(json.loads(json.dumps(state.to_dict())))
    split += run(state, events[40:100])
    state = NonworkState.from_dict(json.loads(json.dumps(state.to_dict())))
    split += run(state, events[100:])
    assert [f.SerializeToString() for f in split] == [f.SerializeToString() for f in whole]
    assert NonworkState.from_dict(state.to_dict()) == state


def test_replay_is_byte_identical() -> None:
    events = minutes(MONDAY, 90)
    first = [f.SerializeToString() for f in run(NonworkState(), events)]
    second = [f.SerializeToString() for f in run(NonworkState(), events)]
    assert first == second
    assert len(first) == 1


def test_prune_forgets_old_days_and_refuses_late_events() -> None:
    state = NonworkState()
    run(state, minutes(MONDAY, 61))
    nonwork.prune(state, datetime(2026, 11, 25, 23, 59, tzinfo=UTC))
    assert len(state.days) == 1  # expires at the end of the day plus two days
    nonwork.prune(state, datetime(2026, 11, 26, 0, 0, tzinfo=UTC))
    assert state.days == {}
    # the pruned day cannot emit a second time
    assert run(state, minutes(MONDAY, 61, "again")) == []
    assert state.late == 61
    # a current day still counts
    assert len(run(state, minutes(datetime(2026, 11, 26, 9, 0, tzinfo=UTC), 61))) == 1


BASE = datetime(2026, 10, 23, 6, 0, tzinfo=UTC)  # Friday before the clocks go back (25 October)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=4 * 24 * 60 - 1), st.integers(0, 59), st.booleans()),
        max_size=400,
    ),
    st.integers(min_value=0, max_value=40),
)
def test_property_one_per_day_and_minutes_match_a_recount(
    raw: list[tuple[int, int, bool]], threshold: int
) -> None:
    cfg = CorrelationSettings(nonwork_minutes_per_day=threshold, work_start=time(6, 0), work_end=time(12, 0))
    zone = cfg.zone
    events = [
        (proxy(f"p{i}", BASE + timedelta(minutes=m, seconds=s)), flag) for i, (m, s, flag) in enumerate(raw)
    ]
    state = NonworkState()
    seen: dict[date, set[tuple[int, int]]] = defaultdict(set)
    emitted: dict[str, int] = {}
    for event, flag in events:
        local = event.occurred_at.ToDatetime(tzinfo=UTC).astimezone(zone)
        if flag and local.isoweekday() <= 5 and time(6, 0) <= local.time().replace(tzinfo=None) < time(12):
            seen[local.date()].add((local.hour, local.minute))
        for obs in nonwork.observe(state, event, flag, cfg):
            day = obs.observation.date
            assert day not in emitted, "at most one observation per local day"
            emitted[day] = obs.observation.minutes
            assert obs.observation.minutes == len(seen[date.fromisoformat(day)]) == threshold + 1
    over = {d.isoformat() for d, found in seen.items() if len(found) > threshold}
    assert set(emitted) == over
