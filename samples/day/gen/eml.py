"""RFC 5322 messages as Exchange Online hands them to a journal mailbox (headers, a short body)."""

from __future__ import annotations

import base64
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content_type: str
    size: int


def message_id(r: random.Random) -> str:
    server = f"DB9PR02MB{r.randint(1000, 9999)}"
    return f"<{server}{r.getrandbits(48):012X}@{server}.eurprd02.prod.outlook.com>"


def _wrap(data: bytes) -> list[str]:
    text = base64.b64encode(data).decode()
    return [text[i : i + 76] for i in range(0, len(text), 76)]


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
    if not attachments:
        lines = [
            *headers,
            'Content-Type: text/plain; charset="us-ascii"',
            "Content-Transfer-Encoding: 7bit",
            "",
            body,
        ]
        return ("\r\n".join(lines) + "\r\n").encode()
    boundary = f"_000_{r.getrandbits(40):010x}_"
    lines = [
        *headers,
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
        "",
        f"--{boundary}",
        'Content-Type: text/plain; charset="us-ascii"',
        "Content-Transfer-Encoding: 7bit",
        "",
        body,
    ]
    for item in attachments:
        lines += [
            f"--{boundary}",
            f'Content-Type: {item.content_type}; name="{item.file_name}"',
            f'Content-Disposition: attachment; filename="{item.file_name}"',
            "Content-Transfer-Encoding: base64",
            "",
            *_wrap(r.randbytes(item.size)),
        ]
    lines.append(f"--{boundary}--")
    return ("\r\n".join(lines) + "\r\n").encode()
