"""API keys per source: which school a presented key may post for. No framework here."""

import hmac
from collections.abc import Mapping
from enum import Enum


class Verdict(Enum):
    ALLOWED = "allowed"
    # No key, or a key we do not know: 401.
    UNAUTHENTICATED = "unauthenticated"
    # A known key posting another school's data: 403.
    FORBIDDEN = "forbidden"


def presented_key(authorization: str | None, x_api_key: str | None) -> str | None:
    """The key from `Authorization: Bearer <key>`, else from `X-API-Key`; None when neither."""
    if authorization:
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    if x_api_key and x_api_key.strip():
        return x_api_key.strip()
    return None


class ApiKeys:
    def __init__(self, keys: Mapping[str, str]) -> None:
        self._keys = [(key.encode(), school) for key, school in keys.items()]

    @property
    def enforced(self) -> bool:
        return bool(self._keys)

    def school_of(self, key: str) -> str | None:
        """Compares with every known key in constant time each, without stopping at a match."""
        presented = key.encode()
        found: str | None = None
        for candidate, school in self._keys:
            if hmac.compare_digest(candidate, presented):
                found = school
        return found

    def verdict(self, key: str | None, school_id: str) -> Verdict:
        if not self.enforced:
            return Verdict.ALLOWED  # dev without keys: the settings refuse this anywhere else
        school = self.school_of(key) if key else None
        if school is None:
            return Verdict.UNAUTHENTICATED
        return Verdict.ALLOWED if school == school_id else Verdict.FORBIDDEN
