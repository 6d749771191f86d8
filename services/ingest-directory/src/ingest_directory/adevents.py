"""Account-management and domain-policy events from domain controllers → DirectoryEvent.

    4720 created  4722 enabled  4723 own password change  4724 password reset  4725 disabled
    4738 changed  4740 locked out           → target = TargetUserName (the affected account)
    4728 / 4732 / 4756 member added to a global / local / universal group
                                            → group = TargetUserName, member = MemberName/MemberSid
    4739 domain policy changed              → password_policy when the new values are logged

`Event.account` is the affected account: the one disabled (LEAVER-HANDOVER), reset or locked out,
or the member added to a group. The subject is whoever acted. A group member is logged as a DN
whose CN is usually the person's display name: it is not kept (minimisation), so the member is
named by SID and `Event.account` stays empty unless the member was logged as a logon name.
"""

from ingest_directory.winjson import DirectoryError
from invigilator.events.v1 import events_pb2
from svckit.ingest import account_of, person
from svckit.winevent import WinRecord, envelope, uint

ACCOUNT_EVENTS = frozenset({4720, 4722, 4723, 4724, 4725, 4738, 4740})
GROUP_EVENTS = frozenset({4728, 4732, 4756})
DOMAIN_POLICY = 4739
COMPLEXITY_BIT = 0x1


def _from_security_log(ev: WinRecord) -> bool:
    """Account management is only believed from the Security log (a provider GUID is resolved)."""
    return "security-auditing" in ev.provider.lower() or ev.channel.lower() == "security"


def _member(ev: WinRecord) -> tuple[str, str]:
    """(logon name or "", what target_account records): a logon name when logged, else the SID."""
    name = ev.get("MemberName")
    if name and "=" not in name:
        account = person(name)
        if account:
            return account, account
    sid = ev.get("MemberSid").removeprefix("%{").removesuffix("}")
    return "", sid


def _policy(ev: WinRecord) -> events_pb2.PasswordPolicy | None:
    """4739 logs only the values that changed ("-" for the rest); a policy needs both."""
    length, properties = ev.get("MinPasswordLength"), ev.get("PasswordProperties")
    if not (length and properties):
        return None
    return events_pb2.PasswordPolicy(
        name="domain",
        min_length=uint(length, "MinPasswordLength"),
        complexity_enabled=bool(uint(properties, "PasswordProperties") & COMPLEXITY_BIT),
        fine_grained=False,
    )


def normalise(ev: WinRecord) -> tuple[str, events_pb2.DirectoryEvent]:
    """(the affected person's logon name or "", the DirectoryEvent); DirectoryError if not monitored."""
    if ev.event_id not in ACCOUNT_EVENTS | GROUP_EVENTS | {DOMAIN_POLICY}:
        raise DirectoryError(f"event id {ev.event_id} not monitored")
    if not _from_security_log(ev):
        where = f"provider {ev.provider or '(none)'!r}, channel {ev.channel or '(none)'!r}"
        raise DirectoryError(f"event id {ev.event_id} not from the Security log ({where})")
    out = events_pb2.DirectoryEvent(
        windows_event_id=ev.event_id,
        subject_account=person(ev.get("SubjectUserName"), ev.get("SubjectDomainName")),
    )
    if ev.event_id in ACCOUNT_EVENTS:
        logged = ev.get("TargetUserName")
        if not logged:
            raise DirectoryError(f"event {ev.event_id} has no TargetUserName")
        # Service and machine accounts are recorded but are nobody's conduct.
        out.target_account = account_of(logged)
        return person(logged), out
    if ev.event_id in GROUP_EVENTS:
        group = ev.get("TargetUserName")
        if not group:
            raise DirectoryError(f"event {ev.event_id} names no group in TargetUserName")
        out.group = group
        account, out.target_account = _member(ev)
        return account, out
    policy = _policy(ev)
    if policy is not None:
        out.password_policy.CopyFrom(policy)
    return "", out


def to_event(ev: WinRecord, school_id: str, source: str, raw: str) -> events_pb2.Event:
    account, directory = normalise(ev)
    event = envelope(ev, school_id, source, raw, account)
    event.directory.CopyFrom(directory)
    return event
