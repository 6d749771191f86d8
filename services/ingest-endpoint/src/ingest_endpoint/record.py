"""The Windows event the endpoint rules read, and the error that refuses one.

The fields every Windows event has are read by `svckit.winevent` (shared with ingest-directory);
`ecs.py` and `nxlog.py` add what only the endpoint rules need.
"""

from dataclasses import dataclass

from svckit.ingest import RecordError
from svckit.winevent import WinRecord


class WinlogError(RecordError):
    """A Windows event that cannot become an EndpointEvent; the message says why."""


@dataclass(frozen=True)
class WinEvent(WinRecord):
    """The shared fields plus what only the endpoint rules read (failure, logged-on user, message)."""

    # The audit-failure keyword or a failed outcome was set.
    failure: bool = False
    # The user the event was logged under (System/Security UserID), when the shipper resolved it.
    user: str = ""
    message: str = ""
