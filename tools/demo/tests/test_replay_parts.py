"""Pure parts of the replay and the trace: the schedule, proxy auth, record keys, span lines."""

import base64
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from invigilator_demo.clock import DemoClock
from invigilator_demo.day import plan_day
from invigilator_demo.main import parse, run_accounts
from invigilator_demo.peers import ldif_dns, record_key
from invigilator_demo.plan import EndpointEvent, MailMessage, WebRequest
from invigilator_demo.replay import proxy_authorization, schedule, totals
from invigilator_demo.trace import find_spans, parse_span

START = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)


def test_records_go_out_on_the_demo_clock_in_time_order() -> None:
    clock = DemoClock(START, wall_start=100.0, speed=600)
    doc = EndpointEvent(START + timedelta(minutes=15), "elms-farm", {"host": {"name": "ef-pc01"}})
    web = WebRequest(START + timedelta(minutes=10), "elms-farm", "jsmith", "127.31.0.1", "GET", "http://a/")
    mail = MailMessage(START + timedelta(minutes=10), "elms-farm", "a@b", ("c@d",), b"x")
    plan = schedule([doc, web, mail], clock)
    # Ten demo minutes are one real second at ×600; the same moment keeps the order given.
    assert [record for _wall, record in plan] == [web, mail, doc]
    assert [wall for wall, _record in plan] == [101.0, 101.0, 101.5]
    assert totals([web, mail, doc]) == {"proxy": 1, "mail": 1, "endpoint": 1}


def test_proxy_authorization_is_basic() -> None:
    header = proxy_authorization("jsmith-ab12")
    assert base64.b64decode(header.removeprefix("Basic ")) == b"jsmith-ab12:x"


def test_documents_are_keyed_by_school() -> None:
    assert record_key({"host": {"name": "ef-pc07"}, "fields": {"school": "elms-farm"}}) == "elms-farm"
    assert record_key({"host": {"name": "ef-pc07"}}) == "ef-pc07"
    assert record_key({}) == "-"


def test_ldif_dns_unfolds_lines() -> None:
    ldif = (
        "version: 1\n\ndn: DC=trust,DC=example\nobjectClass: top\n\n"
        "dn: CN=Jane Smith,OU=Staff,\n OU=Elms Farm,DC=x\ncn: J\n"
    )
    assert ldif_dns(ldif) == ["DC=trust,DC=example", "CN=Jane Smith,OU=Staff,OU=Elms Farm,DC=x"]


def span_line(trace: str, service: str, name: str, start: str, end: str) -> str:
    return json.dumps(
        {
            "name": name,
            "context": {"trace_id": f"0x{trace}", "span_id": "0x1"},
            "kind": "SpanKind.CONSUMER",
            "start_time": start,
            "end_time": end,
            "resource": {"attributes": {"service.name": service}},
        }
    )


def test_spans_of_one_trace_in_time_order(tmp_path: Path) -> None:
    trace = "c090ec29f386124c27207a2ed865e893"
    (tmp_path / "alerter.log").write_text(
        "INFO something\n"
        + span_line(trace, "alerter", "alert", "2026-11-23T14:19:03.5Z", "2026-11-23T14:19:03.6Z")
        + "\n"
    )
    old = span_line(trace, "ingest-proxy", "old run", "2026-11-23T14:00:00Z", "2026-11-23T14:00:01Z") + "\n"
    proxy = tmp_path / "ingest-proxy.log"
    proxy.write_text(
        old
        + span_line(
            trace, "ingest-proxy", "POST /v1/schools", "2026-11-23T14:19:03.0Z", "2026-11-23T14:19:03.02Z"
        )
        + "\n"
        + span_line(
            trace, "ingest-proxy", "POST http send", "2026-11-23T14:19:03.01Z", "2026-11-23T14:19:03.011Z"
        )
        + "\n"
        + span_line("f" * 32, "ingest-proxy", "other", "2026-11-23T14:19:02Z", "2026-11-23T14:19:03Z")
        + "\n"
    )
    spans = find_spans(tmp_path, trace, {proxy: len(old)})
    assert [(s.service, s.name) for s in spans] == [
        ("ingest-proxy", "POST /v1/schools"),
        ("alerter", "alert"),
    ]
    assert round(spans[0].duration_ms) == 20
    assert spans[1].kind == "CONSUMER"
    assert parse_span("not json 0x" + trace, trace) is None


def test_the_run_counts_the_mail_of_its_role_mailboxes_too() -> None:
    plan = plan_day(0.05, 1, date(2026, 11, 24), "t1")
    accounts = run_accounts(plan)
    senders = {(r.school, r.sender) for r in plan.records if isinstance(r, MailMessage)}
    assert ("elms-farm", "office@elmsfarm.example.sch.uk") in senders
    assert all(sender in accounts[school] for school, sender in senders)
    assert all(person.account in accounts[person.school] for person in plan.staff)


def test_run_arguments_have_working_defaults_and_are_checked(capsys: pytest.CaptureFixture[str]) -> None:
    args = parse(["run"])
    assert (args.scale, args.speed, args.tag, args.day) == (1.0, 600.0, None, "")
    assert parse(["run", "--tag", "e2e1", "--speed", "900"]).tag == "e2e1"
    for wrong in (["--tag", "Bad_Tag"], ["--tag", ""], ["--speed", "0"], ["--speed", "1e6"]):
        with pytest.raises(SystemExit):
            parse(["run", *wrong])
    assert "1 to 8 of a-z and 0-9" in capsys.readouterr().err
