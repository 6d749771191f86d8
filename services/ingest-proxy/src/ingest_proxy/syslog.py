"""Syslog over TCP without I/O: RFC 6587 framing, RFC 5424 and RFC 3164 headers.

Framing is detected per frame: a frame starting with a digit is octet-counted (`<len> <msg>`),
anything else runs to the next LF (or NUL) — non-transparent framing. The MSG of each message is
one proxy log line.
"""

import re
from dataclasses import dataclass

OCTET_COUNT = re.compile(rb"(\d{1,10}) ")
MAX_COUNT_DIGITS = 10
TRAILERS = re.compile(rb"[\n\x00]")
PRI = re.compile(rb"<(\d{1,3})>")
RFC5424_VERSION = re.compile(rb"[1-9]\d{0,2} ")
BOM = "\ufeff"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
RFC3164_HEADER = re.compile(
    r"(?P<ts>(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)|(?:\d{4}-\d\d-\d\dT\S+))"
    r" (?P<host>\S+)(?: (?P<rest>.*))?",
    re.DOTALL,
)
RFC3164_TAG = re.compile(r"(?P<tag>[^\s\[\]:]{1,48})(?:\[(?P<pid>[^\]\s]*)\])?:(?: |$)(?P<msg>.*)", re.DOTALL)
SD_NAME = re.compile(r'[^\s=\]"]{1,32}')
SD_ESCAPABLE = '"\\]'


class SyslogError(ValueError):
    """Base of everything this module refuses."""


class SyslogFrameError(SyslogError):
    """A frame that could not be delimited or is over the size limit; `raw` keeps its first bytes."""

    def __init__(self, reason: str, raw: bytes) -> None:
        super().__init__(reason)
        self.raw = raw


class SyslogParseError(SyslogError):
    """A frame that is not an RFC 5424 or RFC 3164 message; the message says what is wrong."""


@dataclass(frozen=True)
class SDElement:
    id: str
    params: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SyslogMessage:
    facility: int
    severity: int
    # 1 for RFC 5424; 0 for the BSD format of RFC 3164.
    version: int
    # As sent (the proxy line carries its own time); "" when nil.
    timestamp: str
    hostname: str
    app_name: str
    procid: str
    msgid: str
    structured_data: tuple[SDElement, ...]
    msg: str


class FrameDecoder:
    """Splits a TCP byte stream into frames, whatever the reads' boundaries.

    `feed` returns complete frames (bytes) and, in stream order, frames it had to refuse as
    `SyslogFrameError` values; it raises nothing. An oversized frame is refused with its first
    `max_frame_bytes` bytes and the stream resynchronised after it.
    """

    def __init__(self, max_frame_bytes: int = 64 * 1024) -> None:
        self._max = max_frame_bytes
        self._buffer = bytearray()
        # Oversized frame being skipped: its head, its total size and (octet-counted) what is left.
        self._head: bytes | None = None
        self._skipped = 0
        self._left: int | None = None

    def feed(self, data: bytes) -> list[bytes | SyslogFrameError]:
        self._buffer += data
        out: list[bytes | SyslogFrameError] = []
        while (frame := self._next()) is not None:
            if frame:
                out.append(frame)
        return out

    def close(self) -> list[bytes | SyslogFrameError]:
        """At the end of the stream: a last LF-less frame is a frame; a cut octet-counted one is not."""
        out = self.feed(b"")
        rest = bytes(self._buffer).strip(b"\r\n\x00")
        self._buffer.clear()
        if self._head is not None:
            reason = f"stream ended inside an oversized frame ({self._skipped} bytes read)"
            out.append(SyslogFrameError(reason, self._head))
            self._head = None
        elif rest and OCTET_COUNT.match(rest):
            out.append(SyslogFrameError("stream ended inside an octet-counted frame", rest[: self._max]))
        elif rest:
            out.append(rest)
        return out

    def discard(self) -> bytes:
        """What is buffered but not a complete frame, when the connection is closed on our side."""
        rest = (self._head or b"") + bytes(self._buffer)
        self._buffer.clear()
        self._head, self._left = None, None
        return rest.strip(b"\r\n\x00")

    def _next(self) -> bytes | SyslogFrameError | None:
        """The next frame; b"" for an empty one (skipped); None when more bytes are needed."""
        if self._head is not None:
            return self._skip()
        buffer = self._buffer
        start = 0
        while start < len(buffer) and buffer[start] in b"\r\n\x00":
            start += 1
        del buffer[:start]
        if not buffer:
            return None
        if buffer[:1].isdigit():
            counted = OCTET_COUNT.match(buffer)
            if counted:
                return self._counted(counted.end(), int(counted.group(1)))
            digits = len(buffer) - len(bytes(buffer).lstrip(b"0123456789"))
            if digits == len(buffer) and digits <= MAX_COUNT_DIGITS:
                return None  # the count itself is split across reads
        return self._delimited()

    def _counted(self, header: int, length: int) -> bytes | SyslogFrameError | None:
        if length > self._max:
            del self._buffer[:header]
            self._head, self._skipped, self._left = b"", 0, length
            return self._skip()
        if len(self._buffer) < header + length:
            return None
        frame = bytes(self._buffer[header : header + length])
        del self._buffer[: header + length]
        return frame.rstrip(b"\r\n")

    def _delimited(self) -> bytes | SyslogFrameError | None:
        trailer = TRAILERS.search(self._buffer, 0, self._max + 1)
        if trailer is None:
            if len(self._buffer) <= self._max:
                return None
            self._head, self._skipped, self._left = b"", 0, None
            return self._skip()
        frame = bytes(self._buffer[: trailer.start()])
        del self._buffer[: trailer.end()]
        return frame.rstrip(b"\r")

    def _skip(self) -> SyslogFrameError | None:
        """Consume an oversized frame, keeping its head; the error once its end is reached."""
        assert self._head is not None
        if self._left is not None:
            end = min(self._left, len(self._buffer))
            found_end = end == self._left
        else:
            trailer = TRAILERS.search(self._buffer)
            end = trailer.start() if trailer else len(self._buffer)
            found_end = trailer is not None
        if len(self._head) < self._max:
            self._head += bytes(self._buffer[: min(end, self._max - len(self._head))])
        self._skipped += end
        del self._buffer[: end + (1 if found_end and self._left is None else 0)]
        if self._left is not None:
            self._left -= end
        if not found_end:
            return None
        error = SyslogFrameError(
            f"frame of {self._skipped} bytes over the {self._max}-byte limit", self._head
        )
        self._head, self._left = None, None
        return error


