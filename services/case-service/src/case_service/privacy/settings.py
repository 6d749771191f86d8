"""Privacy settings, nested in CaseServiceSettings as `privacy` the way `auth` is (env prefix
`CASE_SERVICE_PRIVACY_`, like `CASE_SERVICE_AUTH_`). The names they had before the nesting
(`CASE_SERVICE_RETENTION_DAYS`, `CASE_SERVICE_RETENTION_BATCH_SIZE`) are still read."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from case_service.workflow.config import WorkflowConfig

# A closed case can hold a written warning that later cases read while it is live (a final written
# warning lasts 12 months by default): closed cases are kept at least that long.
MIN_CLOSED_CASE_RETENTION_DAYS = WorkflowConfig().final_written_warning_days


def _env(name: str) -> AliasChoices:
    # Only prefixed names: a stray RETENTION_DAYS in a pod's environment must not start a purge.
    return AliasChoices(f"CASE_SERVICE_PRIVACY_{name.upper()}", f"CASE_SERVICE_{name.upper()}")


class PrivacySettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CASE_SERVICE_PRIVACY_", extra="ignore", populate_by_name=True
    )

    # Monitoring data attached to no case is deleted once older than this (issue 6 §4, retention).
    retention_days: int = Field(default=90, ge=1, validation_alias=_env("retention_days"))
    # Rows deleted per transaction by the purge.
    retention_batch_size: int = Field(default=1000, ge=1, validation_alias=_env("retention_batch_size"))
    # Closed cases (with their breaches, workflow records, notes, letters, reveals and content-access
    # requests) are deleted once closed longer than this; unset = kept (the schools' policies set no
    # period; the trust sets its own, e.g. from its records-management schedule). At least
    # MIN_CLOSED_CASE_RETENTION_DAYS. Safeguarding cases and the cases of a person with an open
    # subject access request are never purged by this rule; the audit log never is.
    closed_case_retention_days: int | None = Field(
        default=None, ge=MIN_CLOSED_CASE_RETENTION_DAYS, validation_alias=_env("closed_case_retention_days")
    )
