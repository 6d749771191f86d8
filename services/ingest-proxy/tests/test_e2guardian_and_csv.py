import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from ingest_proxy.ingest import parse_text
from ingest_proxy.vendor_csv import PRESETS, load_mappings

LONDON = ZoneInfo("Europe/London")
E2G_DENIED = "\t".join(
    [
        "2026.7.6 9:15:02",
        "jsmith",
        "10.20.1.15",
        "https://www.facebook.com/groups/x?ref=1",
        "*DENIED* Banned site: facebook.com",
        "GET",
        "3921",
        "0",
        "Social Networking",
        "1",
        "403",
        "text/html",
        "-",
        "Staff",
        "Mozilla/5.0",
    ]
)
E2G_ALLOWED = "\t".join(
    [
        "2026.11.23 13:01:00",
        "ateacher",
        "10.20.1.22",
        "http://www.bbc.co.uk/news/live",
        "",
        "GET",
        "18234",
        "0",
        "News, Sport",
        "1",
        "200",
    ]
)
SMOOTHWALL = """Date/Time,Username,IP Address,URL,Method,Status Code,Bytes,Categories,Action
23/11/2026 10:00:00,ELMS\\jsmith,10.20.1.15,https://www.twitch.tv/v/1?t=5,GET,200,9000,Streaming Media,allowed
23/11/2026 10:00:05,ELMS\\jsmith,10.20.1.15,https://bet.example/play,GET,403,0,Gambling;Games,blocked
not,enough
"""


def test_e2guardian_denied_line_keeps_category_verdict_and_path_in_local_time() -> None:
    [event] = parse_text("e2guardian", E2G_DENIED, "elms-farm", LONDON).events
    assert event.occurred_at.ToDatetime(UTC) == datetime(2026, 7, 6, 8, 15, 2, tzinfo=UTC)  # BST
    assert list(event.proxy.categories) == ["Social Networking"]
    assert event.proxy.result_code.startswith("*DENIED*")
    assert (event.proxy.host, event.proxy.path, event.proxy.status) == ("www.facebook.com", "/groups/x", 403)
    assert b"ref=1" not in event.SerializeToString()


def test_e2guardian_allowed_line_with_optional_fields_missing() -> None:
    [event] = parse_text("e2guardian", E2G_ALLOWED, "elms-farm", LONDON).events
    assert event.occurred_at.ToDatetime(UTC) == datetime(2026, 11, 23, 13, 1, tzinfo=UTC)  # GMT
    assert list(event.proxy.categories) == ["News", "Sport"]
    assert event.proxy.path == ""
    assert event.account == "ateacher"


def test_e2guardian_short_line_is_rejected() -> None:
    batch = parse_text("e2guardian", "2026.11.23 13:01:00\tjsmith", "elms-farm", LONDON)
    assert not batch.events
    assert "tab-separated" in batch.rejects[0].reason


def test_smoothwall_csv_through_the_preset_mapping() -> None:
    batch = parse_text("smoothwall-csv", SMOOTHWALL, "elms-farm", LONDON)
    allowed, blocked = batch.events
    assert (allowed.account, allowed.proxy.host, allowed.proxy.path) == ("jsmith", "www.twitch.tv", "")
    assert list(allowed.proxy.categories) == ["Streaming Media"]
    assert (blocked.proxy.path, list(blocked.proxy.categories)) == ("/play", ["Gambling", "Games"])
    assert blocked.occurred_at.ToDatetime(UTC) == datetime(2026, 11, 23, 10, 0, 5, tzinfo=UTC)
    [reject] = batch.rejects
    assert reject.reason == "line 4: expected 9 columns, found 2"


def test_csv_with_wrong_header_explains_the_mapping_problem() -> None:
    batch = parse_text("lightspeed-csv", SMOOTHWALL, "elms-farm", LONDON)
    assert not batch.events
    assert "check the column mapping" in batch.rejects[0].reason
    assert len(batch.rejects) == 3


def test_custom_mapping_file_adds_a_vendor(tmp_path: Path) -> None:
    path = tmp_path / "mappings.json"
    path.write_text(json.dumps({"securly": {"timestamp": "When", "user": "Who", "url": "Site"}}))
    mappings = load_mappings(path)
    assert set(mappings) == {*PRESETS, "securly"}
    text = "When,Who,Site\n2026-11-23T10:00:00Z,jsmith,https://example.org/x\n"
    [event] = parse_text("securly-csv", text, "elms-farm", LONDON, mappings).events
    assert event.proxy.host == "example.org"


def test_bad_mapping_file_names_the_vendor(tmp_path: Path) -> None:
    path = tmp_path / "mappings.json"
    path.write_text(json.dumps({"securly": {"timestamp": "When", "colour": "x"}}))
    with pytest.raises(ValueError, match="securly"):
        load_mappings(path)


def test_e2guardian_connect_keeps_the_host_without_its_scheme() -> None:
    # e2guardian logs a tunnel as https://host:443 (Squid as host:443).
    line = "\t".join(
        ["2026.11.24 13:02:55", "rthomas", "10.30.1.28", "https://skybet.com:443", "", "CONNECT"]
    )
    line += "\t" + "\t".join(["0", "0", "-", "1", "200"])
    [event] = parse_text("e2guardian", line, "st-peters", LONDON).events
    assert (event.proxy.scheme, event.proxy.host, event.proxy.port) == ("https", "skybet.com", 443)
