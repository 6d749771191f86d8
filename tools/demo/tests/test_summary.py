"""Summary aggregation: planted vs found as multisets, expected cases, clean staff, alerts."""

from datetime import UTC, datetime

from case_service.domain.pseudonym import pseudonym
from invigilator_demo.observe import AlertMail, CaseRow, FoundBreach, alert_from_bytes
from invigilator_demo.plan import DayPlan, Planted, School, Staff, WebRequest
from invigilator_demo.shipper import ShipperStats
from invigilator_demo.summary import (
    alerts_per_school,
    clean_with,
    clean_with_cases,
    expected_cases,
    mailbox_per_school,
    match_planted,
    shortfalls,
    summarise,
)

KEY = b"test-key"
EF = School("elms-farm", "Elms Farm Primary", "Elms Farm", "elmsfarm.example.sch.uk", "127.31")
SP = School("st-peters", "St Peter's", "St Peter's", "stpeters.example.sch.uk", "127.32")


def found(school: str, clause: str, account: str, n: int = 0) -> FoundBreach:
    return FoundBreach(f"{school}{clause}{account}{n}", school, clause, account, 3, (f"ev{n}",))


def planted(school: str, clause: str, account: str) -> Planted:
    return Planted(school, clause, account, "proxy", "a visit")


def test_planted_and_found_are_matched_as_multisets_case_insensitively() -> None:
    plants = [
        planted("elms-farm", "NET-SOCIAL", "JSmith"),
        planted("elms-farm", "NET-SOCIAL", "jsmith"),
        planted("st-peters", "MAIL-EXECUTABLE", ""),
    ]
    breaches = [
        found("elms-farm", "NET-SOCIAL", "jsmith", 1),
        found("st-peters", "MAIL-EXECUTABLE", "", 2),
        found("st-peters", "SESSION-UNLOCKED", "bob", 3),
    ]
    hit, missing, extra = match_planted(plants, breaches)
    assert len(hit) == 2
    assert missing == [plants[1]], "two planted breaches need two found ones"
    assert extra == [breaches[2]]


def test_expected_cases_are_person_and_clause_pairs_with_an_account() -> None:
    breaches = [
        found("elms-farm", "NET-SOCIAL", "jsmith", 1),
        found("elms-farm", "NET-SOCIAL", "JSMITH", 2),  # the same person: one case
        found("elms-farm", "NET-ADULT", "jsmith", 3),
        found("st-peters", "DEVICE-UNAPPROVED", "", 4),  # no account: the case-service opens none
    ]
    assert expected_cases(breaches, KEY) == {"elms-farm": 2}


def test_clean_staff_with_breaches_or_cases() -> None:
    clean = {"elms-farm": {"amy", "Bob"}, "st-peters": {"cara"}}
    assert clean_with(clean, [("elms-farm", "bob"), ("st-peters", "amy")]) == {
        "elms-farm": ["Bob"],
        "st-peters": [],
    }
    cases = [case("c1", "st-peters", pseudonym(KEY, "st-peters", "cara"))]
    assert clean_with_cases(clean, cases, KEY) == {"elms-farm": [], "st-peters": ["cara"]}


def case(case_id: str, school: str, staff: str, clause: str = "NET-SOCIAL") -> CaseRow:
    return CaseRow(case_id, school, staff, clause, "high", "hr", "triage", 1)


def alert(key: str, to: str, *case_ids: str) -> AlertMail:
    return AlertMail(key, to, "[Invigilator] …", tuple(case_ids), ("t" * 32,))


def test_alerts_are_counted_per_school_of_the_cases_they_name() -> None:
    cases = [case("c1", "elms-farm", "s1"), case("c2", "st-peters", "s2")]
    alerts = [
        alert("1", "slg@elmsfarm.example.sch.uk", "c1"),
        alert("2", "head@elmsfarm.example.sch.uk", "c1", "c2"),  # a bundle
        alert("3", "it-ops@trust.example.org.uk", "elsewhere"),
    ]
    assert alerts_per_school(alerts, cases) == {"elms-farm": 2, "st-peters": 1}
    domains = {"elmsfarm.example.sch.uk": "elms-farm"}
    assert mailbox_per_school(alerts, domains) == {"elms-farm": 2, "trust": 1}


