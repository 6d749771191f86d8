"""A 10 MB record in any format: refused (or, for a message, minimised), never raised, never kept
whole. A reject keeps at most 64 KiB (svckit.ingest.MAX_REJECT_BYTES); the records around it
still parse."""

import pytest

from svckit.ingest import MAX_REJECT_BYTES
from tests.bench.parse_corpus import generate
from tests.bench.parse_targets import TARGETS

HUGE = 10 * 1024 * 1024
# Formats read line by line: the huge line is one more record among the corpus's.
LINE_FORMATS = [
    "proxy.squid",
    "proxy.e2guardian",
    "proxy.smoothwall-csv",
    "proxy.lightspeed-csv",
    "endpoint.ecs",
    "endpoint.nxlog",
    "directory.ecs",
    "directory.nxlog",
    "mail.exchange-tracking",
    "mail.gmail",
]


def huge_line(format_name: str) -> bytes:
    if format_name.endswith((".ecs", ".nxlog", ".gmail")):
        return b'{"EventID": 4624, "padding": "' + b"a" * HUGE + b'"}\n'
    return b"x" * HUGE + b"\n"


@pytest.mark.parametrize("format_name", LINE_FORMATS)
def test_a_10_mb_line_is_one_capped_reject_among_parsed_neighbours(format_name: str) -> None:
    corpus = generate(format_name, 20)
    [data] = corpus.inputs
    batch = TARGETS[format_name].parse(data + huge_line(format_name))
    assert len(batch.events) == corpus.events
    assert len(batch.rejects) == corpus.rejects + 1
    assert all(len(reject.raw) <= MAX_REJECT_BYTES for reject in batch.rejects)
    assert all(event.ByteSize() < MAX_REJECT_BYTES for event in batch.events)


def test_a_message_with_a_10_mb_header_line_keeps_no_10_mb_of_anything() -> None:
    message = (
        b"From: a.teacher@elmsfarm.example.sch.uk\r\nTo: parent@example.com\r\n"
        b"Subject: " + b"s" * HUGE + b"\r\nDate: Mon, 23 Nov 2026 09:00:00 +0000\r\n"
        b"Message-ID: <huge@elmsfarm.example.sch.uk>\r\n\r\nbody\r\n"
    )
    batch = TARGETS["mail.eml"].parse(message)
    assert len(batch.events) + len(batch.rejects) == 1
    assert all(event.ByteSize() < MAX_REJECT_BYTES for event in batch.events)
    assert all(len(reject.raw) <= MAX_REJECT_BYTES for reject in batch.rejects)


def test_a_10_mb_ldif_value_is_refused_with_its_entry_cut() -> None:
    corpus = generate("directory.ldif", 20)
    [data] = corpus.inputs
    entry = b"\ndn: CN=Huge,OU=Staff,OU=Elms Farm,DC=trust,DC=local\ndescription: " + b"d" * HUGE + b"\n"
    batch = TARGETS["directory.ldif"].parse(data + entry)
    assert len(batch.events) <= corpus.events + 1
    assert all(len(reject.raw) <= MAX_REJECT_BYTES for reject in batch.rejects)
    assert all(event.ByteSize() < MAX_REJECT_BYTES for event in batch.events)
