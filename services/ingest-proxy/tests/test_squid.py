from datetime import UTC, datetime

import pytest

from ingest_proxy.ingest import parse_squid_text
from ingest_proxy.minimise import account_of, to_event
from ingest_proxy.squid import SquidParseError, parse_line

GET_LINE = (
    "1700000000.123    456 10.0.0.5 TCP_MISS/200 1234 GET "
    "http://www.Facebook.com/groups/x?q=secret#frag CORP\\JSmith HIER_DIRECT/157.240.1.35 text/html"
)
CONNECT_LINE = (
    "1700000001.000  12003 10.0.0.6 TCP_TUNNEL/200 5678 CONNECT www.facebook.com:443 "
    "jsmith HIER_DIRECT/1.2.3.4 -"
)


def test_parses_right_aligned_elapsed_and_fields() -> None:
    record = parse_line(GET_LINE)
    assert record.timestamp == datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)
    assert (record.elapsed_ms, record.status, record.bytes) == (456, 200, 1234)
    assert record.result_code == "TCP_MISS"
    assert record.user == "CORP\\JSmith"


def test_query_string_and_fragment_are_dropped_at_the_door() -> None:
    event = to_event(parse_line(GET_LINE), "elms-farm", GET_LINE)
    assert event.proxy.host == "www.facebook.com"
    assert event.proxy.path == "/groups/x"
    assert "secret" not in event.SerializeToString().decode("latin-1")
    assert event.account == "jsmith"


def test_connect_line_gives_host_and_port() -> None:
    event = to_event(parse_line(CONNECT_LINE), "elms-farm", CONNECT_LINE)
    assert (event.proxy.scheme, event.proxy.host, event.proxy.port, event.proxy.path) == (
        "https",
        "www.facebook.com",
        443,
        "",
    )
    assert event.proxy.elapsed_ms == 12003


def test_event_id_is_stable_per_school_and_line() -> None:
    first = to_event(parse_line(GET_LINE), "elms-farm", GET_LINE)
    again = to_event(parse_line(GET_LINE), "elms-farm", GET_LINE + "  ")
    other_school = to_event(parse_line(GET_LINE), "st-peters", GET_LINE)
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
    with pytest.raises(SquidParseError, match=reason):
        parse_line(line)


@pytest.mark.parametrize("user", ["jsmith", "CORP\\jsmith", "JSmith@elmsfarm.example.sch.uk", " jsmith "])
def test_account_is_the_logon_name(user: str) -> None:
    assert account_of(user) == "jsmith"


def test_text_batch_keeps_every_line_as_event_or_reject() -> None:
    text = f"{GET_LINE}\n\ngarbage here\n{CONNECT_LINE}\n1 2 3 4 5 6 ftp:// 8 9 10\n"
    batch = parse_squid_text(text, "elms-farm")
    assert len(batch.events) == 2
    assert [r.raw.decode() for r in batch.rejects] == ["garbage here", "1 2 3 4 5 6 ftp:// 8 9 10"]
    assert batch.rejects[0].reason.startswith("line 3:")
    assert batch.rejects[1].reason.startswith("line 5:")
    assert all(r.format == "proxy.squid" and r.school_id == "elms-farm" for r in batch.rejects)
