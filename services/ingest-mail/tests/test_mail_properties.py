"""Arbitrary input never escapes a parser as anything but its own typed error or a reject."""

import contextlib
import json
import string
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_mail import exchange_tracking, gmail_export, m365_trace
from ingest_mail.envelope import FormatResult
from ingest_mail.ingest import FORMATS, parse
from ingest_mail.rfc5322 import EmlParseError, parse_message

SAMPLES = Path(__file__).parent / "samples"
OWN = frozenset({"elmsfarm.sch.uk"})


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


# The #Fields: line of the sample log (Exchange 2016/2019 column set).
FIELDS = sample("MSGTRK2024030408-1.LOG").decode().splitlines()[4]


PROPERTY = settings(max_examples=200, deadline=None)
HEADER_NAMES = [
    "From", "Sender", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "Sensitivity", "Content-Type",
    "Content-Disposition", "Content-Transfer-Encoding", "MIME-Version", "X-MS-Journal-Report", "msip_labels",
]  # fmt: skip
header_value = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            '"a, b" <x@y>',
            "=?utf-8?B?w6k=?=",
            "=?bogus?Q?=ZZ?=",
            "undisclosed-recipients:;",
            'multipart/mixed; boundary="b"',
            "message/rfc822",
            "attachment; filename*=UTF-8''%E2%82",
            "base64",
            "Mon, 1 Jan 9999 23:59:59 -1200",
            "<>",
        ]
    ),
)
header = st.tuples(st.sampled_from(HEADER_NAMES), header_value).map(lambda kv: f"{kv[0]}: {kv[1]}")
mime_body = st.lists(
    st.one_of(
        st.sampled_from(["--b", "--b--", "Content-Type: message/rfc822", "Content-Type: text/plain", ""]),
        header,
        st.text(max_size=40),
    ),
    max_size=12,
)
free_form = st.tuples(st.lists(header, max_size=10), mime_body).map(
    lambda hb: ("\n".join(hb[0]) + "\n\n" + "\n".join(hb[1])).encode("utf-8", "surrogatepass")
)
TEMPLATE = (
    "From: {0}\nTo: {1}\nSubject: {2}\nSensitivity: {3}\nDate: {4}\n"
    'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nbody\n'
    "--b\nContent-Type: {5}\nContent-Disposition: {6}\nContent-Transfer-Encoding: {7}\n\n{8}\n--b--\n"
)
# A valid multipart message with an attachment, every header value possibly replaced: reaches the
# attachment, decoding and minimisation paths, not only the refusals.
templated = st.tuples(
    st.sampled_from(["a@elmsfarm.sch.uk", '"x, y" <X@Y.org>']) | header_value,
    st.sampled_from(["b@example.org"]) | header_value,
    header_value,
    st.sampled_from(["Private", "Normal"]) | header_value,
    st.sampled_from(["Mon, 4 Mar 2024 09:00:00 +0000"]) | header_value,
    st.sampled_from(["application/pdf", "message/rfc822"]) | header_value,
    st.sampled_from(["attachment; filename*=UTF-8''%C3%A9.pdf", 'attachment; filename="a.exe"'])
    | header_value,
    st.sampled_from(["base64", "quoted-printable"]) | header_value,
    st.text(max_size=40),
).map(lambda values: TEMPLATE.format(*values).encode("utf-8", "surrogatepass"))
messages = st.one_of(free_form, templated)


def _assert_accounted(result: FormatResult) -> None:
    assert all(isinstance(error.reason, str) and error.reason for error in result.errors)


@PROPERTY
@given(st.one_of(st.binary(max_size=2000), messages))
def test_rfc5322_raises_only_its_own_error(data: bytes) -> None:
    with contextlib.suppress(EmlParseError):
        parse_message(data, envelope_to=["a@b"])


VALID_ROW = [
    "2024-03-04T10:00:00.000Z",
    "10.1.0.25",
    "EX01",
    "10.1.0.25",
    "EX01",
    "ctx",
    "conn",
    "SMTP",
    "RECEIVE",
    "1",
    "<m@x>",
    "nmid",
    "a@x;b@example.org",
    "",
    "100",
    "2",
    "",
    "",
    "Minutes",
    "a@elmsfarm.sch.uk",
    "a@elmsfarm.sch.uk",
    "",
    "Originating",
    "",
    "",
    "",
    "",
    "",
    "log",
    "15.02",
]
csv_text = st.text(alphabet=string.printable.replace("\n", "").replace("\r", ""), max_size=15)
# A valid RECEIVE row with some fields replaced, or free-form comma-separated text.
mutated_rows = st.dictionaries(st.integers(0, len(VALID_ROW) - 1), csv_text, max_size=3).map(
    lambda changes: ",".join(changes.get(i, value) for i, value in enumerate(VALID_ROW))
)
tracking_lines = st.lists(
    st.one_of(
        st.just(FIELDS),
        mutated_rows,
        st.lists(csv_text, max_size=32).map(",".join),
        st.sampled_from(["RECEIVE", "#Fields: event-id,message-id", "#Software: Microsoft Exchange Server"]),
    ),
    max_size=10,
).map(lambda lines: "\n".join(lines).encode())


