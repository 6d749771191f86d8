"""LDIF (RFC 2849) content records → DirectoryEntry, as `ldifde`/`ldapsearch -LLL` export them.

Handled: `version: 1`, `#` comments, lines folded with one leading space, `attr:: base64`,
attribute options (`cn;lang-en`), several entries separated by blank lines, CRLF. Refused with a
reason: `attr:< URL` values (the parser never opens files or URLs), change records other than
`changetype: add`, entries without a leading `dn:`, bad base64. Values that decode to bytes
which are not UTF-8 (objectGUID, objectSid) are binary and not read.
"""

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass

from ingest_directory.snapshot import DirectoryEntry
from ingest_directory.winjson import DirectoryError


@dataclass(frozen=True)
class LdifFailure:
    line: int
    raw: bytes
    reason: str


def _records(data: bytes) -> Iterator[tuple[int, list[bytes]]]:
    """(first line number, raw lines) per record; records end at blank lines."""
    lines: list[bytes] = []
    start = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        line = line.rstrip(b"\r")
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield start, lines
            lines = []
    if lines:
        yield start, lines


def _unfold(lines: list[bytes]) -> list[str]:
    logical: list[str] = []
    for line in lines:
        text = line.decode("utf-8")
        if text.startswith(" ") and logical:
            logical[-1] += text[1:]
        else:
            logical.append(text)
    return [line for line in logical if not line.startswith("#")]


def _value(line: str) -> tuple[str, str | None]:
    """(attribute, text) of one logical line; text is None for binary values."""
    name, sep, rest = line.partition(":")
    if not sep or not name.strip():
        raise DirectoryError(f"not an 'attribute: value' line: {line[:60]!r}")
    name = name.split(";", 1)[0].strip()
    if rest.startswith(":"):
        try:
            decoded = base64.b64decode(rest[1:].strip(), validate=True)
        except (binascii.Error, ValueError):
            raise DirectoryError(f"{name}:: is not base64") from None
        try:
            return name, decoded.decode("utf-8")
        except UnicodeDecodeError:
            return name, None
    if rest.startswith("<"):
        raise DirectoryError(f"{name}:< URL values are not read")
    return name, rest.lstrip(" ")


def _entry(lines: list[bytes]) -> DirectoryEntry | None:
    try:
        logical = _unfold(lines)
    except UnicodeDecodeError as error:
        raise DirectoryError(f"not UTF-8 ({error.reason} at byte {error.start})") from None
    if logical and logical[0].lower().startswith("version:"):
        logical = logical[1:]
    if not logical:
        return None
    name, dn = _value(logical[0])
    if name.lower() != "dn" or dn is None:
        raise DirectoryError("entry does not start with dn:")
    attributes: dict[str, list[str]] = {}
    for line in logical[1:]:
        name, text = _value(line)
        key = name.lower()
        if key == "changetype" and (text or "").strip().lower() != "add":
            raise DirectoryError(f"change record ({text}) is not a directory export")
        if text is not None and key != "changetype":
            attributes.setdefault(key, []).append(text)
    raw = "\n".join(logical)
    return DirectoryEntry(dn=dn.strip(), attributes=attributes, raw=raw)


def read_ldif(data: bytes) -> tuple[list[DirectoryEntry], list[LdifFailure]]:
    """Every record becomes an entry or a failure with its first line number; nothing raised."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    entries: list[DirectoryEntry] = []
    failures: list[LdifFailure] = []
    for start, lines in _records(data):
        try:
            entry = _entry(lines)
        except DirectoryError as error:
            failures.append(LdifFailure(start, b"\n".join(lines), str(error)))
            continue
        if entry is not None:
            entries.append(entry)
    return entries, failures
