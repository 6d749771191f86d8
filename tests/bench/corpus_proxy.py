"""Web-filter logs: Squid native, e2guardian (tab-delimited), Smoothwall and Lightspeed CSV.

Shapes follow services/ingest-proxy/tests (GET_LINE, CONNECT_LINE, E2G_DENIED, SMOOTHWALL): a mix
of allowed GETs and POSTs with query strings, CONNECT tunnels, and denied requests with categories.
Malformed records are the kinds the tests refuse: too few fields, a time that is no time, a
result without its status, a negative byte count, a row with the wrong number of columns.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.bench.corpus_base import NETBIOS, OWN_DOMAIN, Clock, Corpus, client_ip, malformed_positions, person

LONDON = ZoneInfo("Europe/London")
ALLOWED_HOSTS = (
    ("www.bbc.co.uk", "News"),
    ("www.gov.uk", "Government"),
    ("www.google.com", "Search Engines"),
    ("outlook.office.com", "Web Mail"),
    ("login.microsoftonline.com", "Business"),
    ("www.educationcity.com", "Education"),
    ("www.twinkl.co.uk", "Education"),
    ("classroom.google.com", "Education"),
    ("www.arbor-education.com", "Business"),
    ("cdn.jsdelivr.net", "Content Delivery"),
    ("www.youtube.com", "Streaming Media"),
    ("en.wikipedia.org", "Reference"),
    ("www.amazon.co.uk", "Shopping"),
    ("www.twitch.tv", "Streaming Media"),
)
DENIED_HOSTS = (
    ("www.facebook.com", "Social Networking"),
    ("www.bet365.com", "Gambling"),
    ("www.netflix.com", "Streaming Media"),
    ("1337x.to", "Piracy"),
    ("www.reddit.com", "Social Networking"),
    ("321chat.com", "Chat"),
    ("bet.example", "Gambling, Games"),
)
PATHS = ("/", "/news/live", "/search", "/watch", "/groups/staff-room", "/play", "/api/v2/items", "/login")
QUERIES = ("", "", "?q=year+6+maths", "?v=dQw4w9WgXcQ&t=42", "?ref=1&utm_source=mail", "?id=9,10")
CONTENT_TYPES = ("text/html", "application/json", "image/png", "text/css", "application/javascript", "-")


@dataclass(frozen=True)
class Request:
    """One web request before any format writes it down."""

    at: datetime
    user: str
    ip: str
    method: str
    url: str
    status: int
    size: int
    elapsed_ms: int
    denied: bool
    category: str


def _request(rng: random.Random, clock: Clock) -> Request:
    denied = rng.random() < 0.06
    host, category = rng.choice(DENIED_HOSTS if denied else ALLOWED_HOSTS)
    who = person(rng)
    user = rng.choice((who.login, who.login, f"{NETBIOS}\\{who.login.title()}", who.mail, "-"))
    method = "GET" if denied else rng.choices(("GET", "CONNECT", "POST"), (60, 30, 10))[0]
    url = f"{host}:443" if method == "CONNECT" else f"https://{host}{rng.choice(PATHS)}{rng.choice(QUERIES)}"
    return Request(
        at=clock.tick(),
        user=user,
        ip=client_ip(rng),
        method=method,
        url=url,
        status=403 if denied else rng.choice((200, 200, 200, 204, 301, 304, 404)),
        size=rng.randint(300, 2_000_000) if not denied else 3921,
        elapsed_ms=rng.randint(0, 30_000),
        denied=denied,
        category=category,
    )


def _squid(rng: random.Random, request: Request) -> str:
    if request.denied:
        code = "TCP_DENIED"
    elif request.method == "CONNECT":
        code = "TCP_TUNNEL"
    else:
        code = rng.choice(("TCP_MISS", "TCP_MISS", "TCP_HIT", "TCP_REFRESH_MODIFIED"))
    hierarchy = "HIER_NONE/-" if request.denied else f"HIER_DIRECT/157.240.{rng.randint(0, 255)}.35"
    user = request.user.replace(" ", "%20")
    return (
        f"{request.at.timestamp():.3f} {request.elapsed_ms:>6} {request.ip} {code}/{request.status} "
        f"{request.size} {request.method} {request.url} {user} {hierarchy} {rng.choice(CONTENT_TYPES)}"
    )


def _squid_malformed(rng: random.Random, line: str) -> str:
    parts = line.split()
    kind = rng.randrange(4)
    if kind == 0:
        return " ".join(parts[:6])  # cut short
    if kind == 1:
        parts[0] = "yesterday"
    elif kind == 2:
        parts[3] = parts[3].split("/")[0]
    else:
        parts[4] = "-5"
    return " ".join(parts)


def _e2guardian(rng: random.Random, request: Request) -> str:
    local = request.at.astimezone(LONDON)
    what = f"*DENIED* Banned site: {request.url.split('/')[2]}" if request.denied else ""
    return "\t".join(
        [
            f"{local.year}.{local.month}.{local.day} {local.hour}:{local.minute:02d}:{local.second:02d}",
            request.user.split("\\")[-1].split("@")[0] if request.user != "-" else "-",
            request.ip,
            request.url,
            what,
            request.method,
            str(request.size),
            "0",
            request.category,
            "1",
            str(request.status),
            rng.choice(CONTENT_TYPES),
            "-",
            "Staff",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
        ]
    )


def _e2guardian_malformed(rng: random.Random, line: str) -> str:
    parts = line.split("\t")
    if rng.random() < 0.5:
        return "\t".join(parts[:2])  # cut short
    parts[0] = "23/11/2026 09:15:02"
    return "\t".join(parts)


def _csv_line(values: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def _smoothwall(rng: random.Random, request: Request) -> str:
    local = request.at.astimezone(LONDON)
    url = request.url if request.method != "CONNECT" else f"https://{request.url.removesuffix(':443')}/"
    return _csv_line(
        [
            local.strftime("%d/%m/%Y %H:%M:%S"),
            request.user,
            request.ip,
            url,
            "GET" if request.method == "CONNECT" else request.method,
            str(request.status),
            str(request.size),
            request.category.replace(", ", ";"),
            "blocked" if request.denied else "allowed",
        ]
    )


def _lightspeed(rng: random.Random, request: Request) -> str:
    local = request.at.astimezone(LONDON)
    user = request.user.split("\\")[-1] if request.user != "-" else f"guest{rng.randint(1, 9)}@{OWN_DOMAIN}"
    return _csv_line(
        [
            local.strftime("%Y-%m-%d %H:%M:%S"),
            user,
            request.ip,
            request.url,
            request.category,
            "block" if request.denied else "allow",
        ]
    )


def _csv_malformed(rng: random.Random, line: str) -> str:
    values = next(csv.reader([line]))
    kind = rng.randrange(3)
    if kind == 0:
        return _csv_line(values[:2])  # wrong number of columns
    if kind == 1:
        values[0] = "yesterday"
    else:
        values[3] = ""  # no URL
    return _csv_line(values)


SMOOTHWALL_HEADER = "Date/Time,Username,IP Address,URL,Method,Status Code,Bytes,Categories,Action"
LIGHTSPEED_HEADER = "Time,User,IP,URL,Category,Action"
Writer = Callable[[random.Random, Request], str]
Breaker = Callable[[random.Random, str], str]
# format → (header line or "", how a request is written, how a record is broken)
SHAPES: dict[str, tuple[str, Writer, Breaker]] = {
    "squid": ("", _squid, _squid_malformed),
    "e2guardian": ("", _e2guardian, _e2guardian_malformed),
    "smoothwall-csv": (SMOOTHWALL_HEADER, _smoothwall, _csv_malformed),
    "lightspeed-csv": (LIGHTSPEED_HEADER, _lightspeed, _csv_malformed),
}


def generate(format_name: str, records: int, rng: random.Random) -> Corpus:
    header, write, spoil = SHAPES[format_name]
    bad = malformed_positions(rng, records)
    clock = Clock(rng, mean_gap_s=0.2)
    lines = [header] if header else []
    for index in range(records):
        line = write(rng, _request(rng, clock))
        lines.append(spoil(rng, line) if index in bad else line)
    data = ("\n".join(lines) + "\n").encode()
    return Corpus(f"proxy.{format_name}", (data,), records, records - len(bad), len(bad))
