"""Directory entries (from LDIF or a live LDAP search) → snapshot DirectoryEvents.

One mapping for both paths. An entry is:
- a staff account (objectClass user, not computer) → `DirectoryAccount` for the school whose OU
  holds it; `staff` when it sits under the staff OU, `leaver` when under the leavers OU or a
  member of a group of that name;
- the domain object (minPwdLength, pwdProperties) or a PSO (msDS-PasswordSettings) →
  `PasswordPolicy`, emitted once per school, since both apply across the domain;
- anything else (OUs, groups, computers, accounts outside every school's OU) → skipped, counted
  by reason, so nothing vanishes unseen.
Display names, mail addresses and descriptions are never read (minimisation).
"""

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ingest_directory.winjson import DirectoryError
from invigilator.events.v1 import events_pb2
from svckit.ingest import event_id, person

# Attributes read; everything else in an entry is ignored.
ATTRIBUTES = (
    "objectClass",
    "sAMAccountName",
    "userAccountControl",
    "pwdLastSet",
    "msDS-ResultantPSO",
    "memberOf",
    "minPwdLength",
    "pwdProperties",
    "msDS-MinimumPasswordLength",
    "msDS-PasswordComplexityEnabled",
    "cn",
)
FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)
NEVER = 0x7FFFFFFFFFFFFFFF


@dataclass(frozen=True)
class DirectoryEntry:
    dn: str
    # Attribute names lower-cased; values as text.
    attributes: Mapping[str, Sequence[str]]
    # The entry as read, for the event id and for rejects.
    raw: str

    def first(self, name: str) -> str:
        values = self.attributes.get(name.lower(), ())
        return values[0].strip() if values else ""


@dataclass(frozen=True)
class Layout:
    """Where a trust keeps its schools, staff and leavers in the directory."""

    # OU name (`Elms Farm`) or DN suffix (`OU=Elms Farm,DC=trust,DC=local`) → school id.
    ou_to_school: Mapping[str, str]
    staff_ou: str = "Staff"
    leavers_ou: str = "Leavers"


@dataclass
class Snapshot:
    events: list[events_pb2.Event] = field(default_factory=list)
    failures: list[tuple[DirectoryEntry, str]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)


def rdns(dn: str) -> list[tuple[str, str]]:
    """(type, value) pairs of a DN, nearest first; escaped commas stay inside values."""
    parts: list[tuple[str, str]] = []
    current, escaped = "", False
    for char in dn + ",":
        if escaped:
            current, escaped = current + char, False
        elif char == "\\":
            current, escaped = current + char, True
        elif char == ",":
            kind, _, value = current.partition("=")
            if kind.strip():
                parts.append((kind.strip().lower(), value.strip().replace("\\,", ",")))
            current = ""
        else:
            current += char
    return parts


def _ous(dn: str) -> list[str]:
    return [value.lower() for kind, value in rdns(dn) if kind == "ou"]


def school_of(dn: str, layout: Layout) -> str:
    ous = _ous(dn)
    normal_dn = ",".join(f"{kind}={value}" for kind, value in rdns(dn)).lower()
    for key, school in layout.ou_to_school.items():
        if "=" in key:
            suffix = ",".join(f"{kind}={value}" for kind, value in rdns(key)).lower()
            if normal_dn.endswith("," + suffix) or normal_dn == suffix:
                return school
        elif key.lower() in ous:
            return school
    return ""


def _number(entry: DirectoryEntry, name: str, bits: int = 32) -> int:
    text = entry.first(name)
    if not text:
        return 0
    try:
        number = int(text)
    except ValueError:
        raise DirectoryError(f"{name} is not a number: {text[:40]!r}") from None
    if not -(1 << (bits - 1)) <= number < (1 << bits):
        raise DirectoryError(f"{name} is out of range: {number}")
    return number & ((1 << bits) - 1)


def filetime(value: int) -> datetime | None:
    """Windows FILETIME (100 ns since 1601) → UTC; 0 and "never" are None."""
    if value in (0, NEVER):
        return None
    try:
        return FILETIME_EPOCH + timedelta(microseconds=value // 10)
    except OverflowError:
        raise DirectoryError(f"pwdLastSet is not a FILETIME: {value}") from None


def _first_rdn_value(dn: str) -> str:
    parts = rdns(dn)
    return parts[0][1] if parts else ""


def _account(entry: DirectoryEntry, layout: Layout) -> events_pb2.DirectoryAccount:
    ous = _ous(entry.dn)
    groups = {_first_rdn_value(group).lower() for group in entry.attributes.get("memberof", ())}
    account = events_pb2.DirectoryAccount(
        account=person(entry.first("sAMAccountName")),
        user_account_control=_number(entry, "userAccountControl"),
        staff=layout.staff_ou.lower() in ous,
        leaver=layout.leavers_ou.lower() in ous or layout.leavers_ou.lower() in groups,
        resultant_pso=_first_rdn_value(entry.first("msDS-ResultantPSO")),
    )
    moment = filetime(_number(entry, "pwdLastSet", bits=64))
    if moment is not None:
        account.password_last_set.FromDatetime(moment)
    return account


def _policy(entry: DirectoryEntry, classes: set[str]) -> events_pb2.PasswordPolicy | None:
    if "msds-passwordsettings" in classes:
        return events_pb2.PasswordPolicy(
            name=entry.first("cn") or _first_rdn_value(entry.dn),
            min_length=_number(entry, "msDS-MinimumPasswordLength"),
            complexity_enabled=entry.first("msDS-PasswordComplexityEnabled").upper() == "TRUE",
            fine_grained=True,
        )
    if "domaindns" in classes or entry.first("minPwdLength"):
        return events_pb2.PasswordPolicy(
            name="domain",
            min_length=_number(entry, "minPwdLength"),
            complexity_enabled=bool(_number(entry, "pwdProperties") & 0x1),
            fine_grained=False,
        )
    return None


def _event(
    source: str, school: str, entry: DirectoryEntry, account: str, observed_at: datetime
) -> events_pb2.Event:
    event = events_pb2.Event(
        event_id=event_id(source, school, entry.raw),
        school_id=school,
        account=account,
        directory=events_pb2.DirectoryEvent(windows_event_id=0),
    )
    event.occurred_at.FromDatetime(observed_at)
    return event


def entries_to_events(
    entries: Iterable[DirectoryEntry], layout: Layout, source: str, observed_at: datetime
) -> Snapshot:
    """The shared LDIF/LDAP mapping; an entry that is wrong goes to `failures` with the reason."""
    result = Snapshot()
    schools = sorted(set(layout.ou_to_school.values()))
    for entry in entries:
        classes = {value.lower() for value in entry.attributes.get("objectclass", ())}
        try:
            policy = _policy(entry, classes)
            if policy is not None:
                for school in schools:
                    event = _event(source, school, entry, "", observed_at)
                    event.directory.password_policy.CopyFrom(policy)
                    result.events.append(event)
                continue
            if "computer" in classes or (classes and "user" not in classes):
                result.skipped["not a user account"] += 1
                continue
            if not person(entry.first("sAMAccountName")):
                result.skipped["no person's sAMAccountName"] += 1
                continue
            school = school_of(entry.dn, layout)
            if not school:
                result.skipped["not under any school's OU"] += 1
                continue
            snapshot = _account(entry, layout)
            event = _event(source, school, entry, snapshot.account, observed_at)
            event.directory.account_snapshot.CopyFrom(snapshot)
            result.events.append(event)
        except DirectoryError as error:
            result.failures.append((entry, str(error)))
    return result
