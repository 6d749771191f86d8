"""The one settings object of ingest-directory (house rule 2): built in `main()` and passed down."""

from typing import Self

from pydantic import Field, FilePath, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from ingest_directory.snapshot import Layout
from svckit.ingest_http import IngestSettings, SchoolIdText, ZoneName

# The development trust's OUs (tests/samples/directory.ldif, config/trust.yaml).
DEFAULT_OU_TO_SCHOOL = {"Elms Farm": "elms-farm", "St Peter's": "st-peters"}


class IngestDirectorySettings(IngestSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_DIRECTORY_", extra="ignore", populate_by_name=True)

    port: int = 18130
    # Compacted in the local stack (stack/topics.txt): the directory is state, not a stream of facts.
    events_topic: str = "events.directory.v1"
    # NXLog's EventTime has no zone: it is the domain controller's local time.
    timezone: ZoneName = "Europe/London"

    # Where the schools are in the directory. JSON {OU name or DN suffix: school id}.
    ou_to_school: dict[str, SchoolIdText] = Field(default_factory=lambda: dict(DEFAULT_OU_TO_SCHOOL))
    staff_ou: str = "Staff"
    leavers_ou: str = "Leavers"
    # The id an API key maps to when it may post the whole trust's LDIF export (never a school's id).
    trust_id: SchoolIdText = "trust"

    # Periodic LDAP sync; no URL = no sync. ldaps://dc01.trust.local or ldap://… with StartTLS.
    ldap_url: str | None = None
    ldap_bind_dn: str | None = None
    ldap_password: SecretStr | None = None
    ldap_base_dn: str | None = None
    # For ldap:// URLs: upgrade with StartTLS before binding. Only dev may send the password in clear.
    ldap_start_tls: bool = True
    # CA bundle (PEM) that signed the DC's certificate; None = the system's trust store.
    ldap_ca_file: FilePath | None = None
    ldap_sync_interval_s: float = Field(default=900.0, gt=0)
    # Bounds connect and every response, so a hung DC cannot stall a sync (or shutdown) forever.
    # Whole seconds: ldap3 packs the receive timeout into SO_RCVTIMEO as an integer.
    ldap_timeout_s: int = Field(default=30, gt=0)

    @field_validator("ldap_url")
    @classmethod
    def _ldap_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.lower().startswith(("ldap://", "ldaps://")):
            raise ValueError(f"ldap_url must start with ldap:// or ldaps://, not {value[:40]!r}")
        return value or None

    @model_validator(mode="after")
    def _layout_and_ldap_are_coherent(self) -> Self:
        prefix = self.model_config.get("env_prefix", "")
        if not self.ou_to_school:
            raise ValueError(f"{prefix}OU_TO_SCHOOL must map at least one OU to a school")
        if self.trust_id in self.ou_to_school.values():
            raise ValueError(f"{prefix}TRUST_ID {self.trust_id!r} is also a school's id")
        if self.ldap_url is None:
            return self
        missing = [
            f"{prefix}{name.upper()}"
            for name in ("ldap_bind_dn", "ldap_password", "ldap_base_dn")
            if not getattr(self, name)
        ]
        if missing:
            raise ValueError(f"{prefix}LDAP_URL is set, so {', '.join(missing)} must be too")
        in_clear = self.ldap_url.lower().startswith("ldap://") and not self.ldap_start_tls
        if in_clear and self.environment != "dev":
            raise ValueError(
                f"plain LDAP would send the bind password in clear: use ldaps:// or keep "
                f"{prefix}LDAP_START_TLS=true (only the dev environment may turn it off)"
            )
        return self

    def layout(self) -> Layout:
        return Layout(dict(self.ou_to_school), staff_ou=self.staff_ou, leavers_ou=self.leavers_ou)