def test_an_alert_email_names_its_cases_and_trace() -> None:
    raw = (
        b"From: invigilator@trust.example.org.uk\r\nTo: slg@elmsfarm.example.sch.uk\r\n"
        b"Subject: [Invigilator] Elms Farm Primary: NET-SOCIAL\r\nX-Invigilator-Trace-Id: abc123\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        b"Open the case: http://127.0.0.1:18300/graphql#case=3Dfc96a624-bdad-5e37-990f-=\r\n"
        b"603938793139\r\n"
    )
    mail = alert_from_bytes("k", raw)
    assert mail.to == "slg@elmsfarm.example.sch.uk"
    assert mail.case_ids == ("fc96a624-bdad-5e37-990f-603938793139",)
    assert mail.trace_ids == ("abc123",)


def test_summarise_a_tiny_day() -> None:
    at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    staff = [
        Staff(
            "elms-farm", "jsmith", "Jane Smith", "jane.smith@elmsfarm.example.sch.uk", "EF-PC01", "127.31.0.1"
        ),
        Staff("elms-farm", "amy", "Amy Clean", "amy@elmsfarm.example.sch.uk", "EF-PC02", "127.31.0.2"),
        Staff("st-peters", "cara", "Cara Clean", "cara@stpeters.example.sch.uk", "SP-PC01", "127.32.0.1"),
    ]
    records = [WebRequest(at, "elms-farm", "jsmith", "127.31.0.1", "GET", "http://www.facebook.com/")]
    plan = DayPlan(
        at.replace(hour=0),
        [EF, SP],
        staff,
        list(records),
        [planted("elms-farm", "NET-SOCIAL", "jsmith")],
        {"elms-farm": {"amy"}, "st-peters": {"cara"}},
    )
    breaches = [found("elms-farm", "NET-SOCIAL", "jsmith", 1)]
    cases = [case("c1", "elms-farm", pseudonym(KEY, "elms-farm", "jsmith"))]
    alerts = [alert("1", "slg@elmsfarm.example.sch.uk", "c1")]
    ef, sp = summarise(
        plan,
        {("elms-farm", "proxy"): 1},
        {("elms-farm", "proxy"): 1},
        {},
        breaches,
        cases,
        alerts,
        KEY,
    )
    assert ef.as_json() | {"sent": None, "events": None} == {
        "name": "Elms Farm Primary",
        "staff": 2,
        "sent": None,
        "events": None,
        "rejected": 0,
        "planted": 1,
        "planted_by_clause": {"NET-SOCIAL": 1},
        "planted_found": 1,
        "missing": [],
        "found_by_clause": {"NET-SOCIAL": 1},
        "breaches": 1,
        "breaches_beyond_plan": 0,
        "cases": 1,
        "expected_cases": 1,
        "clean_accounts": 1,
        "clean_accounts_with_cases": [],
        "clean_accounts_with_breaches": [],
        "alerts": 1,
        "mailbox": 1,
    }
    assert ef.events["proxy"] == 1
    assert ef.sent["mail"] == 0
    assert (sp.planted_found, sp.cases, sp.alerts) == ({}, 0, 0)
    shipped = ShipperStats()
    assert shortfalls([ef, sp], 0, shipped) == []
    assert shortfalls([ef, sp], 2, shipped) == ["2 record(s) could not be sent"]
    shipped.failures, shipped.last_error = 3, "HTTP 413"
    shipped.rejected["elms-farm"] = 1
    assert shortfalls([], 0, shipped) == [
        "3 Squid line(s) not delivered to ingest-proxy: HTTP 413",
        "1 Squid line(s) rejected by ingest-proxy",
    ]
    ef.missing.append({"clause": "NET-ADULT", "account": "jsmith"})
    ef.clean_with_cases.append("amy")
    ef.clean_with_breaches.append("amy")
    assert shortfalls([ef, sp], 0, ShipperStats()) == [
        "Elms Farm Primary: 1 planted breach(es) not found",
        "Elms Farm Primary: 1 clean member(s) of staff with a case",
        "Elms Farm Primary: 1 clean member(s) of staff with a breach",
    ]
    sp.expected_cases = 1
    assert shortfalls([sp], 0, ShipperStats()) == ["St Peter's: 0 case(s), expected 1"]
