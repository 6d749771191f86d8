"""Arbitrary input never raises: every record becomes an event or a reject with a reason."""

from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_proxy.ingest import formats, parse_text
from ingest_proxy.vendor_csv import PRESETS


@settings(max_examples=200, deadline=None)
@given(text=st.text(), format_name=st.sampled_from(sorted(formats(PRESETS))))
def test_any_text_in_any_format(text: str, format_name: str) -> None:
    batch = parse_text(format_name, text, "elms-farm", ZoneInfo("Europe/London"))
    assert all(reject.reason for reject in batch.rejects)


@settings(max_examples=200, deadline=None)
@given(
    fields=st.lists(
        st.text(alphabet=st.characters(exclude_characters="\t\r\n"), max_size=20), min_size=9, max_size=15
    )
)
def test_any_tab_separated_fields(fields: list[str]) -> None:
    parse_text("e2guardian", "\t".join(fields), "elms-farm", ZoneInfo("Europe/London"))
