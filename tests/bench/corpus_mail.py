"""Mail as the four sources report it: RFC 5322 messages, Exchange tracking logs, the M365 message
trace and Gmail's BigQuery export, shaped like services/ingest-mail/tests/samples.

The same kind of traffic in each: internal notes, mail to parents and suppliers, newsletters from
outside, forward chains, the odd message marked private or labelled personal. One message is one
event; in the log formats one message spans several rows (tracking: SUBMIT/RECEIVE/DELIVER/SEND;
trace: one row per recipient; Gmail: one row per delivery stage), so `records` counts rows there.
Malformed records are standalone rows (cut short, no message id, a time that is no time) or, for
RFC 5322, a message with no From or Sender.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import random
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime

from tests.bench.corpus_base import (
    OWN_DOMAIN,
    Clock,
    Corpus,
    external_address,
    malformed_positions,
    person,
)

SUBJECTS = (
    "Year 4 trip letters",
    "RE: Staff meeting agenda",
    "FW: Safeguarding training dates",
    "Reading scheme order",
    "Reports for Year 6, café trip",
    "FW: Fwd: RE: FW: Pass it on or bad luck for a year!!",
    "Personal: dentist on Friday",
    "Term dates and the summer fair",
    "RE: RE: Cover for period 3",
    "Invoice 20931 – October",
)
ATTACHMENTS = ("minutes.docx", "Trip costs.XLSX", "photo.jpg", "setup.scr", "report.pdf")


@dataclass(frozen=True)
class Message:
    message_id: str
    sender: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    at: datetime
    size: int
    attachment: str
    private: bool


def room(written: int, bad: frozenset[int], records: int) -> int:
    """How many good rows fit before the next malformed position (or the end): a message's rows
    are cut there, as a log cut mid-message would be, so every malformed position gets its row."""
    return min([position for position in bad if position >= written] + [records]) - written


def _message(rng: random.Random, clock: Clock, index: int) -> Message:
    inbound = rng.random() < 0.3
    sender = external_address(rng) if inbound else person(rng).mail
    recipients = [person(rng).mail if rng.random() < 0.7 else external_address(rng)]
    recipients += [person(rng).mail for _ in range(rng.choice((0, 0, 1, 2, 3)))]
    return Message(
        message_id=f"<CAB{index:06d}x{rng.randrange(16**8):08x}@mail.{OWN_DOMAIN}>",
        sender=sender,
        to=tuple(dict.fromkeys(recipients)),
        cc=(person(rng).mail,) if rng.random() < 0.2 else (),
        subject=rng.choice(SUBJECTS),
        at=clock.tick(),
        size=rng.randint(2_000, 900_000),
        attachment=rng.choice(ATTACHMENTS) if rng.random() < 0.3 else "",
        private=rng.random() < 0.03,
    )


# --- RFC 5322 -------------------------------------------------------------------------------------


def _eml(rng: random.Random, message: Message, spoil: bool) -> bytes:
    headers = [
        f"Return-Path: <{message.sender}>",
        f"Received: from mail.{OWN_DOMAIN} (mail.{OWN_DOMAIN} [10.1.0.25])\r\n\t"
        f"by journal.invigilator.example with ESMTPS id {rng.randrange(16**10):010x}; "
        f"{format_datetime(message.at)}",
        "" if spoil else f'From: "{message.sender.split("@")[0].title()}" <{message.sender}>',
        "To: " + ", ".join(message.to),
        "Cc: " + ", ".join(message.cc) if message.cc else "",
        f"Subject: {message.subject}",
        f"Date: {format_datetime(message.at)}",
        f"Message-ID: {message.message_id}",
        "Sensitivity: Private" if message.private else "",
        "MIME-Version: 1.0",
    ]
    body = "Dear all,\r\n\r\nBODY-MARKER-7f3c9a " + " ".join(rng.choices(SUBJECTS, k=12)) + "\r\n"
    if message.attachment:
        payload = base64.encodebytes(rng.randbytes(rng.randint(300, 3000))).decode().replace("\n", "\r\n")
        headers.append('Content-Type: multipart/mixed; boundary="==b1=="')
        body = (
            f'--==b1==\r\nContent-Type: text/plain; charset="utf-8"\r\n\r\n{body}'
            f"--==b1==\r\nContent-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="{message.attachment}"\r\n'
            f"Content-Transfer-Encoding: base64\r\n\r\n{payload}--==b1==--\r\n"
        )
    else:
        headers.append('Content-Type: text/plain; charset="utf-8"')
    return ("\r\n".join(line for line in headers if line) + "\r\n\r\n" + body).encode()


def eml(records: int, rng: random.Random) -> Corpus:
    bad = malformed_positions(rng, records)
    clock = Clock(rng, mean_gap_s=20.0)
    inputs = tuple(_eml(rng, _message(rng, clock, index), index in bad) for index in range(records))
    return Corpus("mail.eml", inputs, records, records - len(bad), len(bad))


# --- Exchange message tracking --------------------------------------------------------------------

TRACKING_FIELDS = (
    "date-time,client-ip,client-hostname,server-ip,server-hostname,source-context,connector-id,source,"
    "event-id,internal-message-id,message-id,network-message-id,recipient-address,recipient-status,"
    "total-bytes,recipient-count,related-recipient-address,reference,message-subject,sender-address,"
    "return-path,message-info,directionality,tenant-id,original-client-ip,original-server-ip,custom-data,"
    "transport-traffic-type,log-id,schema-version"
)
TRACKING_HEADER = (
    "#Software: Microsoft Exchange Server\n#Version: 15.02.1118.007\n#Log-type: Message Tracking Log\n"
    f"#Date: 2026-11-23T07:30:00.000Z\n#Fields: {TRACKING_FIELDS}\n"
)


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def _tracking_row(
    message: Message, event: str, source: str, recipients: tuple[str, ...], bad_time: bool
) -> str:
    stamp = "yesterday" if bad_time else message.at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    inbound = not message.sender.endswith(OWN_DOMAIN)
    return _csv_line(
        [
            stamp,
            "10.1.0.25",
            "EX01",
            "10.1.0.25",
            "EX01",
            "08DC3C1F6A7E2B90;250 2.0.0 OK",
            "EX01\\Default EX01",
            source,
            event,
            "18537",
            message.message_id,
            "5b7e0a1f-0c0d-4e1f-9a2b-3c4d5e6f7a8b",
            ";".join(recipients),
            "250 2.1.5 RecipientSuccessfullyDelivered" if event == "DELIVER" else "",
            str(message.size),
            str(len(recipients)),
            "",
            "",
            message.subject,
            message.sender,
            message.sender,
            "",
            "Incoming" if inbound else "Originating",
            "",
            "10.1.0.80",
            "",
            "",
            "Email",
            "08DC3C1F6A7E2B92",
            "15.02.1118.007",
        ]
    )


def _tracking_rows(message: Message) -> list[tuple[str, bool]]:
    """(row, is it the RECEIVE row) for every row one message leaves in the log."""
    everyone = message.to + message.cc
    own = tuple(address for address in everyone if address.endswith(OWN_DOMAIN))
    outside = tuple(address for address in everyone if not address.endswith(OWN_DOMAIN))
    rows = []
    if message.sender.endswith(OWN_DOMAIN):
        rows.append((_tracking_row(message, "SUBMIT", "STOREDRIVER", (), False), False))
    rows.append((_tracking_row(message, "RECEIVE", "SMTP", everyone, False), True))
    if own:
        rows.append((_tracking_row(message, "DELIVER", "STOREDRIVER", own, False), False))
    if outside:
        rows.append((_tracking_row(message, "SEND", "SMTP", outside, False), False))
    return rows


def exchange_tracking(records: int, rng: random.Random) -> Corpus:
    bad = malformed_positions(rng, records)
    clock = Clock(rng, mean_gap_s=5.0)
    lines: list[str] = []
    events = skipped = index = 0
    while len(lines) < records:
        message = _message(rng, clock, index)
        index += 1
        if len(lines) in bad:  # a standalone broken row: cut short, or a RECEIVE row with no time
            row = _tracking_row(message, "RECEIVE", "SMTP", message.to, rng.random() < 0.5)
            lines.append(row[: len(row) // 3] if "yesterday" not in row else row)
            continue
        for row, receive in _tracking_rows(message)[: room(len(lines), bad, records)]:
            lines.append(row)
            events += receive
            skipped += not receive
    data = (TRACKING_HEADER + "\n".join(lines) + "\n").encode()
    return Corpus("mail.exchange-tracking", (data,), records, events, len(bad), skipped)


# --- M365 message trace ---------------------------------------------------------------------------


def _trace_row(message: Message, recipient: str, index: int) -> dict[str, object]:
    return {
        "Organization": "elmsfarm.onmicrosoft.com",
        "MessageId": message.message_id,
        "Received": message.at.strftime("%Y-%m-%dT%H:%M:%S.%f0"),
        "SenderAddress": message.sender,
        "RecipientAddress": recipient,
        "Subject": message.subject,
        "Status": "Delivered" if recipient.endswith(OWN_DOMAIN) or index % 7 else "Failed",
        "ToIP": None,
        "FromIP": "2a01:111:f400:fe1e::700",
        "Size": message.size,
        "MessageTraceId": "a7c3e1d2-5f6b-4c8d-9e0f-1a2b3c4d5e6f",
        "StartDate": "2026-11-23T00:00:00Z",
        "EndDate": "2026-11-24T00:00:00Z",
        "Index": index,
    }


def m365_trace(records: int, rng: random.Random) -> Corpus:
    bad = malformed_positions(rng, records)
    clock = Clock(rng, mean_gap_s=5.0)
    rows: list[dict[str, object]] = []
    events = index = 0
    while len(rows) < records:
        message = _message(rng, clock, index)
        index += 1
        if len(rows) in bad:  # a standalone row without its message id, or with no time
            row = _trace_row(message, message.to[0], len(rows))
            if rng.random() < 0.5:
                row["MessageId"] = ""
            else:
                row["Received"] = "yesterday"
            rows.append(row)
            continue
        events += 1
        for recipient in (message.to + message.cc)[: room(len(rows), bad, records)]:
            rows.append(_trace_row(message, recipient, len(rows)))
    data = json.dumps(rows, indent=2, ensure_ascii=False).encode()
    return Corpus("mail.m365-trace", (data,), records, events, len(bad))


# --- Gmail BigQuery export ------------------------------------------------------------------------


def _gmail_row(message: Message, destinations: tuple[str, ...], stage: int) -> dict[str, object]:
    usec = int(message.at.timestamp() * 1_000_000) + stage * 184_211
    info: dict[str, object] = {
        "rfc2822_message_id": message.message_id,
        "subject": message.subject,
        "source": {
            "address": message.sender,
            "from_header_address": message.sender,
            "from_header_displayname": message.sender.split("@")[0].title(),
            "service": "gmail-ui" if message.sender.endswith(OWN_DOMAIN) else "smtp-inbound",
        },
        "destination": [
            {"address": address, "service": "gmail-ui" if address.endswith(OWN_DOMAIN) else "smtp-outbound"}
            for address in destinations
        ],
        "is_spam": False,
        "payload_size": str(message.size),
        "connection_info": {"client_ip": "10.20.0.14", "smtp_tls_state": 1},
    }
    if message.attachment:
        info["attachment"] = [{"file_name": message.attachment, "file_extension_type": "bin"}]
    event_info = {"timestamp_usec": str(usec), "elapsed_time_usec": "184211", "success": True}
    return {"event_info": event_info, "message_info": info}


def gmail(records: int, rng: random.Random) -> Corpus:
    bad = malformed_positions(rng, records)
    clock = Clock(rng, mean_gap_s=5.0)
    lines: list[str] = []
    events = index = 0
    while len(lines) < records:
        message = _message(rng, clock, index)
        index += 1
        if len(lines) in bad:  # a standalone broken row: cut short, or without a message id
            if rng.random() < 0.5:
                line = json.dumps(_gmail_row(message, message.to, 0), separators=(",", ":"))
                lines.append(line[: len(line) // 2])
            else:
                nameless = replace(message, message_id="")
                lines.append(json.dumps(_gmail_row(nameless, message.to, 0), separators=(",", ":")))
            continue
        everyone = message.to + message.cc
        stages = [everyone] if len(everyone) < 2 or rng.random() < 0.5 else [everyone[:1], everyone[1:]]
        events += 1
        for stage, destinations in enumerate(stages[: room(len(lines), bad, records)]):
            lines.append(json.dumps(_gmail_row(message, destinations, stage), separators=(",", ":")))
    data = ("\n".join(lines) + "\n").encode()
    return Corpus("mail.gmail", (data,), records, events, len(bad))
