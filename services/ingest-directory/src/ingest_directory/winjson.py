"""The directory service's error; its Windows JSON is read by `svckit.winevent`.

Domain-controller security events in Winlogbeat (ECS) or NXLog JSON are read by the same
`ecs_record`/`nxlog_record` as ingest-endpoint's, so both services refuse the same malformed
records. Only the shared fields are read: the event id, provider, channel, time and named event
data. `user.name` is never read: on 4720-4740 Winlogbeat fills it with the subject or the target
depending on version, so the event data says who acted (SubjectUserName) and whose account it was
(TargetUserName).
"""

from svckit.ingest import RecordError


class DirectoryError(RecordError):
    """Input that cannot become a DirectoryEvent; the message says why."""
