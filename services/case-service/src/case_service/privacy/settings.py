"""Privacy settings (prefix CASE_SERVICE_), apart from CaseServiceSettings until they are nested there."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class PrivacySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASE_SERVICE_", extra="ignore")

    # Monitoring data attached to no case is deleted once older than this (issue 6 §4, retention).
    retention_days: int = Field(default=90, ge=1)
    # Rows deleted per transaction by the purge.
    retention_batch_size: int = Field(default=1000, ge=1)