@PROPERTY
@given(st.one_of(st.binary(max_size=2000), tracking_lines))
def test_exchange_tracking_never_raises(data: bytes) -> None:
    _assert_accounted(exchange_tracking.read(data))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
trace_keys = st.sampled_from(
    ["MessageId", "Received", "SenderAddress", "RecipientAddress", "Subject", "Size", "Status"]
)
VALID_TRACE = {
    "MessageId": "<m@x>",
    "Received": "2024-03-04T11:20:31.4270000",
    "SenderAddress": "a@elmsfarm.sch.uk",
    "RecipientAddress": "b@example.org",
    "Subject": "FW: hi",
    "Size": 10,
    "Status": "Delivered",
}
# A valid row with some values replaced, so grouping and minimisation run as well as refusals.
trace_rows = st.dictionaries(trace_keys, json_values | st.just("/Date(99999999999999999)/"), max_size=3).map(
    lambda changes: {**VALID_TRACE, **changes}
)
trace_documents = st.one_of(
    st.lists(trace_rows, max_size=5),
    st.lists(trace_rows, max_size=5).map(lambda rows: {"value": rows}),
    json_values,
).map(lambda doc: json.dumps(doc).encode())


@PROPERTY
@given(st.one_of(st.binary(max_size=2000), trace_documents))
def test_m365_trace_never_raises(data: bytes) -> None:
    _assert_accounted(m365_trace.read(data))


gmail_rows = st.fixed_dictionaries(
    {
        "event_info": st.fixed_dictionaries(
            {}, optional={"timestamp_usec": st.just("1709812800123456") | json_values | st.integers()}
        ),
        "message_info": st.fixed_dictionaries(
            {"rfc2822_message_id": st.just("<m@x>") | json_values},
            optional={
                "subject": json_values,
                "source": st.just({"address": "a@elmsfarm.sch.uk"}) | json_values,
                "destination": st.just([{"address": "b@example.org"}]) | json_values,
                "attachment": st.just([{"file_name": "a.pdf"}]) | json_values,
                "is_spam": json_values,
                "flattened_destinations": json_values,
            },
        ),
    },
).map(lambda row: json.dumps(row).encode())


@PROPERTY
@given(st.one_of(st.binary(max_size=2000), st.lists(gmail_rows, max_size=4).map(b"\n".join)))
def test_gmail_export_never_raises(data: bytes) -> None:
    _assert_accounted(gmail_export.read(data))


@PROPERTY
@given(st.sampled_from([*FORMATS, "unknown"]), st.one_of(st.binary(max_size=1000), messages, trace_documents))
def test_dispatch_never_raises_and_every_event_serializes(format_name: str, data: bytes) -> None:
    batch = parse(format_name, data, "elms-farm", OWN)
    for event in batch.events:
        event.SerializeToString()
    assert all(len(reject.raw) <= 64 * 1024 and reject.reason for reject in batch.rejects)


subject_words = st.text(alphabet=string.ascii_letters, min_size=12, max_size=30)


@PROPERTY
@given(subject_words, subject_words, st.sampled_from(["Private", "personal", "PRIVATE"]))
def test_private_mail_never_leaks_subject_or_attachment_name(subject: str, file_stem: str, mark: str) -> None:
    data = (
        f"From: a@elmsfarm.sch.uk\nTo: b@example.org\nSubject: FW: {subject}\nSensitivity: {mark}\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhello\n'
        f'--b\nContent-Type: application/zip\nContent-Disposition: attachment; filename="{file_stem}.zip"\n\n'
        "PK\n--b--\n"
    ).encode()
    batch = parse("eml", data, "elms-farm", OWN)
    (event,) = batch.events
    out = event.SerializeToString()
    assert subject.encode() not in out
    assert file_stem.encode() not in out
    assert b"zip" not in out
    assert event.mail.forward_depth == 1
