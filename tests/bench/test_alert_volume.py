"""The alert-volume figure's inputs: the engine day's breaches become case events as the
case-service would make them, and the table adds up."""

from collections import Counter
from datetime import timedelta

from alerter.config import load_trust_config
from alerter.domain.facts import OPENED
from alerter.domain.volume import simulate
from tests.bench.alert_volume import CLAUSES, ROOT, case_events, table, with_bundling
from tests.bench.engine_stream import BREACH_RATE, DAY_START


def test_the_days_breaches_become_case_events_one_case_per_person_and_clause() -> None:
    found = list(case_events(20_000, 1))
    assert len(found) == round(20_000 * BREACH_RATE)
    assert [at for at, _f in found] == sorted(at for at, _f in found)
    assert {f.clause for _at, f in found} <= {clause for clause, *_rest in CLAUSES.values()}
    opened = Counter((f.school_id, f.case_id) for _at, f in found if f.kind == OPENED)
    assert set(opened.values()) == {1}
    by_case = Counter(f.case_id for _at, f in found)
    assert max(f.breach_count for _at, f in found) == max(by_case.values())


def test_fatigue_control_sends_fewer_alerts_than_one_per_breach() -> None:
    config = load_trust_config(ROOT / "config" / "trust.yaml")
    volumes = simulate(config, case_events(20_000, 1), DAY_START + timedelta(days=1))
    assert set(volumes) == {"elms-farm", "st-peters"}
    for volume in volumes.values():
        assert volume.messages < volume.messages_unfiltered
        assert volume.immediate_alerts + volume.suppressed + volume.digest_lines == volume.case_events
    text = table(volumes)
    assert "| **alerts with fatigue control** |" in text
    assert text.count("\n") == 12
    bundled = simulate(with_bundling(config, 15), case_events(20_000, 1), DAY_START + timedelta(days=1))
    for school, volume in bundled.items():
        assert volume.messages <= volumes[school].messages
    assert "| **alerts with fatigue control and 15-minute bundling** |" in table(volumes, bundled, 15)
