import pytest

from ingest_proxy.syslog import (
    FrameDecoder,
    SDElement,
    SyslogFrameError,
    SyslogParseError,
    parse_message,
)

SQUID = "1700000000.123    456 10.0.0.5 TCP_MISS/200 1234 GET http://a.example/x jsmith HIER_DIRECT/1.2.3.4 -"
E2G = "2026.7.6 9:15:02\tjsmith\t10.20.1.15\thttps://x.example/\t*DENIED*\tGET\t1\t0\tGames"


def test_rfc5424_with_several_sd_elements_escapes_and_bom() -> None:
    frame = (
        (
            b"<165>1 2026-11-23T10:00:00.123Z proxy1.elms.example squid 2941 ACCESS "
            b'[origin ip="10.0.0.1" software="squid"][x@32473 q="a \\"b\\" \\]c\\\\d" odd="\\n"] '
        )
        + b"\xef\xbb\xbf"
        + SQUID.encode()
    )
    message = parse_message(frame)
    assert (message.facility, message.severity, message.version) == (20, 5, 1)
    assert (message.hostname, message.app_name, message.procid, message.msgid) == (
        "proxy1.elms.example",
        "squid",
        "2941",
        "ACCESS",
    )
    assert message.timestamp == "2026-11-23T10:00:00.123Z"
    assert message.structured_data == (
        SDElement("origin", (("ip", "10.0.0.1"), ("software", "squid"))),
        SDElement("x@32473", (("q", 'a "b" ]c\\d'), ("odd", "\\n"))),
    )
    assert message.msg == SQUID


def test_rfc5424_nil_values_and_no_msg() -> None:
    message = parse_message(b"<14>1 - - - - - -")
    assert (message.timestamp, message.hostname, message.app_name, message.msg) == ("", "", "", "")
    assert message.structured_data == ()


def test_rfc5424_tab_separated_msg_is_kept_whole() -> None:
    message = parse_message(f"<14>1 2026-07-06T08:15:02Z e2g e2guardian - - - {E2G}\n".encode())
    assert message.msg == E2G


def test_rfc3164_with_pid() -> None:
    message = parse_message(f"<182>Nov 23 10:00:00 proxy1 squid[2941]: {SQUID}".encode())
    assert (message.facility, message.severity, message.version) == (22, 6, 0)
    assert (message.timestamp, message.hostname, message.app_name, message.procid) == (
        "Nov 23 10:00:00",
        "proxy1",
        "squid",
        "2941",
    )
    assert message.msg == SQUID


def test_rfc3164_without_pid_and_space_padded_day() -> None:
    message = parse_message(f"<14>Oct  5 07:01:02 filter e2guardian: {E2G}".encode())
    assert (message.hostname, message.app_name, message.procid, message.msg) == (
        "filter",
        "e2guardian",
        "",
        E2G,
    )


def test_rfc3164_without_tag_keeps_the_whole_line() -> None:
    message = parse_message(f"<14>Oct 15 07:01:02 proxy1 {SQUID}".encode())
    assert (message.app_name, message.msg) == ("", SQUID)


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        (b"no pri here", "no <PRI>"),
        (b"<999>1 - - - - - -", "out of range"),
        (b"<14>1 - - -", "7 fields"),
        (b"<14>1 - host app - - [broken", "not closed"),
        (b'<14>1 - host app - - [id k="v] msg', "unterminated"),
        (b"<14>1 - host app - - x msg", "neither '-' nor"),
        (b"<14>1 - host app - - -msg", "no space"),
        (b"<14>Foo 23 10:00:00 host x: y", "RFC 3164"),
        (b"<14>just text", "RFC 3164"),
        (b"<14>Nov 23 10:00:00 host \xff\xfe", "not UTF-8"),
    ],
)
def test_malformed_messages_say_why(frame: bytes, reason: str) -> None:
    with pytest.raises(SyslogParseError, match=reason):
        parse_message(frame)


def test_octet_counted_frames_split_across_reads() -> None:
    first, second = b"<14>1 - h a - - - one", "<14>1 - h a - - - twö".encode()
    stream = f"{len(first)} ".encode() + first + f"{len(second)} ".encode() + second
    decoder = FrameDecoder()
    frames: list[bytes | SyslogFrameError] = []
    for at in range(0, len(stream), 3):  # the count, the space and the payload all get cut
        frames.extend(decoder.feed(stream[at : at + 3]))
    assert frames == [first, second]
    assert decoder.close() == []


def test_framing_is_detected_per_frame() -> None:
    counted = b"<14>1 - h a - - - counted"
    stream = (
        b"<14>1 - h a - - - lf\n" + f"{len(counted)} ".encode() + counted + b"<13>Nov 23 10:00:00 h t: x\r\n"
    )
    assert FrameDecoder().feed(stream) == [b"<14>1 - h a - - - lf", counted, b"<13>Nov 23 10:00:00 h t: x"]


def test_last_frame_without_newline_is_a_frame_at_close() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"<14>1 - h a - - - tail") == []
    assert decoder.close() == [b"<14>1 - h a - - - tail"]


def test_cut_octet_counted_frame_is_refused_at_close() -> None:
    decoder = FrameDecoder()
    assert decoder.feed(b"100 <14>1 - h") == []
    [error] = decoder.close()
    assert isinstance(error, SyslogFrameError)
    assert "inside an octet-counted frame" in str(error)
    assert error.raw.startswith(b"100 <14>")


@pytest.mark.parametrize("counted", [True, False])
def test_oversized_frame_is_refused_with_its_head_and_the_stream_resyncs(counted: bool) -> None:
    big = b"<14>1 - h a - - - " + b"x" * 100
    after = b"<14>1 - h a - - - after"
    framed = (f"{len(big)} ".encode() + big) if counted else big + b"\n"
    decoder = FrameDecoder(max_frame_bytes=32)
    out: list[bytes | SyslogFrameError] = []
    for piece in (framed[:10], framed[10:50], framed[50:], after + b"\n"):
        out.extend(decoder.feed(piece))
    error, frame = out
    assert isinstance(error, SyslogFrameError)
    assert error.raw == big[:32]
    assert f"frame of {len(big)} bytes" in str(error)
    assert frame == after


def test_blank_lines_and_nuls_between_frames_are_not_frames() -> None:
    assert FrameDecoder().feed(b"\n\r\n\x00<14>Nov 23 10:00:00 h t: x\x00\n") == [
        b"<14>Nov 23 10:00:00 h t: x"
    ]
