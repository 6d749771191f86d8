import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest_mail.m365_trace import MessageTraceParseError, parse_received, read

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


ROWS = json.loads(sample("m365-trace.json"))


def test_three_recipient_rows_are_one_message() -> None:
    result = read(sample("m365-trace.json"))
    assert result.errors == []
    (source,) = result.records
    record = source.record
    assert record.message_id == "<PA4PR02MB6541B3F0E1@PA4PR02MB6541.eurprd02.prod.outlook.com>"
    assert record.to == ("ana.brown@elmsfarm.sch.uk", "Parent.Rep@example.org", "bursar@elmsfarm.sch.uk")
    assert record.from_address == "tom.green@elmsfarm.sch.uk"
    assert record.sender_mailbox == ""
    assert record.subject == "FW: Fwd: FW: Year 6 residential"
    assert record.occurred_at == datetime(2024, 3, 4, 11, 20, 31, 427000, tzinfo=UTC)


@pytest.mark.parametrize(
    "data",
    [
        json.dumps({"value": ROWS}).encode(),
        json.dumps({"d": {"results": ROWS}}).encode(),
        "\n".join(json.dumps(row) for row in ROWS).encode(),
        json.dumps(ROWS).encode("utf-16"),  # Windows PowerShell's Out-File default, with a BOM
        b"\xef\xbb\xbf" + json.dumps(ROWS).encode(),
        json.dumps(list(reversed(ROWS))).encode(),
    ],
)
def test_every_shape_gives_the_same_message_and_event_source(data: bytes) -> None:
    (source,) = read(data).records
    (expected,) = read(sample("m365-trace.json")).records
    assert source.record.message_id == expected.record.message_id
    assert sorted(source.record.to) == sorted(expected.record.to)
    assert source.raw == expected.raw  # canonical rows, sorted: the event id does not depend on shape


def test_graph_style_camel_case_rows_are_read() -> None:
    rows = [
        {
            "id": "4c2d8b1e",
            "messageId": "<g1@x>",
            "receivedDateTime": "2024-03-04T11:20:31Z",
            "senderAddress": "a@elmsfarm.sch.uk",
            "recipientAddress": r,
            "subject": "Hi",
            "status": "delivered",
            "size": 10,
        }
        for r in ("b@x.org", "c@x.org")
    ]
    (source,) = read(json.dumps({"value": rows}).encode()).records
    assert source.record.to == ("b@x.org", "c@x.org")


def test_expanded_list_stays_listed_but_is_not_counted() -> None:
    base = {"MessageId": "<l@x>", "Received": "2024-03-04T11:20:31Z", "SenderAddress": "a@x", "Subject": "s"}
    rows = [
        {**base, "RecipientAddress": "all-staff@x", "Status": "Expanded"},
        *({**base, "RecipientAddress": f"t{i}@x", "Status": "Delivered"} for i in range(3)),
    ]
    (source,) = read(json.dumps(rows).encode()).records
    assert "all-staff@x" in source.record.to
    assert source.record.platform_recipient_count == 3


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-04T11:20:31.4270000", datetime(2024, 3, 4, 11, 20, 31, 427000, tzinfo=UTC)),
        ("2024-03-04T11:20:31+01:00", datetime(2024, 3, 4, 10, 20, 31, tzinfo=UTC)),
        ("/Date(1709551231427)/", datetime(2024, 3, 4, 11, 20, 31, 427000, tzinfo=UTC)),
    ],
)
def test_received_formats(value: str, expected: datetime) -> None:
    assert parse_received(value) == expected


@pytest.mark.parametrize("value", ["yesterday", None, 12, "/Date(abc)/"])
def test_bad_received_is_refused(value: object) -> None:
    with pytest.raises(MessageTraceParseError, match="Received"):
        parse_received(value)


def test_bad_rows_and_lines_are_errors_naming_them() -> None:
    good = json.dumps(ROWS[0])
    lines = [
        good,
        "{not json",
        json.dumps({**ROWS[0], "MessageId": ""}),
        "[1, 2]",
        json.dumps({**ROWS[0], "Received": "x"}),
    ]
    result = read("\n".join(lines).encode())
    assert len(result.records) == 1
    assert [e.reason.split(":")[0] for e in result.errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert "no MessageId" in result.errors[1].reason
    assert "not an object" in result.errors[2].reason
    assert result.errors[0].raw == b"{not json"
    array = read(json.dumps([ROWS[0], "text", {}]).encode())
    assert [e.reason.split(":")[0] for e in array.errors] == ["row 2", "row 3"]
