"""The directory as the engine knows it: each account's latest snapshot per school, and events
enriched from it before judging (Event.profile).

Snapshots arrive on the directory topic (LDAP sync and LDIF imports, DirectoryEvent.account_snapshot).
An event whose account has no snapshot in its school is judged all the same, with
`profile.known` false, and its breaches are flagged (Breach.account_unknown): a shared or service
account, a misspelt one, or a gap in the sync must reach a person, not vanish.
"""

from collections.abc import Callable, Iterable, MutableMapping, Sequence

from invigilator.events.v1 import events_pb2

ACCOUNTDISABLE = 0x2

Profiles = MutableMapping[bytes, bytes]  # profile key → AccountProfile bytes (a faust table)


def profile_key(school_id: str, account: str) -> bytes:
    return f"{school_id}/{account.casefold()}".encode()


def snapshots(events: Iterable[events_pb2.Event]) -> list[tuple[bytes, events_pb2.AccountProfile]]:
    """The account snapshots among directory events, keyed by school and account."""
    found = []
    for event in events:
        if event.WhichOneof("payload") != "directory" or not event.directory.HasField("account_snapshot"):
            continue
        snapshot = event.directory.account_snapshot
        account = snapshot.account or event.account
        if not account:
            continue
        profile = events_pb2.AccountProfile(
            known=True,
            staff=snapshot.staff,
            leaver=snapshot.leaver,
            disabled=bool(snapshot.user_account_control & ACCOUNTDISABLE),
        )
        found.append((profile_key(event.school_id, account), profile))
    return found


def enricher(profiles: Profiles) -> Callable[[Sequence[events_pb2.Event]], int]:
    """A function setting each event's `profile` from `profiles` (events without an account are
    left alone); it returns how many events had an account the directory does not know."""

    def enrich(events: Sequence[events_pb2.Event]) -> int:
        unknown = 0
        for event in events:
            if not event.account:
                continue
            stored = profiles.get(profile_key(event.school_id, event.account))
            if stored is None:
                event.profile.Clear()
                event.profile.SetInParent()  # present and `known` false: looked up, not found
                unknown += 1
            else:
                event.profile.ParseFromString(stored)
        return unknown

    return enrich
