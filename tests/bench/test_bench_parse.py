"""The parse benchmark's corpora and report, checked without timing anything.

Every format's corpus must parse into exactly the events and rejects it promises (the malformed
records refused, the rest accepted), or the throughput figures would describe the wrong work.
"""

import json
from collections import Counter
from pathlib import Path

import pytest

from tests.bench import bench_parse
from tests.bench.bench_parse import Result, bench, parse_all, render_table, select
from tests.bench.parse_corpus import FORMATS, Corpus, generate
from tests.bench.parse_targets import TARGETS, Batch

RECORDS = 400


def _records(format_name: str) -> int:
    return 40 if format_name == "mail.eml" else RECORDS


def _skipped(batches: list[Batch]) -> int:
    total = 0
    for batch in batches:
        skipped = getattr(batch, "skipped", 0)
        total += sum(skipped.values()) if isinstance(skipped, Counter) else int(skipped)
    return total


@pytest.fixture(scope="module", params=FORMATS)
def corpus(request: pytest.FixtureRequest) -> Corpus:
    return generate(request.param, _records(request.param), seed=3)


def test_every_format_has_a_parser_and_a_baseline() -> None:
    assert set(TARGETS) == set(FORMATS)
    assert len(FORMATS) == 13


@pytest.mark.parametrize("format_name", FORMATS)
def test_the_same_seed_gives_the_same_bytes(format_name: str) -> None:
    first = generate(format_name, 120, seed=11)
    assert generate(format_name, 120, seed=11) == first
    assert generate(format_name, 120, seed=12).inputs != first.inputs


def test_one_record_in_a_hundred_is_malformed(corpus: Corpus) -> None:
    assert corpus.rejects == max(1, corpus.records // 100)
    assert corpus.records == _records(corpus.format)
    assert 0 < corpus.events <= corpus.records


def test_the_corpus_parses_into_the_promised_events_and_rejects(corpus: Corpus) -> None:
    batches = parse_all(TARGETS[corpus.format], corpus)
    events = [event for batch in batches for event in batch.events]
    rejects = [reject for batch in batches for reject in batch.rejects]
    assert (len(events), len(rejects), _skipped(batches)) == (corpus.events, corpus.rejects, corpus.skipped)
    assert all(reject.reason and reject.format == corpus.format for reject in rejects)
    assert all(event.event_id and event.WhichOneof("payload") for event in events)
    # Varied records: many distinct event ids and accounts, not one record repeated.
    assert len({event.event_id for event in events}) > len(events) // 2
    assert len({event.account for event in events}) > 5


def test_the_baseline_finds_every_record(corpus: Corpus) -> None:
    baseline = TARGETS[corpus.format].baseline
    assert sum(baseline(data) for data in corpus.inputs) == corpus.records


def test_bench_reports_the_counts_it_measured() -> None:
    corpus = generate("proxy.squid", 200)
    result = bench(corpus, repeats=1, budget_s=0.0)
    assert (result.events, result.rejects, result.runs) == (198, 2, 1)
    assert result.as_expected
    assert result.batches >= 1
    assert result.parse_best_s > 0
    assert result.baseline_best_s > 0


def _result(name: str, events: int) -> Result:
    return Result(
        format=name,
        records=1000,
        bytes=150_000,
        events=events,
        rejects=10,
        expected_events=990,
        expected_rejects=10,
        runs=5,
        parse_best_s=0.05,
        parse_median_s=0.06,
        baseline_best_s=0.002,
        baseline_median_s=0.0025,
        serialise_best_s=0.004,
        batches=64,
    )


def test_table_renders_rates_ratio_and_marks_wrong_counts() -> None:
    table = render_table([_result("proxy.squid", 990), _result("mail.gmail", 400)]).splitlines()
    assert table[0].startswith("| format")
    for column in ("parse rec/s", "baseline rec/s", "ratio", "µs/record", "batch ev/s"):
        assert column in table[0]
    assert set(table[1]) <= {"|", "-", ":"}
    squid = [cell.strip() for cell in table[2].strip("|").split("|")]
    rates = ["20,000", "500,000", "25.0x", "990", "10", "50.0", "247,500", "5"]
    assert squid == ["proxy.squid", "1,000", *rates]
    assert table[3].startswith("| mail.gmail !")
    assert len({len(line) for line in table}) == 1


def test_formats_are_chosen_by_name_or_unique_tail() -> None:
    assert select("") == list(FORMATS)
    assert select("squid, mail.eml,directory.ldif") == ["proxy.squid", "mail.eml", "directory.ldif"]
    with pytest.raises(ValueError, match="ecs"):
        select("ecs")  # endpoint.ecs or directory.ecs
    with pytest.raises(ValueError, match="nothing"):
        select("bluecoat")


def test_cli_prints_the_table_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "parse.json"
    code = bench_parse.main(
        ["--records", "50", "--repeats", "1", "--budget", "0", "--formats", "squid,eml", "--json", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    for expected in ("| proxy.squid ", "| mail.eml ", "nproc"):
        assert expected in printed
    document = json.loads(out.read_text())
    assert [row["format"] for row in document["results"]] == ["proxy.squid", "mail.eml"]
    assert {"nproc", "load_average", "protobuf"} <= set(document["machine"])
    assert all(row["ratio"] > 0 and row["events"] == row["expected_events"] for row in document["results"])
