"""A live directory read with ldap3: the same attributes and the same mapping as the LDIF path.

The adapter owns the connection (LDAPS to a domain controller in production, slapd in the local
stack); this module only searches and converts. Raw attribute bytes are used rather than ldap3's
formatted values, so pwdLastSet stays a FILETIME number exactly as in an LDIF export.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

# No stubs for ldap3 are in the locked dependencies (types-ldap3 would be a new dev dependency).
from ldap3 import SUBTREE, Connection  # type: ignore[import-untyped]

from ingest_directory.snapshot import ATTRIBUTES, DirectoryEntry, Layout, Snapshot, entries_to_events

LDAP_SOURCE = "directory.ldap"
# Staff accounts, the domain object and fine-grained password policies.
SEARCH_FILTER = (
    "(|(&(objectClass=user)(!(objectClass=computer)))"
    "(objectClass=domainDNS)(objectClass=msDS-PasswordSettings))"
)


def _texts(values: Iterable[Any]) -> list[str]:
    texts: list[str] = []
    for value in values:
        if isinstance(value, bytes):
            try:
                texts.append(value.decode("utf-8"))
            except UnicodeDecodeError:
                continue  # binary attribute: never read
        else:
            texts.append(str(value))
    return texts


def to_entry(dn: str, raw_attributes: Mapping[str, Sequence[Any]]) -> DirectoryEntry:
    """One search result as a DirectoryEntry; `raw` is a canonical LDIF-like rendering."""
    attributes = {name.lower(): _texts(values) for name, values in raw_attributes.items()}
    lines = [f"dn: {dn}"] + [
        f"{name}: {value}" for name in sorted(attributes) for value in sorted(attributes[name])
    ]
    return DirectoryEntry(dn=dn, attributes=attributes, raw="\n".join(lines))


def search_entries(connection: Connection, base_dn: str, paged_size: int = 500) -> list[DirectoryEntry]:
    """Every account and password policy under `base_dn` (paged, so large trusts are fine)."""
    entries: list[DirectoryEntry] = []
    results = connection.extend.standard.paged_search(
        base_dn, SEARCH_FILTER, SUBTREE, attributes=list(ATTRIBUTES), paged_size=paged_size, generator=True
    )
    for result in results:
        if result.get("type") == "searchResEntry":
            entries.append(to_entry(str(result["dn"]), result.get("raw_attributes", {})))
    return entries


def sync(
    connection: Connection, base_dn: str, layout: Layout, observed_at: datetime | None = None
) -> Snapshot:
    """Read the directory and map it; the caller publishes events and reports failures/skips."""
    entries = search_entries(connection, base_dn)
    return entries_to_events(entries, layout, LDAP_SOURCE, observed_at or datetime.now(UTC))
