"""Whatever arrives, the directory parsers answer with events and rejects and never raise."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest_directory.ingest import parse, parse_ldif
from ingest_directory.snapshot import Layout

LAYOUT = Layout(ou_to_school={"Elms Farm": "elms-farm"})
LDIF_LINES = [
    "dn: OU=x,OU=Staff,OU=Elms Farm,DC=t",
    "objectClass: user",
    "sAMAccountName: a",
    "",
    " x",
    "pwdLastSet: 99999999999999999999999",
    "userAccountControl: -1",
    "cn:: w6k=",
    "# c",
    "minPwdLength: 7",
    "msDS-ResultantPSO: ,,==\\",
    "version: 1",
    "changetype: add",
]
ldif_lines = st.lists(st.sampled_from(LDIF_LINES) | st.text(max_size=30), max_size=30)


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(data: bytes) -> None:
    for format_name in ("ecs", "nxlog"):
        batch = parse(format_name, data, "elms-farm")
        assert all("parser bug" not in reject.reason for reject in batch.rejects)
    parse_ldif(data, LAYOUT)


@settings(max_examples=200, deadline=None)
@given(lines=ldif_lines)
def test_almost_ldif_never_raises(lines: list[str]) -> None:
    parse_ldif("\n".join(lines).encode(), LAYOUT)
