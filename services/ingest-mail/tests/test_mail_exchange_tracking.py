from pathlib import Path

from ingest_mail.exchange_tracking import read

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# The #Fields: line of the sample log (Exchange 2016/2019 column set).
FIELDS = sample("MSGTRK2024030408-1.LOG").decode().splitlines()[4]


def row(event: str, message_id: str, recipients: str, when: str = "2024-03-04T10:00:00.000Z") -> str:
    return (
        f"{when},10.1.0.25,EX01,10.1.0.25,EX01,ctx,conn,SMTP,{event},1,{message_id},nmid,{recipients},,100,"
        f"{recipients.count(';') + 1},,,Minutes,a@elmsfarm.sch.uk,a@elmsfarm.sch.uk,,Originating,,,,,,"
        "log,15.02"
    )


def test_receive_rows_become_messages_and_other_rows_are_skipped() -> None:
    result = read(sample("MSGTRK2024030408-1.LOG"))
    assert result.errors == []
    assert result.skipped == 3  # SUBMIT, DELIVER, SEND
    first, second = (source.record for source in result.records)
    assert first.message_id == "<CAB7x1=Yq2@mail.elmsfarm.sch.uk>"
    assert first.to == ("ana.brown@elmsfarm.sch.uk", "governor@example.org", "bursar@elmsfarm.sch.uk")
    assert first.subject == "Reports for Year 6, café trip"  # quoted field with a comma
    assert first.from_address == "j.smith@elmsfarm.sch.uk"
    assert first.platform_recipient_count == 3
    assert first.occurred_at is not None
    assert first.occurred_at.isoformat() == "2024-03-04T09:14:05.301000+00:00"
    assert second.from_address == "newsletter@example.com"


def test_receive_rows_of_one_message_merge_their_recipients() -> None:
    text = "\n".join([FIELDS, row("RECEIVE", "<m1@x>", "a@x;b@x"), row("RECEIVE", "<m1@x>", "b@x;c@x")])
    result = read(text.encode())
    assert len(result.records) == 1
    assert result.records[0].record.to == ("a@x", "b@x", "b@x", "c@x")
    assert result.records[0].record.platform_recipient_count is None


def test_columns_are_read_by_name_from_the_latest_fields_line() -> None:
    text = (
        "#Fields: event-id,message-id,sender-address,recipient-address,date-time\n"
        "RECEIVE,<m@x>,s@x,r@x,2024-03-04T10:00:00Z"
    )
    (source,) = read(text.encode()).records
    assert (source.record.from_address, source.record.to) == ("s@x", ("r@x",))


def test_bad_lines_are_errors_naming_the_line() -> None:
    text = "\n".join(
        [
            row("RECEIVE", "<early@x>", "a@x"),
            FIELDS,
            "too,few,fields",
            row("RECEIVE", "<m@x>", "a@x", when="yesterday"),
            row("RECEIVE", "", "a@x"),
            '2024-03-04T10:00:00Z,"unclosed',
            row("RECEIVE", "<ok@x>", "a@x"),
            "#Fields: date-time,client-ip",
            row("RECEIVE", "<after-bad-header@x>", "a@x"),
        ]
    )
    result = read(text.encode())
    reasons = [error.reason for error in result.errors]
    assert reasons[0] == "line 1: data before a valid #Fields header"
    assert reasons[1].startswith("line 3: expected 30 fields")
    assert reasons[2].startswith("line 4: date-time is not ISO 8601")
    assert reasons[3] == "line 5: message-id is empty"
    assert reasons[4].startswith("line 6: not a CSV row")
    assert reasons[5].startswith("line 8: #Fields header lacks event-id")
    assert reasons[6] == "line 9: data before a valid #Fields header"
    assert [s.record.message_id for s in result.records] == ["<ok@x>"]
    assert result.errors[1].raw == b"too,few,fields"


def test_bom_and_crlf_are_accepted() -> None:
    data = b"\xef\xbb\xbf" + sample("MSGTRK2024030408-1.LOG").replace(b"\n", b"\r\n")
    assert len(read(data).records) == 2
