"""The syslog frame decoder and message parser never raise on arbitrary bytes but their own errors."""

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_proxy.syslog import FrameDecoder, SyslogError, SyslogFrameError, parse_message

PIECES = st.sampled_from(
    [b"<14>", b"1 ", b"12 ", b"99999999999 ", b"\n", b"\x00", b"\r", b"[", b"]", b"-", b" "]
)
STREAMS = st.lists(st.one_of(st.binary(max_size=40), PIECES), max_size=30).map(b"".join)


def _decode(stream: bytes, cuts: list[int]) -> list[bytes | SyslogFrameError]:
    decoder = FrameDecoder(max_frame_bytes=24)
    out: list[bytes | SyslogFrameError] = []
    start = 0
    for cut in sorted({min(c, len(stream)) for c in cuts}):
        out.extend(decoder.feed(stream[start:cut]))
        start = cut
    out.extend(decoder.feed(stream[start:]))
    with contextlib.suppress(SyslogError):  # allowed by contract; today close() reports by value
        out.extend(decoder.close())
    return out


def _comparable(items: list[bytes | SyslogFrameError]) -> list[tuple[str, bytes]]:
    return [("error", i.raw) if isinstance(i, SyslogFrameError) else ("frame", i) for i in items]


@settings(max_examples=500, deadline=None)
@given(stream=STREAMS, cuts=st.lists(st.integers(min_value=0, max_value=1200), max_size=8))
def test_any_bytes_any_read_boundaries(stream: bytes, cuts: list[int]) -> None:
    try:
        split = _decode(stream, cuts)
        whole = _decode(stream, [])
    except SyslogError:
        return
    assert all(isinstance(item, bytes | SyslogFrameError) for item in split)
    assert _comparable(split) == _comparable(whole), "frames must not depend on where reads end"


@settings(max_examples=500, deadline=None)
@given(frame=st.one_of(STREAMS, st.binary(max_size=200)))
def test_any_frame_parses_or_raises_its_own_error(frame: bytes) -> None:
    with contextlib.suppress(SyslogError):
        parse_message(frame)
