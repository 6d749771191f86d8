"""The shipper: access.log lines split into complete lines, routed to schools by client subnet."""

from pathlib import Path

import httpx

from invigilator_demo.plan import School
from invigilator_demo.shipper import Shipper, client_ip_of, route_lines, routes_for, school_of, split_complete

SCHOOLS = [
    School("elms-farm", "Elms Farm Primary", "Elms Farm", "elmsfarm.example.sch.uk", "127.31"),
    School("st-peters", "St Peter's", "St Peter's", "stpeters.example.sch.uk", "127.32"),
    School("annex", "Annex", "Annex", "annex.example.sch.uk", "127.3"),
]


def line(ip: str, user: str = "jsmith") -> str:
    return (
        f"1795162824.301    871 {ip} TCP_MISS/200 406 GET http://www.facebook.com/ {user} "
        "FIRSTUP_PARENT/127.0.0.1 -"
    )


def test_subnet_prefixes_match_whole_octets() -> None:
    routes = routes_for(SCHOOLS)
    assert school_of("127.31.0.14", routes) == "elms-farm"
    assert school_of("127.32.1.2", routes) == "st-peters"
    assert school_of("127.3.9.9", routes) == "annex"  # not 127.31 nor 127.32
    assert school_of("127.0.0.1", routes) is None
    assert school_of("127.310.0.1", routes) is None


def test_complete_lines_and_the_rest() -> None:
    lines, rest = split_complete(b"a 1\nb 2\nc-unfinished")
    assert (lines, rest) == (["a 1", "b 2"], b"c-unfinished")
    assert split_complete(b"no newline yet") == ([], b"no newline yet")
    assert split_complete(b"x\n\n") == (["x"], b"")


def test_lines_are_routed_per_school_and_the_probe_is_not() -> None:
    lines = [line("127.31.0.5"), line("127.32.0.7"), line("127.0.0.1", "demo-clock"), line("127.31.1.1")]
    by_school, unrouted = route_lines(lines, routes_for(SCHOOLS))
    assert by_school == {"elms-farm": [lines[0], lines[3]], "st-peters": [lines[1]]}
    assert unrouted == 1
    assert client_ip_of("short") == ""


def test_shipper_posts_new_lines_per_school(tmp_path: Path) -> None:
    posted: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        body = request.content.decode()
        posted.append((request.url.path, body))
        assert request.headers["Content-Type"] == "text/plain"
        return httpx.Response(202, json={"accepted": body.count("\n"), "rejected": 0, "trace_id": "ab" * 16})

    log = tmp_path / "access.log"
    log.write_text(line("127.31.0.5") + "\n" + line("127.32.0.7") + "\n" + line("127.31.0.6")[:20])
    client = httpx.Client(transport=httpx.MockTransport(answer))
    shipper = Shipper(log, routes_for(SCHOOLS), "http://ingest", client=client)
    assert shipper.ship_once() == 2
    with log.open("a") as handle:  # Squid finishes the line it was writing
        handle.write(line("127.31.0.6")[20:] + "\n")
    assert shipper.ship_once() == 1
    assert [path for path, _ in posted] == [
        "/v1/schools/elms-farm/squid",
        "/v1/schools/st-peters/squid",
        "/v1/schools/elms-farm/squid",
    ]
    assert posted[2][1] == line("127.31.0.6") + "\n"
    assert dict(shipper.stats.accepted) == {"elms-farm": 2, "st-peters": 1}
    assert shipper.stats.lines_read == 3
    assert shipper.stats.failures == 0
    assert len(shipper.stats.traces) == 3
