"""Elms Farm's mail: .eml files as the journal mailbox keeps them."""

from __future__ import annotations

from gen.common import Plant, Rendered, at, first_line, rng
from gen.elms_farm import MAIL, address
from gen.eml import eml
from invigilator_demo.mime import Attachment


def messages() -> list[Rendered]:
    r = rng("ef-mail")
    head, office, allstaff = f"head@{MAIL}", f"office@{MAIL}", f"allstaff@{MAIL}"
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    out: list[Rendered] = []

    def add(name: str, data: bytes, *plants: Plant) -> None:
        """The finding of a message cites its Message-ID line."""
        line = first_line(data, "Message-ID:")
        out.append(Rendered(f"mail/{name}", data, [(plant, line) for plant in plants]))

    add(
        "01-trip-risk-assessment.eml",
        eml(
            r,
            at("8:31:12"),
            address("jsmith"),
            [address("ewood"), address("agarcia")],
            "Y6 trip - risk assessment",
            "Hi both, risk assessment attached for Friday.",
            attachments=[Attachment("Risk assessment - Y6 Hampton Court.docx", docx, 6100)],
        ),
    )
    add(
        "02-private.eml",
        eml(
            r,
            at("12:14:40"),
            address("rjones"),
            ["sam.jones@btinternet.com"],
            "Saturday and the car",
            "Can you pick the kids up at 4?",
            extra={"Sensitivity": "Private"},
        ),
    )
    add(
        "03-sen-register-home.eml",
        eml(
            r,
            at("15:58:03"),
            address("tgreen"),
            ["tom.green.1985@gmail.com"],
            "Y5 data for home",
            "To finish reports tonight.",
            attachments=[Attachment("Y5 SEN register Nov 2026.xlsx", xlsx, 9300)],
        ),
        Plant("DATA-THIRD-PARTY", address("tgreen"), "pupil data to a personal Gmail"),
    )
    add(
        "04-personal-dentist.eml",
        eml(
            r,
            at("11:05:27"),
            address("kbrown"),
            ["reception@smiles-dental.example"],
            "Personal: moving my appointment",
            "Could I move Thursday to next week?",
        ),
        Plant("MAIL-PERSONAL", address("kbrown"), "personal-labelled mail in working hours"),
    )
    add(
        "05-concert-tickets-as-head.eml",
        eml(
            r,
            at("13:20:55"),
            head,
            ["pta.chair@hotmail.co.uk"],
            "Christmas concert tickets",
            "Please release the remaining tickets.",
            extra={"Sender": address("agarcia")},
        ),
        Plant("MAIL-IMPERSONATION", address("agarcia"), "From the head, sent by a.garcia (no delegation)"),
    )
    add(
        "06-briefing-for-head.eml",
        eml(
            r,
            at("7:45:10"),
            head,
            [allstaff],
            "Staff briefing notes 24/11",
            "Notes attached.",
            extra={"Sender": office},
            attachments=[Attachment("Briefing 24-11.docx", docx, 5200)],
        ),
    )
    add(
        "07-car-for-sale.eml",
        eml(
            r,
            at("12:40:18"),
            address("sbaker"),
            [allstaff],
            "For sale: Ford Fiesta 2016, one careful owner",
            "Offers over 4k.",
        ),
        Plant("MAIL-CONGESTION", address("sbaker"), "mail to all staff from a non-broadcaster"),
        Plant("MAIL-ADVERTISING", address("sbaker"), "a broadcast that advertises ('for sale')"),
    )
    add(
        "08-offensive-subject.eml",
        eml(
            r,
            at("16:12:00"),
            address("nking"),
            [address("jsmith")],
            "RE: parents evening - that idiot from the council again",
            "Agreed.",
        ),
        Plant("MAIL-OFFENSIVE-SUBJECT", address("nking"), "'idiot' in the subject"),
    )
    add(
        "09-referral-confidential.eml",
        eml(
            r,
            at("14:48:31"),
            address("lwhite"),
            ["dr.ahmed@edpsych-associates.co.uk"],
            "Referral - pupil M.T. (Y4)",
            "Details as discussed.",
            extra={"Sensitivity": "Company-Confidential"},
        ),
        Plant(
            "MAIL-CONFIDENTIAL-EXTERNAL",
            address("lwhite"),
            "Company-Confidential to an unapproved external domain",
        ),
    )
    add(
        "10-sports-day-video.eml",
        eml(
            r,
            at("15:36:44"),
            address("fali"),
            ["m.hussain86@outlook.com"],
            "Sports day relay",
            "The video you asked for.",
            attachments=[Attachment("Sports day relay.mp4", "video/mp4", 24000)],
        ),
        Plant("MAIL-MEDIA-EXTERNAL", address("fali"), "a video to a parent's personal address"),
        Plant("DATA-THIRD-PARTY", address("fali"), "an attachment to an unapproved external domain"),
    )
    chain = [
        address(u)
        for u in (
            "jsmith",
            "kbrown",
            "tgreen",
            "rjones",
            "ewood",
            "hsmith",
            "fali",
            "nking",
            "oharris",
            "agarcia",
            "lwhite",
        )
    ]
    add(
        "11-christmas-chain.eml",
        eml(
            r,
            at("10:58:09"),
            address("mpatel"),
            [*chain, "aunt.sue@yahoo.co.uk"],
            "FW: FW: Fwd: Christmas jumper day - send this to everyone you know",
            "Too funny not to share!",
        ),
        Plant("MAIL-CHAIN", address("mpatel"), "a forward of a forward of a forward to 12 recipients"),
        Plant("MAIL-CHAIN", address("mpatel"), "chain-letter phrase 'send this to everyone'"),
    )
    add(
        "12-overdue-invoice.eml",
        eml(
            r,
            at("9:47:02"),
            "accounts@quick-invoice-portal.example",
            [office],
            "Overdue invoice 88213",
            "Please see attached.",
            attachments=[Attachment("Invoice_88213.pdf.exe", "application/octet-stream", 2100)],
        ),
        Plant("MAIL-EXECUTABLE", "", "inbound .exe attachment (nobody's conduct: an IT matter)"),
    )
    add(
        "13-newsletter.eml",
        eml(
            r,
            at("6:30:00"),
            "newsletter@educationcity.com",
            [address("jsmith")],
            "November resources for Year 6",
            "New this month.",
        ),
    )
    add(
        "14-census-to-arbor.eml",
        eml(
            r,
            at("16:25:37"),
            address("pnewman"),
            ["support@arbor-education.com"],
            "Census export - school 8812",
            "As requested.",
            attachments=[Attachment("Census export.csv", "text/csv", 4400)],
        ),
    )
    return out
