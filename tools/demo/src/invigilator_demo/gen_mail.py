"""Journaled mail: RFC 5322 messages as Exchange Online or Gmail hand them to a journal mailbox,
clean staff mail and the planted mail breaches.

`MailMessage.sender` is the mailbox that sent it (the SMTP MAIL FROM the driver uses),
`recipients` the message's own To and Cc; the driver delivers every message to the school's
journal mailbox, never to those recipients. The finding of a mail breach names the sending address.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime

from invigilator_demo.gen_trust import LONDON, POLICIES, Clock, Out, role_mailbox
from invigilator_demo.mime import Attachment, message_bytes
from invigilator_demo.plan import MailMessage, School, Staff

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


INTERNAL_SUBJECTS = (
    "Y{y} trip - risk assessment",
    "Phonics groups after half term",
    "Cover for period {p} tomorrow",
    "Parents evening slots",
    "RE: Y{y} reading records",
    "Moderation meeting notes",
    "Playground duty rota",
    "Christmas play rehearsals",
    "RE: Maths hub resources",
    "Book scrutiny feedback",
    "Staff meeting agenda",
    "Pupil progress meetings",
)
INTERNAL_FILES = (
    ("Risk assessment.docx", DOCX),
    ("Reading groups.xlsx", XLSX),
    ("Minutes.docx", DOCX),
    ("Rota autumn 2.pdf", PDF),
)
PARENT_DOMAINS = ("gmail.com", "hotmail.co.uk", "outlook.com", "btinternet.com", "yahoo.co.uk")
NEWSLETTERS = (
    ("newsletter@educationcity.com", "November resources for Year {y}"),
    ("updates@ncetm.org.uk", "Maths hub: spring programme"),
    ("noreply@twinkl.co.uk", "New this week: winter resources"),
)


def eml(
    r: random.Random,
    at: datetime,
    author: str,
    to: Sequence[str],
    subject: str,
    *,
    cc: Sequence[str] = (),
    tag: str = "",
    extra: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    """One message; its Date is `at`, its Message-ID unique per tag."""
    domain = author.rpartition("@")[2]
    date = format_datetime(at.astimezone(LONDON))
    salt = hashlib.sha256(f"{tag}/{r.getrandbits(64)}".encode()).hexdigest()[:16].upper()
    headers = [
        f"From: {author}",
        f"To: {', '.join(to)}",
        *([f"Cc: {', '.join(cc)}"] if cc else []),
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: <{salt}.{r.randint(1000, 9999)}@{domain}>",
        *(f"{name}: {value}" for name, value in (extra or {}).items()),
        "MIME-Version: 1.0",
    ]
    return message_bytes(r, headers, "Please see below. Thanks.", attachments)


class Mailer:
    """A school's mail of the day."""

    def __init__(
        self, out: Out, r: random.Random, clock: Clock, school: School, staff: list[Staff], tag: str
    ):
        self.out, self.r, self.clock, self.school, self.staff, self.tag = out, r, clock, school, staff, tag
        self.policy = POLICIES[school.id]

    def send(
        self,
        at: datetime,
        author: str,
        to: Sequence[str],
        subject: str,
        *,
        sender: str = "",
        cc: Sequence[str] = (),
        extra: Mapping[str, str] | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        at = at.replace(microsecond=0)  # the Date header has whole seconds
        headers = dict(extra or {})
        if sender:
            headers["Sender"] = sender
        raw = eml(
            self.r, at, author, to, subject, cc=cc, tag=self.tag, extra=headers, attachments=attachments
        )
        self.out.add(MailMessage(at, self.school.id, sender or author, (*to, *cc), raw))

    def _subject(self) -> str:
        return self.r.choice(INTERNAL_SUBJECTS).format(y=self.r.randint(1, 6), p=self.r.randint(1, 6))

    def _parent(self) -> str:
        r = self.r
        name = r.choice(("sam", "jo", "chris", "alex", "lee"))
        return f"{name}.{r.randint(70, 99)}{r.randint(10, 99)}@{r.choice(PARENT_DOMAINS)}"

    def clean(self, person: Staff) -> None:
        """One clean message from (or to) `person`, of a kind chosen at random."""
        r, clock = self.r, self.clock
        at = clock.between(r, (7, 40), (17, 20))
        kind = r.random()
        others = [p for p in self.staff if p is not person and not p.disabled]
        if kind < 0.55:
            to = r.sample(others, min(len(others), r.randint(1, 4)))
            files = [Attachment(*r.choice(INTERNAL_FILES), r.randint(900, 5000))] if r.random() < 0.3 else []
            self.send(at, person.mail, [p.mail for p in to], self._subject(), attachments=files)
        elif kind < 0.65:
            processor = r.choice(self.policy.approved_processors)
            files = [Attachment("Census export.csv", "text/csv", r.randint(900, 4000))]
            self.send(
                at, person.mail, [f"support@{processor}"], "Data export as requested", attachments=files
            )
        elif kind < 0.80:
            self.send(at, person.mail, [self._parent()], f"RE: Year {r.randint(1, 6)} homework")
        elif kind < 0.90:
            sender, subject = r.choice(NEWSLETTERS)
            self.send(at, sender, [person.mail], subject.format(y=r.randint(1, 6)))
        else:
            at = clock.between(r, (12, 5), (12, 55))
            self.send(at, person.mail, [self._parent()], "Saturday plans", extra={"Sensitivity": "Private"})

    def broadcast(self) -> None:
        """The office's authorised notice to the all-staff list."""
        at = self.clock.between(self.r, (7, 40), (8, 20))
        office = role_mailbox(self.school, self.policy.broadcaster)
        allstaff = role_mailbox(self.school, self.policy.all_staff_list)
        self.send(
            at,
            office,
            [allstaff],
            "Staff briefing notes",
            attachments=[Attachment("Briefing.docx", DOCX, 3000)],
        )

    # --- planted ---

    def _plant(self, clause: str, person: Staff | None, what: str) -> None:
        self.out.plant(self.school.id, clause, person.mail if person else "", "mail", what)

    def personal(self, person: Staff) -> None:
        at = self.clock.between(self.r, (9, 30), (15, 0))
        self.send(at, person.mail, ["reception@smiles-dental.example"], "Personal: moving my appointment")
        self._plant("MAIL-PERSONAL", person, "personal-labelled mail in working hours")

    def executable(self, person: Staff) -> None:
        at = self.clock.between(self.r, (8, 30), (15, 0))
        name = self.r.choice(("Invoice_88213.pdf.exe", "Scan_0042.scr", "Remittance.js"))
        files = [Attachment(name, "application/octet-stream", 2100)]
        self.send(
            at, "accounts@quick-invoice-portal.example", [person.mail], "Overdue invoice", attachments=files
        )
        self._plant("MAIL-EXECUTABLE", None, f"inbound {name.rpartition('.')[2]} attachment (an IT matter)")

    def confidential(self, person: Staff) -> None:
        at = self.clock.between(self.r, (9, 0), (16, 0))
        extra = {"Sensitivity": "Company-Confidential"}
        self.send(
            at, person.mail, ["dr.ahmed@edpsych-associates.co.uk"], "Referral - pupil M.T.", extra=extra
        )
        self._plant(
            "MAIL-CONFIDENTIAL-EXTERNAL", person, "Company-Confidential to an unapproved external domain"
        )

    def offensive(self, person: Staff) -> None:
        at = self.clock.between(self.r, (13, 0), (16, 30))
        to = self.r.choice([p for p in self.staff if p is not person and not p.disabled])
        self.send(at, person.mail, [to.mail], "RE: parents evening - that idiot from the council again")
        self._plant("MAIL-OFFENSIVE-SUBJECT", person, "'idiot' in the subject")

    def third_party(self, person: Staff) -> None:
        at = self.clock.between(self.r, (15, 30), (17, 0))
        files = [Attachment("Y5 SEN register.xlsx", XLSX, 9300)]
        home = person.mail.split("@")[0].replace(".", "") + "1985@gmail.com"
        self.send(at, person.mail, [home], "Data for home", attachments=files)
        self._plant("DATA-THIRD-PARTY", person, "pupil data to a personal Gmail")

    def media(self, person: Staff) -> None:
        at = self.clock.between(self.r, (14, 0), (16, 30))
        files = [Attachment("Sports day relay.mp4", "video/mp4", 24000)]
        self.send(at, person.mail, [self._parent()], "Sports day relay", attachments=files)
        self._plant("MAIL-MEDIA-EXTERNAL", person, "a video to a parent's personal address")
        self._plant("DATA-THIRD-PARTY", person, "an attachment to an unapproved external domain")

    def chain(self, person: Staff) -> None:
        at = self.clock.between(self.r, (10, 0), (14, 0))
        others = [p.mail for p in self.staff if p is not person and not p.disabled]
        to = self.r.sample(others, min(len(others), 11))
        self.send(at, person.mail, to, "FW: FW: Fwd: Christmas jumper day")
        self._plant("MAIL-CHAIN", person, f"a forward of a forward of a forward to {len(to)} recipients")

    def for_sale(self, person: Staff) -> None:
        at = self.clock.between(self.r, (12, 10), (12, 50))
        allstaff = role_mailbox(self.school, self.policy.all_staff_list)
        self.send(at, person.mail, [allstaff], "For sale: Ford Fiesta 2016, one careful owner")
        self._plant("MAIL-CONGESTION", person, "mail to all staff from a non-broadcaster")
        self._plant("MAIL-ADVERTISING", person, "a broadcast that advertises ('for sale')")

    def impersonation(self, person: Staff) -> None:
        at = self.clock.between(self.r, (13, 0), (15, 0))
        to = self.r.choice([p for p in self.staff if p is not person and not p.disabled])
        head = role_mailbox(self.school, "head")
        self.send(at, head, [to.mail], "Christmas concert tickets", sender=person.mail)
        self._plant("MAIL-IMPERSONATION", person, "From the head, sent by someone else (no delegation)")


MAIL_CLAUSES = {
    "MAIL-PERSONAL": Mailer.personal,
    "MAIL-EXECUTABLE": Mailer.executable,
    "MAIL-CONFIDENTIAL-EXTERNAL": Mailer.confidential,
    "MAIL-OFFENSIVE-SUBJECT": Mailer.offensive,
    "DATA-THIRD-PARTY": Mailer.third_party,
}
MAIL_EXTRAS = {
    "MAIL-MEDIA-EXTERNAL": Mailer.media,
    "MAIL-CHAIN": Mailer.chain,
    "MAIL-CONGESTION": Mailer.for_sale,
    "MAIL-IMPERSONATION": Mailer.impersonation,
}