def _sd_value(text: str, at: int) -> tuple[str, int]:
    """A quoted PARAM-VALUE starting after its opening quote: (value, index after the closing quote)."""
    value: list[str] = []
    while at < len(text):
        char = text[at]
        if char == "\\" and at + 1 < len(text) and text[at + 1] in SD_ESCAPABLE:
            value.append(text[at + 1])
            at += 2
        elif char == '"':
            return "".join(value), at + 1
        else:
            value.append(char)
            at += 1
    raise SyslogParseError("structured data: unterminated PARAM-VALUE")


def _structured_data(text: str) -> tuple[tuple[SDElement, ...], str]:
    """(elements, the rest after STRUCTURED-DATA) of what follows MSGID."""
    if text.startswith("-"):
        return (), text[1:]
    if not text.startswith("["):
        raise SyslogParseError("structured data is neither '-' nor '[...]'")
    elements: list[SDElement] = []
    at = 0
    while at < len(text) and text[at] == "[":
        name = SD_NAME.match(text, at + 1)
        if name is None:
            raise SyslogParseError("structured data: element without an SD-ID")
        at = name.end()
        params: list[tuple[str, str]] = []
        while at < len(text) and text[at] == " ":
            param = SD_NAME.match(text, at + 1)
            if param is None or not text.startswith('="', param.end()):
                raise SyslogParseError(f"structured data: bad parameter in [{name.group()}]")
            value, at = _sd_value(text, param.end() + 2)
            params.append((param.group(), value))
        if not text.startswith("]", at):
            raise SyslogParseError(f"structured data: [{name.group()}] is not closed")
        at += 1
        elements.append(SDElement(name.group(), tuple(params)))
    return tuple(elements), text[at:]


def _nil(value: str) -> str:
    return "" if value == "-" else value


def _rfc5424(pri: int, rest: bytes) -> SyslogMessage:
    fields = rest.split(b" ", 6)
    if len(fields) < 7:
        raise SyslogParseError(f"RFC 5424 header has {len(fields)} of its 7 fields")
    try:
        version, stamp, host, app, procid, msgid = (f.decode("ascii") for f in fields[:6])
        body = fields[6].decode("utf-8")
    except UnicodeDecodeError as error:
        raise SyslogParseError(f"RFC 5424 message is not ASCII/UTF-8: {error.reason}") from None
    if not all(f and f.isprintable() for f in (stamp, host, app, procid, msgid)):
        raise SyslogParseError("RFC 5424 header has an empty or unprintable field")
    elements, after = _structured_data(body)
    if after and not after.startswith(" "):
        raise SyslogParseError("RFC 5424: no space between structured data and MSG")
    msg = after[1:].removeprefix(BOM).rstrip("\r\n")
    return SyslogMessage(
        pri // 8, pri % 8, int(version), _nil(stamp), _nil(host), _nil(app), _nil(procid), _nil(msgid),
        elements, msg,
    )  # fmt: skip


def _rfc3164(pri: int, rest: bytes) -> SyslogMessage:
    try:
        text = rest.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SyslogParseError(f"RFC 3164 message is not UTF-8: {error.reason}") from None
    header = RFC3164_HEADER.fullmatch(text)
    if header is None or (header["ts"][:1].isalpha() and header["ts"][:3] not in MONTHS):
        raise SyslogParseError("neither an RFC 5424 nor an RFC 3164 header ('Mmm dd hh:mm:ss HOST ...')")
    body = (header["rest"] or "").rstrip("\r\n")
    tag = RFC3164_TAG.fullmatch(body)
    app, procid, msg = (tag["tag"], tag["pid"] or "", tag["msg"]) if tag else ("", "", body)
    return SyslogMessage(pri // 8, pri % 8, 0, header["ts"], header["host"], app, procid, "", (), msg)


def parse_message(frame: bytes) -> SyslogMessage:
    """One syslog message, RFC 5424 or RFC 3164; raises SyslogParseError saying what is wrong."""
    pri = PRI.match(frame)
    if pri is None:
        raise SyslogParseError("no <PRI> at the start of the message")
    value = int(pri.group(1))
    if value > 191:
        raise SyslogParseError(f"<PRI> out of range: {value}")
    rest = frame[pri.end() :]
    if RFC5424_VERSION.match(rest):
        return _rfc5424(value, rest)
    return _rfc3164(value, rest)
