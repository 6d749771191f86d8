"""The demo day generator (fast: no OPA). test_day_check.py judges a generated day for real."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, time
from email import message_from_bytes
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from ingest_mail.ingest import parse_message
from ingest_proxy.squid import parse_line
from invigilator_demo.day import plan_day, squid_line, staff_ldif, write_files
from invigilator_demo.gen_trust import LONDON, POLICIES
from invigilator_demo.plan import DayPlan, EndpointEvent, MailMessage, WebRequest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = {"proxy", "mail", "endpoint", "directory"}


@pytest.fixture(scope="module")
def small() -> DayPlan:
    return plan_day(scale=0.05, seed=1, tag="zz9")


@pytest.fixture(scope="module")
def full() -> DayPlan:
    return plan_day(scale=1.0, seed=1)


def test_same_seed_same_day_other_seed_other_day() -> None:
    first, again = plan_day(scale=0.05, seed=7), plan_day(scale=0.05, seed=7)
    assert first == again
    assert plan_day(scale=0.05, seed=8).records != first.records


def test_the_tag_renames_people_and_changes_nothing_else(small: DayPlan) -> None:
    plain = plan_day(scale=0.05, seed=1)
    assert len(plain.records) == len(small.records)
    assert Counter((p.school, p.clause) for p in plain.planted) == Counter(
        (p.school, p.clause) for p in small.planted
    )
    assert all(person.account.endswith("-zz9") for person in small.staff)
    assert all(person.mail.split("@")[0].endswith("-zz9") for person in small.staff)
    assert all(p.account == "" or p.account.split("@")[0].endswith("-zz9") for p in small.planted)
    for record in small.records:
        if isinstance(record, WebRequest):
            assert record.account.endswith("-zz9")
        elif isinstance(record, EndpointEvent):
            data = record.doc["winlog"]["event_data"]
            names = [data.get("TargetUserName"), data.get("Detection User"), record.doc["winlog"].get("user")]
            for name in filter(None, names):
                text = name["name"] if isinstance(name, dict) else name
                assert text.endswith(("-zz9", "$")), text
    ldif = staff_ldif(small)
    accounts = [line.split(": ")[1] for line in ldif.splitlines() if line.startswith("sAMAccountName: ")]
    assert accounts
    assert all(account.endswith("-zz9") for account in accounts)
    assert not {p.account for p in small.staff} & {p.account for p in plain.staff}


def test_staff_and_volumes_at_scale_1(full: DayPlan) -> None:
    for school in full.schools:
        people = [p for p in full.staff if p.school == school.id and not p.disabled]
        assert 40 <= len(people) <= 90
        counts = Counter(type(r).__name__ for r in full.records if r.school == school.id)
        assert 2000 <= counts["WebRequest"] <= 8000, counts
        assert 150 <= counts["MailMessage"] <= 600, counts
        assert 200 <= counts["EndpointEvent"] <= 1000, counts
        breachers = {p.account for p in people} - full.clean_accounts[school.id]
        assert 0.04 <= len(breachers) / len(people) <= 0.15


def test_volumes_scale(small: DayPlan, full: DayPlan) -> None:
    tenth = plan_day(scale=0.1, seed=1)
    for kind in (WebRequest, MailMessage):
        n_small, n_tenth, n_full = (sum(isinstance(r, kind) for r in p.records) for p in (small, tenth, full))
        assert n_small < n_tenth < n_full
        assert n_full > 5 * n_tenth


def test_records_are_in_time_order_within_the_school_day(small: DayPlan) -> None:
    times = [record.at for record in small.records]
    assert times == sorted(times)
    assert all(time(7, 30) <= moment.astimezone(LONDON).time() <= time(17, 30) for moment in times)
    assert all(moment.astimezone(LONDON).date() == date(2026, 11, 24) for moment in times)


def test_british_summer_time_is_respected() -> None:
    plan = plan_day(scale=0.05, day=date(2026, 6, 16))
    local = [record.at.astimezone(LONDON) for record in plan.records]
    assert min(local).time() >= time(7, 30)
    assert max(local).time() <= time(17, 30)
    assert min(record.at for record in plan.records).hour == 6  # 07:30 BST is 06:30 UTC


def test_only_school_days_and_sane_arguments() -> None:
    with pytest.raises(ValueError, match="Saturday"):
        plan_day(scale=0.05, day=date(2026, 11, 28))
    with pytest.raises(ValueError, match="tag"):
        plan_day(scale=0.05, tag="Bad Tag")
    with pytest.raises(ValueError, match="scale"):
        plan_day(scale=0)


def test_every_school_has_breaches_from_every_source(small: DayPlan) -> None:
    for school in small.schools:
        planted = [p for p in small.planted if p.school == school.id]
        assert {p.source for p in planted} == SOURCES
        clauses = {p.clause for p in planted}
        assert {
            "NET-SOCIAL",
            "NET-GAMBLING",
            "NET-STREAMING",
            "NET-ADULT",
            "NET-MALICIOUS",
            "NET-COPYRIGHT",
            "NET-EXCESSIVE-NONWORK",
            "DATA-THIRD-PARTY",
            "MAIL-PERSONAL",
            "MAIL-EXECUTABLE",
            "MAIL-CONFIDENTIAL-EXTERNAL",
            "MAIL-OFFENSIVE-SUBJECT",
            "SW-UNAUTHORISED",
            "DEVICE-UNAPPROVED",
            "MALWARE-DETECTED",
            "SESSION-UNLOCKED",
            "PWD-NOT-REQUIRED",
            "LEAVER-HANDOVER",
        } <= clauses
        malware = [p for p in planted if p.clause == "MALWARE-DETECTED"]
        assert len(malware) == (3 if POLICIES[school.id].relogon_breach else 2)
    assert sum(p.clause == "NET-CHILD-HARM" for p in small.planted) == 1


def test_clean_accounts_are_staff_that_no_breach_names(small: DayPlan) -> None:
    named = {p.account for p in small.planted}
    for school in small.schools:
        clean = small.clean_accounts[school.id]
        people = {p.account: p for p in small.staff if p.school == school.id}
        assert clean
        assert clean <= set(people)
        assert not clean & named
        assert not {people[account].mail for account in clean} & named


def test_mail_date_header_is_at_and_recipients_are_to_and_cc(small: DayPlan) -> None:
    for record in small.records:
        if isinstance(record, MailMessage):
            message = message_from_bytes(record.raw)
            assert parsedate_to_datetime(message["Date"]) == record.at
            listed = [a.strip() for h in ("To", "Cc") if message[h] for a in str(message[h]).split(",")]
            assert tuple(listed) == record.recipients
            assert record.sender in (str(message["Sender"] or ""), str(message["From"]))


def test_endpoint_docs_carry_at_and_the_school(small: DayPlan) -> None:
    for record in small.records:
        if isinstance(record, EndpointEvent):
            assert record.doc["fields"] == {"school": record.school}
            stamp = record.at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{record.at.microsecond // 1000:03d}Z"
            assert record.doc["@timestamp"] == stamp


def test_squid_lines_parse_back_to_the_request(small: DayPlan) -> None:
    requests = [record for record in small.records if isinstance(record, WebRequest)]
    assert any(r.upload_bytes for r in requests)
    school_of = {school.id: school.subnet for school in small.schools}
    for request in requests:
        parsed = parse_line(squid_line(request))
        assert parsed.user == request.account
        assert parsed.url == request.url
        assert abs((parsed.timestamp - request.at).total_seconds()) < 0.001
        assert parsed.bytes > request.upload_bytes
        assert request.client_ip.startswith(school_of[request.school] + ".")
        assert request.url.startswith("http://")


def test_write_files_lays_out_every_source(small: DayPlan, tmp_path: Path) -> None:
    written = write_files(small, tmp_path)
    for school in small.schools:
        files = written[school.id]
        assert set(files) == {"squid", "ecs", "eml", "ldif"}
        lines = files["ecs"][0].read_text().splitlines()
        assert all(json.loads(line)["fields"]["school"] == school.id for line in lines)
        assert len(files["eml"]) == sum(
            isinstance(r, MailMessage) and r.school == school.id for r in small.records
        )
    assert "OU=Leavers,OU=St Peter's,DC=trust,DC=example" in (tmp_path / "directory.ldif").read_text()


def test_policy_facts_match_the_policy_data() -> None:
    for school_id, policy in POLICIES.items():
        data = json.loads((ROOT / "policies-rego/data/schools" / school_id / "data.json").read_text())
        assert list(policy.approved_software) == data["approved_software"]
        assert list(policy.approved_processors) == data["approved_data_processors"]
        assert policy.platform == data["mail_platform"]
        assert policy.relogon_breach == data.get("relogon_after_malware_is_breach", False)
        domain = data["mail_domains"][0]
        assert [f"{policy.all_staff_list}@{domain}"] == data["all_staff_lists"]
        assert f"{policy.broadcaster}@{domain}" in data["broadcast_senders"]
        stick = {"vendor_id": "0781", "product_id": "5581"}
        assert policy.approved_stick == any(stick.items() <= d.items() for d in data["approved_devices"])


def test_the_smtp_receiver_reads_each_message_as_the_eml_check_does(small: DayPlan) -> None:
    """The driver delivers with MAIL FROM = `sender` to the journal mailbox (never a recipient):
    ingest-mail then sees the same event as from the .eml file."""
    for record in small.records:
        if isinstance(record, MailMessage):
            school = next(s for s in small.schools if s.id == record.school)
            domains = frozenset({school.mail_domain})
            smtp = parse_message(record.raw, school.id, domains, envelope_from=record.sender)
            eml = parse_message(record.raw, school.id, domains)
            assert not smtp.rejects
            assert len(smtp.events) == 1
            assert smtp.events[0].mail == eml.events[0].mail
            assert smtp.events[0].account == eml.events[0].account
