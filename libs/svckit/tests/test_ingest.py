from datetime import UTC, datetime

from svckit.ingest import MAX_REJECT_BYTES, account_of, event_id, reject


def test_event_id_is_stable_for_text_and_bytes_and_ignores_surrounding_whitespace() -> None:
    line = "1700000000.123 456 10.0.0.5 TCP_MISS/200 1 GET http://a.example/ jsmith HIER_DIRECT/- -"
    assert event_id("proxy.squid", "elms-farm", line) == event_id("proxy.squid", "elms-farm", line.encode())
    assert event_id("proxy.squid", "elms-farm", line) == event_id("proxy.squid", "elms-farm", line + "\r\n")
    assert event_id("proxy.squid", "elms-farm", line) != event_id("proxy.squid", "st-peters", line)
    assert event_id("proxy.squid", "elms-farm", line) != event_id("proxy.e2guardian", "elms-farm", line)
    assert len(event_id("x", "y", "\ud800")) == 32  # text that is not UTF-8 still gets an id


def test_account_is_the_logon_name() -> None:
    for user in ("jsmith", "CORP\\JSmith", "jsmith@elmsfarm.example.sch.uk", " jsmith "):
        assert account_of(user) == "jsmith"


def test_reject_caps_raw_and_says_so() -> None:
    now = datetime(2026, 11, 23, tzinfo=UTC)
    small = reject("proxy.squid", "elms-farm", b"garbage", "line 3: bad", now)
    assert (small.raw, small.reason) == (b"garbage", "line 3: bad")
    big = reject("proxy.squid", "elms-farm", b"x" * (MAX_REJECT_BYTES + 10), "line 4: bad", now)
    assert len(big.raw) == MAX_REJECT_BYTES
    assert big.reason == f"line 4: bad (raw cut to {MAX_REJECT_BYTES} of {MAX_REJECT_BYTES + 10} bytes)"
    assert big.received_at.ToDatetime(UTC) == now


def test_json_lines_skip_blank_lines_and_keep_numbers() -> None:
    from svckit.ingest import json_lines

    assert list(json_lines(b'{"a": 1}\r\n\n  \n{"b": 2}')) == [(1, b'{"a": 1}'), (4, b'{"b": 2}')]


def test_json_object_says_what_a_line_is_instead() -> None:
    import pytest

    from svckit.ingest import RecordError, json_object

    assert json_object(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}
    for line, reason in ((b"\xff", "not UTF-8"), (b"{", "not JSON"), (b"[1]", "not a JSON object but list")):
        with pytest.raises(RecordError, match=reason):
            json_object(line)
