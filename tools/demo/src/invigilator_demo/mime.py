"""RFC 5322 message bytes as a mail platform journals them: the caller's header lines, a short text
body, and attachments of random bytes (base64). Shared by the demo day and samples/day's generator."""

from __future__ import annotations

import base64
import random
from collections.abc import Sequence
from dataclasses import dataclass

TEXT_PART = ('Content-Type: text/plain; charset="us-ascii"', "Content-Transfer-Encoding: 7bit")


@dataclass(frozen=True)
class Attachment:
    file_name: str
    content_type: str
    size: int


def _wrap(data: bytes) -> list[str]:
    text = base64.b64encode(data).decode()
    return [text[i : i + 76] for i in range(0, len(text), 76)]


def message_bytes(
    r: random.Random, headers: Sequence[str], body: str, attachments: Sequence[Attachment] = ()
) -> bytes:
    """Plain text without attachments, else multipart/mixed (the boundary and the attachments'
    bytes drawn from `r`, in that order)."""
    if not attachments:
        lines = [*headers, *TEXT_PART, "", body]
        return ("\r\n".join(lines) + "\r\n").encode()
    boundary = f"_000_{r.getrandbits(40):010x}_"
    lines = [*headers, f'Content-Type: multipart/mixed; boundary="{boundary}"', "", f"--{boundary}"]
    lines += [*TEXT_PART, "", body]
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
