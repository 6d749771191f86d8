"""Written warnings and when they expire.

A warning is *live* from the moment it is issued until it expires (and only while it has not been
revoked, e.g. overturned on appeal). Expiry durations are configured per level (`WorkflowConfig`);
a final written warning that is live is one of the two grounds for dismissal with notice.
Warnings from a person's earlier cases are passed to `apply` by the service (`prior_warnings`).
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from case_service.workflow.serial import Serialisable


class WarningLevel(StrEnum):
    FIRST_WRITTEN = "first_written_warning"
    FINAL_WRITTEN = "final_written_warning"


@dataclass(frozen=True, kw_only=True)
class IssuedWarning(Serialisable):
    case_id: str
    level: WarningLevel
    issued_at: datetime
    expires_at: datetime
    issued_by: str
    revoked_at: datetime | None = None
    revoked_by: str | None = None

    def is_live(self, at: datetime) -> bool:
        """Issued, not yet expired and not revoked at `at`."""
        if self.revoked_at is not None and at >= self.revoked_at:
            return False
        return self.issued_at <= at < self.expires_at

    def revoke(self, at: datetime, by: str) -> "IssuedWarning":
        return replace(self, revoked_at=at, revoked_by=by)


def live_warnings(warnings: Iterable[IssuedWarning], at: datetime) -> tuple[IssuedWarning, ...]:
    return tuple(w for w in warnings if w.is_live(at))


def live_final_warning(warnings: Iterable[IssuedWarning], at: datetime) -> IssuedWarning | None:
    """A final written warning live at `at`, the one expiring last if there are several."""
    finals = [w for w in live_warnings(warnings, at) if w.level is WarningLevel.FINAL_WRITTEN]
    return max(finals, key=lambda w: w.expires_at) if finals else None
