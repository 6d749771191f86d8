"""The workspace in a real browser (Playwright, Debian's Chromium) on the local stack: sign-in per
role, one disciplinary case carried from triage to a final written warning and an appeal, a refused
step showing the server's reason, and a school's SLG unable to see another school's case.
Screenshots of the main pages go to .local/artifacts/web/."""

import re
import uuid
from collections.abc import Callable
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.integration

LONDON = ZoneInfo("Europe/London")
ROLE_NAMES = {
    "hr": "HR case worker",
    "slg": "Senior leadership (SLG)",
    "headteacher": "Headteacher",
    "dsl": "Designated safeguarding lead",
    "it_ops": "Trust IT operations",
    "dpo": "Data protection officer",
}


def open_step(page: Page, title: str) -> Any:
    """Opens the form of one offered step (a <details> whose summary is the step's title)."""
    step = page.locator("details.command", has=page.locator("summary", has_text=title))
    expect(step).to_have_count(1)
    if step.get_attribute("open") is None:
        step.locator("summary").click()
    return step


def do_step(page: Page, title: str, fill: Callable[[Any], None] | None = None) -> None:
    step = open_step(page, title)
    if fill is not None:
        fill(step)
    step.get_by_role("button", name=title).click()
    expect(page.get_by_test_id("flash")).to_contain_text(f"Done: {title}")


def open_case(page: Page, web_url: str, case_id: str) -> None:
    page.goto(f"{web_url}/cases/{case_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case #{case_id[:8]}")


def local_input(at: datetime) -> str:
    return at.astimezone(LONDON).strftime("%Y-%m-%dT%H:%M")


@pytest.mark.parametrize("role", ["hr", "slg", "headteacher", "dsl", "it_ops", "dpo"])
def test_sign_in_per_role(
    role: str, web_url: str, new_page: Callable[[], Page], sign_in: Any, shot: Callable[[Page, str], Path]
) -> None:
    page = new_page()
    sign_in(page, role, "st-peters", f"web-{role}-{uuid.uuid4().hex[:6]}")
    expect(page.get_by_test_id("who")).to_contain_text(ROLE_NAMES[role])
    expect(page.get_by_test_id("who")).to_contain_text("st-peters")
    expect(page.get_by_test_id("queue-count")).to_be_visible()
    if role == "dpo":
        page.get_by_role("link", name="Audit log").click()
        expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
        expect(page.get_by_text("Chain:")).to_be_visible()
        shot(page, "audit-log-dpo")
    shot(page, f"queue-{role}")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Signed out")).to_be_visible()
    page.goto(f"{web_url}/cases")
    expect(page.get_by_role("heading", name="Dev sign-in")).to_be_visible()  # the session is gone


