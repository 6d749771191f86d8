"""Stable ids and logon names of people (a small duplicate of ingest-endpoint's helpers: services
do not import each other)."""

import hashlib

NOT_PEOPLE = frozenset({"system", "local service", "network service", "anonymous logon", "localsystem"})
NOT_PEOPLE_DOMAINS = frozenset({"nt authority", "window manager", "font driver host", "nt service"})


def event_id(source: str, school_id: str, raw: str) -> str:
    """The same raw record from the same school always gets the same id, so replays are idempotent."""
    return hashlib.sha256(f"{source}\x00{school_id}\x00{raw.strip()}".encode()).hexdigest()[:32]


def account_of(user: str) -> str:
    """Directory logon name: `DOMAIN\\jsmith` and `jsmith@school.example` both become `jsmith`."""
    name = user.rsplit("\\", 1)[-1].split("@", 1)[0]
    return name.strip().lower()


def person(user: str, domain: str = "") -> str:
    """The logon name when `user` is a person, else "" ("-", machine accounts, built-in principals)."""
    name = account_of(user)
    if (
        not name
        or name == "-"
        or name.endswith("$")
        or name.startswith("s-1-")
        or name in NOT_PEOPLE
        or domain.strip().lower() in NOT_PEOPLE_DOMAINS
    ):
        return ""
    return name
