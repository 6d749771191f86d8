"""RFC 5322 messages as Exchange Online hands them to a journal mailbox (headers, a short body)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.utils import format_datetime

from invigilator_demo.mime import Attachment, message_bytes


def message_id(r: random.Random) -> str:
    server = f"DB9PR02MB{r.randint(1000, 9999)}"
    return f"<{server}{r.getrandbits(48):012X}@{server}.eurprd02.prod.outlook.com>"


def eml(
    r: random.Random,
    moment: datetime,
    sender: str,
    to: Sequence[str],
    subject: str,
    body: str,
    *,
    extra: Mapping[str, str] | None = None,
    attachments: Sequence[Attachment] = (),
) -> bytes:
    domain = sender.rpartition("@")[2]
    date = format_datetime(moment)
    server, address = r.randint(1000, 9999), r.randint(10, 99)
    headers = [
        f"Received: from DB9PR02MB{server}.eurprd02.prod.outlook.com (2603:10a6:10:2d1::{address})",
        f" by AM6PR02MB{r.randint(1000, 9999)}.eurprd02.prod.outlook.com with HTTPS; {date}",
        f"From: {sender}",
        f"To: {', '.join(to)}",
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: {message_id(r)}",
        *(f"{name}: {value}" for name, value in (extra or {}).items()),
        f"X-MS-Has-Attach: {'yes' if attachments else ''}",
        f"X-MS-Exchange-Organization-AuthSource: {domain}",
        "MIME-Version: 1.0",
    ]
    return message_bytes(r, headers, body, attachments)
