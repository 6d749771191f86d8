"""What the parse benchmark runs per format: the service's full parse, and the floor beside it.

The parse is the call a service makes on a received batch (bytes in, events and rejects out),
exactly as its HTTP route or replay tool makes it. The baseline is the least any parser of that
format must do to the same bytes: find the records and split them into fields —

    squid             decode, split lines, str.split() each line
    e2guardian        decode, split lines, str.split("\\t") each line (fields hold spaces)
    *-csv             decode, split lines, csv.reader over them
    exchange-tracking decode, split lines, csv.reader over the lines that are not #-headers
    JSON lines        split lines, json.loads each line (ECS, NXLog, Gmail)
    m365-trace        json.loads the document (one JSON array of rows)
    eml               email.parser.BytesHeaderParser (compat32) per message: headers only
    LDIF              split records at blank lines, split each record into lines

Each baseline returns the number of records it found, so a test can show it saw them all.
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.parser import BytesHeaderParser
from typing import Protocol
from zoneinfo import ZoneInfo

from ingest_directory import ingest as directory_ingest
from ingest_endpoint import ingest as endpoint_ingest
from ingest_mail import ingest as mail_ingest
from ingest_proxy import ingest as proxy_ingest
from invigilator.events.v1 import events_pb2
from tests.bench.corpus_base import OWN_DOMAIN
from tests.bench.corpus_ldif import LAYOUT

SCHOOL = "elms-farm"
LONDON = ZoneInfo("Europe/London")
OWN_DOMAINS = frozenset({OWN_DOMAIN})


class Batch(Protocol):
    """What every service's `ParsedBatch` has."""

    events: list[events_pb2.Event]
    rejects: list[events_pb2.RejectedInput]


@dataclass(frozen=True)
class Target:
    # One input (a batch, or one RFC 5322 message) → the service's parsed batch.
    parse: Callable[[bytes], Batch]
    # The same input → the number of records found by the minimum work (see the module doc).
    baseline: Callable[[bytes], int]


def _proxy(format_name: str) -> Callable[[bytes], Batch]:
    # The route decodes the body as UTF-8 and hands the text over (ingest_http / ingest-proxy app).
    return lambda data: proxy_ingest.parse_text(format_name, data.decode("utf-8"), SCHOOL, LONDON)


def _endpoint(format_name: str) -> Callable[[bytes], Batch]:
    return lambda data: endpoint_ingest.parse(format_name, data, SCHOOL)


def _directory(format_name: str) -> Callable[[bytes], Batch]:
    return lambda data: directory_ingest.parse(format_name, data, SCHOOL)


def _ldif(data: bytes) -> Batch:
    return directory_ingest.parse_ldif(data, LAYOUT)


def _mail(format_name: str) -> Callable[[bytes], Batch]:
    return lambda data: mail_ingest.parse(format_name, data, SCHOOL, OWN_DOMAINS)


def split_whitespace(data: bytes) -> int:
    return sum(1 for line in data.decode("utf-8").splitlines() if line.split())


def split_tabs(data: bytes) -> int:
    return sum(1 for line in data.decode("utf-8").splitlines() if line and line.split("\t"))


def csv_rows(data: bytes) -> int:
    """Rows after the header."""
    return sum(1 for row in csv.reader(data.decode("utf-8").splitlines()) if row) - 1


def tracking_rows(data: bytes) -> int:
    lines = (line for line in data.decode("utf-8").splitlines() if line and not line.startswith("#"))
    return sum(1 for row in csv.reader(lines) if row)


def json_lines(data: bytes) -> int:
    found = 0
    for line in data.split(b"\n"):
        if line.strip():
            with contextlib.suppress(ValueError):  # a malformed record still had to be read
                json.loads(line)
            found += 1
    return found


def json_document(data: bytes) -> int:
    document = json.loads(data)
    return len(document) if isinstance(document, list) else 1


_HEADERS = BytesHeaderParser(policy=policy.compat32)


def eml_headers(data: bytes) -> int:
    _HEADERS.parsebytes(data)
    return 1


def ldif_records(data: bytes) -> int:
    """Records at blank lines, each split into lines; the `version: 1` preamble is no record."""
    found = 0
    for record in data.split(b"\n\n"):
        lines = [line for line in record.split(b"\n") if line and not line.startswith(b"#")]
        if lines and not lines[0].startswith(b"version:"):
            found += 1
    return found


TARGETS: dict[str, Target] = {
    "proxy.squid": Target(_proxy("squid"), split_whitespace),
    "proxy.e2guardian": Target(_proxy("e2guardian"), split_tabs),
    "proxy.smoothwall-csv": Target(_proxy("smoothwall-csv"), csv_rows),
    "proxy.lightspeed-csv": Target(_proxy("lightspeed-csv"), csv_rows),
    "endpoint.ecs": Target(_endpoint("ecs"), json_lines),
    "endpoint.nxlog": Target(_endpoint("nxlog"), json_lines),
    "directory.ecs": Target(_directory("ecs"), json_lines),
    "directory.nxlog": Target(_directory("nxlog"), json_lines),
    "directory.ldif": Target(_ldif, ldif_records),
    "mail.eml": Target(_mail("eml"), eml_headers),
    "mail.exchange-tracking": Target(_mail("exchange-tracking"), tracking_rows),
    "mail.m365-trace": Target(_mail("m365-trace"), json_document),
    "mail.gmail": Target(_mail("gmail"), json_lines),
}
