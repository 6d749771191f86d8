"""Whatever arrives, parse() answers with events and rejects and never raises."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_endpoint.ingest import parse

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
KEYS = ["EventTime", "Channel", "SourceName", "TargetUserName", "DeviceId", "Path", "LogonType",
        "@timestamp", "winlog", "Keywords", "Message", "param1", "Threat Name", "ServiceName"]  # fmt: skip
near_events = st.fixed_dictionaries(
    {"EventID": st.sampled_from([4624, 4625, 4648, 6416, 400, 2003, 11707, 1033, 7045, 8004, 1116, 5145])},
    optional={key: json_values for key in KEYS},
)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for format_name in ("ecs", "nxlog"):
        batch = parse(format_name, data, "elms-farm")
        assert all("parser bug" not in reject.reason for reject in batch.rejects)


@settings(max_examples=200, deadline=None)
@given(record=near_events)
def test_almost_valid_records_never_raise_or_hit_a_bug(record: dict[str, object]) -> None:
    line = json.dumps(record).encode()
    for format_name in ("ecs", "nxlog"):
        batch = parse(format_name, line, "elms-farm")
        assert len(batch.events) + len(batch.rejects) == 1
        assert all("parser bug" not in reject.reason for reject in batch.rejects)
