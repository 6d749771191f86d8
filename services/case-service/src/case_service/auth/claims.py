"""Verified token claims → `Subject`, by the settings' claim mapping. Pure: no framework, no I/O."""

import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

from case_service.auth.settings import ClaimMapping
from case_service.auth.subject import ROLES, Role, Subject


class ClaimsError(ValueError):
    """The token is genuine but does not say who the caller is."""


def _values(claim: Any) -> list[str]:
    """A claim holding one value or many: a list of strings, or one string of space- or
    comma-separated values (how some providers flatten multi-valued claims)."""
    if claim is None:
        return []
    if isinstance(claim, str):
        return [v for v in re.split(r"[\s,]+", claim) if v]
    if isinstance(claim, list):
        return [v for v in claim if isinstance(v, str) and v]
    return []


def _claim(claims: Mapping[str, Any], name: str | None) -> list[str]:
    return _values(claims.get(name)) if name else []


def _roles(values: Iterable[str], mapping: ClaimMapping) -> set[Role]:
    roles: set[Role] = set()
    for value in values:
        role = mapping.role_values.get(value, value)
        if role in ROLES:
            roles.add(cast(Role, role))
    return roles


def subject_from_claims(claims: Mapping[str, Any], mapping: ClaimMapping) -> Subject:
    """Roles from the roles claim (through `role_values`) and from mapped groups; schools from the
    schools claim and from mapped groups. Unknown role values and unmapped groups grant nothing."""
    subject_id = claims.get(mapping.subject_claim)
    if not isinstance(subject_id, str) or not subject_id:
        raise ClaimsError(f"the token has no {mapping.subject_claim!r} claim naming the caller")
    roles = _roles(_claim(claims, mapping.roles_claim), mapping)
    schools = set(_claim(claims, mapping.schools_claim))
    for group in _claim(claims, mapping.groups_claim):
        grant = mapping.groups.get(group)
        if grant is not None:
            roles |= _roles(grant.roles, mapping)
            schools |= set(grant.schools)
    return Subject(id=subject_id, roles=frozenset(roles), schools=frozenset(schools))
