"""Who is asking: the typed subject every authorization decision is about. No framework here."""

from dataclasses import dataclass
from typing import Any, Literal, get_args

# The roles policies-rego/authz/roles.rego knows; a token's other values grant nothing.
Role = Literal["it_ops", "hr", "slg", "headteacher", "dsl", "dpo"]
ROLES: frozenset[str] = frozenset(get_args(Role))


@dataclass(frozen=True)
class Subject:
    """An authenticated caller. `id` is the identity provider's stable id for the person (never
    shown to anyone as a name); `schools` are where its school-bound roles apply."""

    id: str
    roles: frozenset[Role]
    schools: frozenset[str]

    def opa_input(self) -> dict[str, Any]:
        """`input.subject` of the authz policy (sorted, so equal subjects give equal inputs)."""
        return {"id": self.id, "roles": sorted(self.roles), "schools": sorted(self.schools)}
