from datetime import UTC, datetime

import pytest

from ingest_proxy.ingest import parse_text
from ingest_proxy.minimise import to_event
from ingest_proxy.record import ProxyParseError
from ingest_proxy.squid import parse_line

GET_LINE = (
    "1700000000.123    456 10.0.0.5 TCP_MISS/200 1234 GET "
    "http://www.Facebook.com/groups/x?q=secret#frag CORP\\JSmith HIER_DIRECT/157.240.1.35 text/html"
)
CONNECT_LINE = (
    "1700000001.000  12003 10.0.0.6 TCP_TUNNEL/200 5678 CONNECT www.facebook.com:443 "
    "jsmith HIER_DIRECT/1.2.3.4 -"
)
DENIED_LINE = (
    "1700000002.000      0 2001:db8::15 TCP_DENIED/403 3921 GET http://bet.example/casino/play?u=1 "
    "j%20smith HIER_NONE/- text/html"
)


def test_parses_right_aligned_elapsed_and_fields() -> None:
    record = parse_line(GET_LINE)
    assert record.timestamp == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert (record.elapsed_ms, record.status, record.bytes) == (456, 200, 1234)
    assert record.result_code == "TCP_MISS"
    assert record.user == "CORP\\JSmith"
    assert not record.denied


def test_allowed_request_keeps_only_scheme_host_and_port() -> None:
    event = to_event(parse_line(GET_LINE), "elms-farm", GET_LINE, "proxy.squid")
    assert (event.proxy.scheme, event.proxy.host, event.proxy.port) == ("http", "www.facebook.com", 80)
    assert event.proxy.path == ""
    serialized = event.SerializeToString()
    for forbidden in (b"secret", b"groups", b"frag"):
        assert forbidden not in serialized
    assert event.account == "jsmith"


def test_denied_request_keeps_its_path_but_not_its_query() -> None:
    event = to_event(parse_line(DENIED_LINE), "elms-farm", DENIED_LINE, "proxy.squid")
    assert event.proxy.path == "/casino/play"
    assert b"u=1" not in event.SerializeToString()
    assert event.proxy.client_ip == "2001:db8::15"
    assert event.account == "j smith"


def test_connect_line_gives_host_and_port() -> None:
    event = to_event(parse_line(CONNECT_LINE), "elms-farm", CONNECT_LINE, "proxy.squid")
    assert (event.proxy.scheme, event.proxy.host, event.proxy.port, event.proxy.path) == (
        "https",
        "www.facebook.com",
        443,
        "",
    )
    assert event.proxy.elapsed_ms == 12003


def test_ipv6_connect_target() -> None:
    line = "1700000001.000 5 ::1 TCP_TUNNEL/200 10 CONNECT [2001:db8::1]:443 - HIER_DIRECT/- -"
    event = to_event(parse_line(line), "elms-farm", line, "proxy.squid")
    assert (event.proxy.host, event.proxy.port, event.account) == ("2001:db8::1", 443, "")


def test_event_id_is_stable_per_school_and_line() -> None:
    first = to_event(parse_line(GET_LINE), "elms-farm", GET_LINE, "proxy.squid")
    again = to_event(parse_line(GET_LINE), "elms-farm", GET_LINE + "  ", "proxy.squid")
    other_school = to_event(parse_line(GET_LINE), "st-peters", GET_LINE, "proxy.squid")
    assert first.event_id == again.event_id
    assert first.event_id != other_school.event_id


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("not a squid line", "expected 10"),
        (GET_LINE.replace("1700000000.123", "yesterday"), "Unix timestamp"),
        (GET_LINE.replace("TCP_MISS/200", "TCP_MISS"), "code/status"),
        (GET_LINE.replace(" 1234 ", " -5 "), "negative"),
    ],
)
def test_bad_lines_say_why(line: str, reason: str) -> None:
    with pytest.raises(ProxyParseError, match=reason):
        parse_line(line)


def test_text_batch_keeps_every_line_as_event_or_reject() -> None:
    none_line = (
        "1700000003.000 0 10.0.0.9 NONE_NONE/000 0 - error:transaction-end-before-headers - HIER_NONE/- -"
    )
    text = f"{GET_LINE}\n\ngarbage here\n{CONNECT_LINE}\n{none_line}\n"
    batch = parse_text("squid", text, "elms-farm")
    assert len(batch.events) == 2
    assert [r.raw.decode() for r in batch.rejects] == ["garbage here", none_line]
    assert batch.rejects[0].reason.startswith("line 3:")
    assert batch.rejects[1].reason.startswith("line 5:")
    assert all(r.format == "proxy.squid" and r.school_id == "elms-farm" for r in batch.rejects)


def test_a_ten_megabyte_line_is_rejected_and_capped() -> None:
    huge = "x" * (10 * 1024 * 1024)
    batch = parse_text("squid", f"{GET_LINE}\n{huge}\n", "elms-farm")
    assert len(batch.events) == 1
    [reject] = batch.rejects
    assert len(reject.raw) == 64 * 1024
    assert "expected 10" in reject.reason


def test_unknown_format_is_refused_with_the_known_ones() -> None:
    with pytest.raises(ValueError, match="squid"):
        parse_text("bluecoat", GET_LINE, "elms-farm")


def test_text_that_is_not_utf8_becomes_a_reject() -> None:
    line = "1700000002.000 0 10.0.0.1 TCP_MISS/200 1 GET http://a.example/ j\ud800smith HIER_NONE/- -"
    batch = parse_text("squid", line, "elms-farm")
    assert not batch.events
    assert "surrogates" in batch.rejects[0].reason