def test_disciplinary_from_triage_to_final_written_warning_and_appeal(
    web_url: str,
    clock: Any,
    seed_case: Any,
    new_page: Callable[[], Page],
    sign_in: Any,
    shot: Callable[[Page, str], Path],
) -> None:
    seeded = seed_case("elms-farm", "NET-ADULT")
    run = uuid.uuid4().hex[:6]
    hr_subject, investigator, chair, appeal = f"hr-{run}", f"inv-{run}", f"Chair {run}", f"Appeal {run}"
    hr = new_page()
    sign_in(hr, "hr", "elms-farm", hr_subject)

    # The queue shows the new case; filters narrow it down.
    hr.get_by_label("Clause").fill("NET-ADULT")
    hr.get_by_role("button", name="Filter").click()
    expect(hr.locator(f"tr[data-case-id='{seeded.case_id}']")).to_be_visible()
    shot(hr, "queue-filtered")
    hr.locator(f"tr[data-case-id='{seeded.case_id}'] a").first.click()
    expect(hr.get_by_test_id("stage")).to_contain_text("new")
    expect(hr.get_by_text("Internet use ¶3").first).to_be_visible()  # the school's policy section
    # Triage offers exactly the workflow's allowed commands.
    expect(hr.locator("details.command summary")).to_contain_text(
        ["Dismiss as a false positive", "Ask the Headteacher", "Start the disciplinary procedure"]
    )
    shot(hr, "case-triage")

    do_step(hr, "Start the disciplinary procedure")
    do_step(
        hr,
        "Appoint the investigating officer",
        lambda f: f.get_by_label("Investigating officer").fill(investigator),
    )

    inv = new_page()
    sign_in(inv, "hr", "elms-farm", investigator)
    open_case(inv, web_url, seeded.case_id)

    def evidence(f: Any) -> None:
        f.get_by_label("Evidence reference").fill("E1")
        f.get_by_label("Description").fill("proxy log extract")

    do_step(inv, "Add evidence", evidence)

    def conclude(f: Any) -> None:
        f.get_by_label("Is there a case to answer?").select_option("yes")
        f.get_by_label("Findings").fill("visited adult sites during lessons")

    do_step(inv, "Conclude the investigation", conclude)

    open_case(hr, web_url, seeded.case_id)
    hearing = datetime.combine(clock().astimezone(LONDON).date() + timedelta(days=14), time(10), LONDON)

    def invitation(f: Any, accompanied: bool) -> None:
        f.get_by_label("Allegations").fill("Accessed adult content on a school device")
        f.get_by_label("First written warning").check()
        f.get_by_label("Final written warning").check()
        f.get_by_label("Evidence pack").fill("E1")
        f.get_by_label("Hearing date and time").fill(local_input(hearing))
        f.get_by_label("Venue").fill("Meeting room 2")
        f.get_by_label("The letter states the right to be accompanied").set_checked(accompanied)

    # A refused step shows the server's reason in plain words, next to the form.
    step = open_step(hr, "Send the written invitation to a hearing")
    invitation(step, accompanied=False)
    step.get_by_role("button", name="Send the written invitation to a hearing").click()
    problem = hr.get_by_test_id("problem")
    expect(problem).to_contain_text("The workflow refused this step")
    expect(problem).to_contain_text(re.compile("accompan", re.IGNORECASE))
    shot(hr, "case-refused-invitation")

    step = open_step(hr, "Send the written invitation to a hearing")
    invitation(step, accompanied=True)
    step.get_by_role("button", name="Send the written invitation to a hearing").click()
    expect(hr.get_by_test_id("flash")).to_contain_text("Done")
    expect(hr.get_by_test_id("letters")).to_contain_text("Invitation to a disciplinary hearing")

    clock.set(hearing + timedelta(hours=1))  # the day of the hearing
    open_case(hr, web_url, seeded.case_id)

    def hearing_record(f: Any) -> None:
        f.get_by_label("Chair of the hearing").fill(chair)
        f.get_by_label("Notes of the hearing").fill("The employee answered the allegations")
        f.get_by_label("Companion (if any)").fill("union rep")

    do_step(hr, "Record the hearing", hearing_record)

    def decision(f: Any) -> None:
        f.get_by_label("Decided by").fill(chair)
        f.get_by_label("Outcome", exact=True).select_option("FINAL_WRITTEN_WARNING")
        f.get_by_label("Rationale").fill("The evidence and the answers at the hearing")

    do_step(hr, "Record the decision", decision)
    expect(hr.get_by_test_id("decisions")).to_contain_text("final written warning")
    expect(hr.get_by_test_id("letters")).to_contain_text("Outcome of the disciplinary hearing")
    shot(hr, "case-decided")

    # The letters download as PDF and DOCX.
    letters = hr.get_by_test_id("letters")
    for fmt, magic in (("PDF", b"%PDF"), ("DOCX", b"PK")):
        with hr.expect_download() as info:
            letters.locator("li", has_text="Outcome of the disciplinary hearing").get_by_role(
                "link", name=fmt
            ).click()
        path = info.value.path()
        assert Path(path).read_bytes().startswith(magic), fmt

    clock.advance(timedelta(days=1))
    open_case(hr, web_url, seeded.case_id)
    do_step(
        hr,
        "Lodge an appeal",
        lambda f: f.get_by_label("Grounds of appeal").fill("The sanction is too severe"),
    )

    def appeal_decision(f: Any) -> None:
        f.get_by_label("Appeal heard by").fill(appeal)
        f.get_by_label("Outcome of the appeal").select_option("UPHELD")
        f.get_by_label("Rationale").fill("The procedure was fair and the sanction reasonable")

    do_step(hr, "Record the appeal decision", appeal_decision)
    expect(hr.get_by_test_id("status")).to_have_text("closed")
    expect(hr.get_by_test_id("letters")).to_contain_text("Outcome of your appeal")
    expect(hr.get_by_test_id("history")).to_contain_text("decide appeal")
    shot(hr, "case-closed-after-appeal")


def test_refused_transition_shows_the_reason(
    web_url: str,
    seed_case: Any,
    new_page: Callable[[], Page],
    sign_in: Any,
    shot: Callable[[Page, str], Path],
) -> None:
    seeded = seed_case("elms-farm", "NET-ADULT")
    subject = f"hr-{uuid.uuid4().hex[:6]}"
    page = new_page()
    sign_in(page, "hr", "elms-farm", subject)
    open_case(page, web_url, seeded.case_id)
    do_step(page, "Start the disciplinary procedure")
    do_step(
        page,
        "Appoint the investigating officer",
        lambda f: f.get_by_label("Investigating officer").fill(subject),
    )
    step = open_step(page, "Conclude the investigation")
    step.get_by_label("Is there a case to answer?").select_option("yes")
    step.get_by_label("Findings").fill("nothing recorded yet")
    step.get_by_role("button", name="Conclude the investigation").click()
    problem = page.get_by_test_id("problem")
    expect(problem).to_contain_text("The workflow refused this step")
    expect(problem).to_contain_text(re.compile("evidence", re.IGNORECASE))
    expect(page.get_by_test_id("stage")).to_contain_text("investigation")  # nothing changed
    shot(page, "case-refused-no-evidence")


