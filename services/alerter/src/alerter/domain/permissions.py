"""Who may see and acknowledge an alert: the people it was routed to, in their own school.

IT ops see every school; the SLG (and HR, the Headteacher) the school's HR alerts; the DSL and
the Headteacher its safeguarding and critical ones. A DPO sees none (no alert concerns them).
"""

from collections.abc import Iterable

# Alert route (the roles it went to) → the token roles that may see it.
SEE = {
    "slg": frozenset({"slg", "headteacher", "hr"}),
    "dsl": frozenset({"dsl", "headteacher"}),
    "headteacher": frozenset({"headteacher", "dsl"}),
    "it_ops": frozenset({"it_ops"}),
}


def may_see(roles: Iterable[str], schools: Iterable[str], school_id: str, routed_to: Iterable[str]) -> bool:
    granted = frozenset(roles)
    if "it_ops" in granted:
        return True
    if school_id not in frozenset(schools):
        return False
    return any(granted & SEE.get(route, frozenset()) for route in routed_to)


def may_retry(roles: Iterable[str]) -> bool:
    """Requeueing a destination's refused messages is an IT ops task."""
    return "it_ops" in frozenset(roles)
