import json
from datetime import UTC, datetime
from pathlib import Path

from ingest_mail.gmail_export import read

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


ROW = json.loads(sample("gmail.jsonl"))


def test_a_gmail_row_is_one_message() -> None:
    result = read(sample("gmail.jsonl"))
    assert result.errors == []
    (source,) = result.records
    record = source.record
    assert record.message_id == "<CAK9x=Rz1@mail.gmail.com>"
    assert record.occurred_at == datetime(2024, 3, 7, 12, 0, 0, 123456, tzinfo=UTC)
    assert record.from_address == record.sender_mailbox == "p.white@stpeters.sch.uk"
    assert record.to == ("r.khan@stpeters.sch.uk", "quizmaster@example.net")
    assert [a.file_name for a in record.attachments] == ["Quiz answers.DOCX", "setup.scr"]
    assert record.labels == ()


def test_integer_timestamps_spam_and_flattened_destinations() -> None:
    info = {**ROW["message_info"], "is_spam": True, "destination": None}
    row = {"event_info": {"timestamp_usec": 1709812800123456}, "message_info": info}
    (source,) = read(json.dumps(row).encode()).records
    assert source.record.labels == ("spam",)
    assert source.record.to == ("r.khan@stpeters.sch.uk", "quizmaster@example.net")


def test_rows_of_one_message_merge_destinations() -> None:
    later = json.loads(json.dumps(ROW))
    later["event_info"]["timestamp_usec"] = "1709812801000000"
    later["message_info"]["destination"] = [{"address": "third@example.net"}]
    later["message_info"]["attachment"] = []
    data = "\n".join([json.dumps(later), json.dumps(ROW)]).encode()
    (source,) = read(data).records
    assert set(source.record.to) == {"r.khan@stpeters.sch.uk", "quizmaster@example.net", "third@example.net"}
    assert len(source.record.attachments) == 2
    assert source.record.occurred_at == datetime(2024, 3, 7, 12, 0, 0, 123456, tzinfo=UTC)


def test_bad_lines_are_errors_naming_the_line() -> None:
    no_id = {**ROW, "message_info": {**ROW["message_info"], "rfc2822_message_id": ""}}
    no_time = {**ROW, "event_info": {"timestamp_usec": "soon"}}
    bad_dest = {**ROW, "message_info": {**ROW["message_info"], "destination": "x@y"}}
    lines = ["nope", json.dumps(no_id), json.dumps(no_time), json.dumps(bad_dest), "[]", json.dumps(ROW)]
    result = read("\n\n".join(lines).encode())
    assert len(result.records) == 1
    reasons = [e.reason for e in result.errors]
    assert reasons[0].startswith("line 1: not JSON")
    assert reasons[1] == "line 3: message_info.rfc2822_message_id is missing"
    assert reasons[2].startswith("line 5: event_info.timestamp_usec is not an integer")
    assert reasons[3] == "line 7: message_info.destination is not a list"
    assert reasons[4] == "line 9: row is a JSON list, not an object"