def test_slg_cannot_see_another_schools_case(
    web_url: str,
    seed_case: Any,
    new_page: Callable[[], Page],
    sign_in: Any,
    shot: Callable[[Page, str], Path],
) -> None:
    seeded = seed_case("st-peters", "NET-ADULT")
    own = new_page()
    sign_in(own, "slg", "st-peters", f"slg-sp-{uuid.uuid4().hex[:6]}")
    open_case(own, web_url, seeded.case_id)  # St Peter's SLG sees its own school's case
    shot(own, "case-slg-own-school")

    other = new_page()
    sign_in(other, "slg", "elms-farm", f"slg-ef-{uuid.uuid4().hex[:6]}")
    other.goto(f"{web_url}/cases?school=st-peters&clause=NET-ADULT&status=any")
    expect(other.get_by_text("No cases match.")).to_be_visible()
    expect(other.locator(f"tr[data-case-id='{seeded.case_id}']")).to_have_count(0)
    other.goto(f"{web_url}/cases/{seeded.case_id}")
    expect(other.get_by_role("heading", name="Case not found")).to_be_visible()
    expect(other.get_by_text("not visible to you")).to_be_visible()
    shot(other, "case-not-visible-other-school")


def test_reveal_and_content_access_approved_by_the_headteacher(
    web_url: str,
    seed_case: Any,
    new_page: Callable[[], Page],
    sign_in: Any,
    shot: Callable[[Page, str], Path],
) -> None:
    seeded = seed_case("elms-farm", "NET-ADULT")
    run = uuid.uuid4().hex[:6]
    hr = new_page()
    sign_in(hr, "hr", "elms-farm", f"hr-{run}")
    open_case(hr, web_url, seeded.case_id)
    hr.locator("summary", has_text="Request a reveal").click()
    hr.get_by_label("Why you need to know who this is").fill(
        "To invite the person to an investigation meeting"
    )
    hr.get_by_role("button", name="Request reveal").click()
    expect(hr.get_by_test_id("reveal")).to_contain_text("requested")
    hr.locator("summary", has_text="Request content access").click()
    hr.get_by_label("To establish facts").check()
    hr.get_by_label("Which content").fill("The e-mails of 2 March with the external address")
    hr.get_by_label("Why", exact=True).fill("To establish whether confidential data left the school")
    hr.get_by_role("button", name="Request content access").click()
    expect(hr.get_by_test_id("content-access")).to_contain_text("requested")
    shot(hr, "case-privacy-requested")

    head = new_page()
    sign_in(head, "headteacher", "elms-farm", f"head-{run}")
    open_case(head, web_url, seeded.case_id)
    head.get_by_test_id("reveal").get_by_role("button", name="Approve").click()
    expect(head.get_by_test_id("reveal")).to_contain_text("approved")
    access = head.get_by_test_id("content-access")
    access.get_by_label("Access ends on").fill(
        (datetime.now(LONDON) + timedelta(days=7)).strftime("%Y-%m-%d")
    )
    access.get_by_role("button", name="Approve").click()
    expect(head.get_by_test_id("content-access")).to_contain_text("live until")
    shot(head, "case-privacy-approved-headteacher")

    open_case(hr, web_url, seeded.case_id)
    access = hr.get_by_test_id("content-access")
    access.get_by_label("Item you are opening").fill("message <abc@elmsfarm.example>")
    access.get_by_role("button", name="Record the use").click()
    expect(hr.get_by_test_id("flash")).to_contain_text("Use recorded in the audit log")
    hr.get_by_role("link", name="Detailed evidence").click()
    expect(hr.get_by_role("note")).to_contain_text("each view of detailed evidence is audited")
    expect(hr.get_by_text("adult.example")).to_be_visible()
    shot(hr, "evidence-audited")
    open_case(hr, web_url, seeded.case_id)
    expect(hr.get_by_text("Each view of a revealed identity is recorded in the audit log")).to_be_visible()
    hr.get_by_role("link", name="Show who this is").click()
    expect(hr.get_by_role("note")).to_contain_text("recorded in the audit log")
    expect(hr.get_by_test_id("account")).to_have_text(seeded.account)
    shot(hr, "identity-revealed")


def test_overdue_cases_are_highlighted_in_the_queue(
    web_url: str,
    clock: Any,
    seed_case: Any,
    new_page: Callable[[], Page],
    sign_in: Any,
    shot: Callable[[Page, str], Path],
) -> None:
    seeded = seed_case("elms-farm", "NET-ADULT")
    clock.advance(timedelta(days=10))  # triage is due within 2 working days
    page = new_page()
    sign_in(page, "hr", "elms-farm", f"hr-{uuid.uuid4().hex[:6]}")
    page.goto(f"{web_url}/cases?school=elms-farm&clause=NET-ADULT&overdue=yes")
    row = page.locator(f"tr[data-case-id='{seeded.case_id}']")
    expect(row).to_have_class(re.compile(r"\boverdue\b"))
    expect(row).to_contain_text("Overdue: Triage the case")
    shot(page, "queue-overdue")
    open_case(page, web_url, seeded.case_id)
    expect(page.locator(".tasks li.overdue")).to_contain_text("Triage the case")
