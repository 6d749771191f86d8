"""Stable pseudonyms for staff (MON-NEED-TO-KNOW): identities stay hidden until a case needs them."""

import hashlib
import hmac

PSEUDONYM_PREFIX = "staff-"
PSEUDONYM_HEX_CHARS = 10


def normalise_account(account: str) -> str:
    """Directory logon names are case-insensitive: `JSmith` and `jsmith` are one person."""
    return account.strip().casefold()


def pseudonym(key: bytes, school_id: str, account: str) -> str:
    """A short, readable id such as `staff-3f9a1c2b7d`: the same for one key, school and account."""
    if not key:
        raise ValueError("pseudonym key must not be empty")
    # The unit separator cannot occur in either part, so ("a", "b/c") and ("a/b", "c") differ.
    message = f"{school_id.strip().casefold()}\x1f{normalise_account(account)}".encode()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:PSEUDONYM_HEX_CHARS]
