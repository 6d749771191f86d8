"""St Peter's cloud mail logs: an M365 message trace (ConvertTo-Json) and the Gmail log export."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from gen.common import Plant, Rendered, SampleFile, at, compact, first_line, rng
from gen.st_peters import MAIL, SCHOOL, address


def trace_id(r: random.Random) -> str:
    parts = (r.getrandbits(32), r.getrandbits(16), r.getrandbits(12), r.getrandbits(12), r.getrandbits(48))
    return "{:08x}-{:04x}-4{:03x}-9{:03x}-{:012x}".format(*parts)


def m365_trace() -> list[Rendered]:
    r = rng("sp-m365")
    rows: list[tuple[datetime, dict[str, object]]] = []
    plants: dict[str, tuple[Plant, ...]] = {}

    def message(moment: datetime, sender: str, recipients: list[str], subject: str, *planted: Plant) -> None:
        server = f"LO2P265MB{r.randint(1000, 9999)}"
        message_id = f"<{server}{r.getrandbits(40):010X}@{server}.GBRP265.PROD.OUTLOOK.COM>"
        plants[message_id] = planted
        for n, recipient in enumerate(recipients):
            received = moment + timedelta(milliseconds=150 * n + r.randint(0, 90))
            rows.append(
                (
                    received,
                    {
                        "MessageId": message_id,
                        "Received": received.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0",
                        "SenderAddress": sender,
                        "RecipientAddress": recipient,
                        "Subject": subject,
                        "Status": "Delivered",
                        "ToIP": None if recipient.endswith(MAIL) else f"203.0.113.{r.randint(2, 250)}",
                        "FromIP": "2a01:111:f400:7e1b::70b",
                        "Size": r.randint(9000, 60000),
                        "MessageTraceId": trace_id(r),
                    },
                )
            )

    message(at("8:14:02"), address("ktaylor"), [address("pwhite")], "Parents evening bookings")
    message(at("9:05:41"), "no-reply@classroom.google.com", [address("rkhan")], "New assignment: Y6 Maths")
    message(
        at("11:40:17"),
        address("sroberts"),
        ["collections@parcel-lockers.example"],
        "Personal: parcel collection Thursday",
        Plant(
            "MAIL-PERSONAL", address("sroberts"), "personal-labelled mail in working hours (subject withheld)"
        ),
    )
    chain = [
        address(user)
        for user in (
            "pwhite",
            "rkhan",
            "lmorgan",
            "ehughes",
            "owilliams",
            "cdavies",
            "gprice",
            "sroberts",
            "jedwards",
            "mphillips",
        )
    ]
    message(
        at("13:25:36"),
        address("nparry"),
        [*chain, "grandma.parry@btinternet.com", "ffion.parry@gmail.com"],
        "FW: FW: FW: Year 6 residential photos",
        Plant("MAIL-CHAIN", address("nparry"), "a third forward to 12 recipients"),
    )
    message(at("15:47:08"), address("mrees"), ["clerk@governors-cymru.example"], "Agenda for Thursday")
    rows.sort(key=lambda pair: pair[0], reverse=True)  # the trace lists the newest first
    items: list[object] = [row for _, row in rows]
    # Awkward record: a pending row without a recipient.
    items.insert(
        3,
        {
            "MessageId": "<LO2P265MB0000PENDING@LO2P265MB0000.GBRP265.PROD.OUTLOOK.COM>",
            "Received": "2026-11-24T14:02:11.0000000",
            "SenderAddress": address("lbowen"),
            "RecipientAddress": None,
            "Subject": "Y4 planning",
            "Status": "Pending",
        },
    )
    text = json.dumps(items, indent=2, ensure_ascii=False) + "\n"
    # A message's findings cite its first row in the file (the trace lists the newest first).
    planted = [
        (plant, first_line(text, message_id)) for message_id, found in plants.items() for plant in found
    ]
    return [Rendered("m365-message-trace.json", text, planted)]


def gmail() -> list[Rendered]:
    r = rng("sp-gmail")
    file = SampleFile(SCHOOL, "gmail-logs.jsonl")

    def row(
        moment: datetime,
        sender: str,
        recipients: list[str],
        subject: str,
        attachments: list[str],
        *plants: Plant,
        from_header: str = "",
        spam: bool = False,
        message_id: str = "",
    ) -> str:
        message_id = message_id or f"<CA+{r.getrandbits(64):016x}@mail.gmail.com>"
        outbound = sender.endswith(MAIL)
        doc = {
            "event_info": {
                "timestamp_usec": str(int(moment.timestamp() * 1_000_000) + r.randint(0, 999_999)),
                "elapsed_time_usec": str(r.randint(90_000, 400_000)),
                "success": True,
                "mail_event_type": "1",
            },
            "message_info": {
                "rfc2822_message_id": message_id,
                "subject": subject,
                "source": {
                    "address": sender,
                    "from_header_address": from_header or sender,
                    "service": "gmail-ui" if outbound else "smtp-inbound",
                },
                "destination": [
                    {
                        "address": to,
                        "service": "gmail-ui" if to.endswith(MAIL) else "smtp-outbound",
                        "selector": "",
                    }
                    for to in recipients
                ],
                "attachment": [
                    {"file_name": name, "file_extension_type": name.rpartition(".")[2].lower()}
                    for name in attachments
                ],
                "is_spam": spam,
                "payload_size": str(r.randint(4000, 2_000_000)),
                "num_message_attachments": str(len(attachments)),
                "connection_info": {
                    "client_ip": "10.30.0.14" if outbound else f"198.51.100.{r.randint(2, 250)}",
                    "smtp_tls_state": 1,
                },
            },
        }
        line = compact(doc)
        file.add(moment, line, *plants)
        return message_id

    row(
        at("9:12:40"),
        "billing@docu-sign-secure.example",
        [address("sjames")],
        "Document ready for signature",
        ["Document_7731.scr"],
        Plant("MAIL-EXECUTABLE", "", "inbound .scr attachment (an IT matter)"),
    )
    row(at("10:31:02"), address("lbowen"), [address("rkhan")], "Y4 planning", ["Y4 planning wk 12.docx"])
    shared = row(
        at("11:02:18"),
        address("pwhite"),
        ["support@hi-impact.co.uk"],
        "Asset list for the laptop refresh",
        ["asset list.xlsx"],
    )
    row(
        at("11:02:19"),
        address("pwhite"),
        ["support@hi-impact.co.uk"],
        "Asset list for the laptop refresh",
        ["asset list.xlsx"],
        message_id=shared,
    )
    row(at("12:20:55"), "prizes@lucky-winner.example", [address("mphillips")], "You have won!", [], spam=True)
    row(
        at("14:35:12"),
        address("ktaylor"),
        ["chair@stpeters-pta.org.uk"],
        "Snow closure tomorrow",
        [],
        Plant("MAIL-IMPERSONATION", address("ktaylor"), "From the head, sent by k.taylor"),
        from_header=address("mrees"),
    )
    row(
        at("15:20:47"),
        address("aevans"),
        ["dad.of.twins@outlook.com"],
        "Nativity rehearsal video",
        ["nativity rehearsal.mp4"],
        Plant("MAIL-MEDIA-EXTERNAL", address("aevans"), "video of pupils to a parent's personal address"),
        Plant("DATA-THIRD-PARTY", address("aevans"), "an attachment to an unapproved external domain"),
    )
    row(
        at("16:05:33"),
        address("gprice"),
        ["gareth.price.home@gmail.com"],
        "grades",
        ["Y9 predicted grades.xlsx"],
        Plant("DATA-THIRD-PARTY", address("gprice"), "pupil grades to a personal Gmail"),
    )
    file.add(
        at("16:30:00"),
        '{"event_info":{"timestamp_usec":"1795969800000000","success":true},"message_info":{"rfc2822_message_id":"<trunc',
    )
    return [file.render()]
