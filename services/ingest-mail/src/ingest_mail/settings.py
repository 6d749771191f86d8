"""The one settings object of ingest-mail (house rule 2): built in `main()` and passed down.

Own mail domains live here and nowhere else in the service: `config/trust.yaml` names alert
mailboxes, not domains. The dev defaults are the domains of the dev policy data
(`policies-rego/data/schools/*/data.json`, `mail_domains`); a unit test keeps the two equal.
"""

import re
from typing import Self

from pydantic import Field, IPvAnyNetwork, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from svckit.ingest_http import IngestSettings, SchoolIdText

DEV_OWN_DOMAINS: dict[str, list[str]] = {
    "elms-farm": ["elmsfarm.example.sch.uk"],
    "st-peters": ["stpeters.example.sch.uk"],
    "oak-hill": ["oakhill.example.sch.uk"],
    "riverside": ["riverside.example.sch.uk"],
}
DEV_JOURNAL_RECIPIENTS: dict[str, str] = {
    "journal@elms-farm.invigilator.local": "elms-farm",
    "journal@st-peters.invigilator.local": "st-peters",
    "journal@oak-hill.invigilator.local": "oak-hill",
    "journal@riverside.invigilator.local": "riverside",
}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_ADDRESS = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


class IngestMailSettings(IngestSettings):
    model_config = SettingsConfigDict(env_prefix="INGEST_MAIL_", extra="ignore", populate_by_name=True)

    port: int = 18110
    events_topic: str = "events.mail.v1"
    # JSON object {school id: [its own mail domains]}: decides internal vs external (subdomains count).
    # Required outside dev: without it no mail has a direction and no sender an account.
    own_domains: dict[SchoolIdText, list[str]] = Field(default_factory=dict)

    # SMTP receiver for journal / BCC copies; port 0 disables it.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=18026, ge=0, le=65535)
    # The name the receiver gives in its greeting and EHLO answer.
    smtp_hostname: str = "ingest-mail.invigilator.local"
    # Bigger messages are refused with 552 (at MAIL FROM when the client declares SIZE, else at DATA).
    smtp_max_message_bytes: int = Field(default=50 * 1024 * 1024, gt=0)
    # JSON object {journal / BCC mailbox address: school id}; any other RCPT TO is refused with 550.
    smtp_journal_recipients: dict[str, SchoolIdText] = Field(default_factory=dict)
    # JSON list of CIDRs allowed to connect (e.g. the school MTA's addresses); others get 554 at
    # HELO/EHLO. Required outside dev while the receiver is on; empty in dev means every client.
    smtp_allowed_clients: list[IPvAnyNetwork] = Field(default_factory=list)
    # Idle seconds before a session is closed (RFC 5321 suggests at least 5 minutes).
    smtp_timeout_s: float = Field(default=300.0, gt=0)
    # How long shutdown waits for messages being written before it closes their sessions.
    smtp_shutdown_grace_s: float = Field(default=30.0, ge=0)

    @field_validator("own_domains")
    @classmethod
    def _domains_are_domains(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        cleaned = {
            school: [domain.strip().lower().rstrip(".") for domain in domains]
            for school, domains in value.items()
        }
        for school, domains in cleaned.items():
            bad = [domain for domain in domains if not _DOMAIN.match(domain)]
            if not domains or bad:
                raise ValueError(f"{school}: one or more mail domains, e.g. school.example.sch.uk: {bad}")
        return cleaned

    @field_validator("smtp_journal_recipients")
    @classmethod
    def _recipients_are_addresses(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {address.strip().lower(): school for address, school in value.items()}
        bad = [address for address in cleaned if not _ADDRESS.match(address)]
        if bad:
            raise ValueError(f"not mail addresses: {bad}")
        return cleaned

    @model_validator(mode="after")
    def _attributable_and_closed_outside_dev(self) -> Self:
        smtp_on = self.smtp_port != 0
        if self.environment == "dev":
            self.own_domains = self.own_domains or {k: list(v) for k, v in DEV_OWN_DOMAINS.items()}
            # The dev journal mailboxes of the schools configured (a test may configure fewer).
            self.smtp_journal_recipients = self.smtp_journal_recipients or {
                address: school
                for address, school in DEV_JOURNAL_RECIPIENTS.items()
                if school in self.own_domains
            }
        else:
            missing = [
                name
                for name, absent in (
                    ("INGEST_MAIL_OWN_DOMAINS", not self.own_domains),
                    ("INGEST_MAIL_SMTP_JOURNAL_RECIPIENTS", smtp_on and not self.smtp_journal_recipients),
                    ("INGEST_MAIL_SMTP_ALLOWED_CLIENTS", smtp_on and not self.smtp_allowed_clients),
                )
                if absent
            ]
            if missing:
                raise ValueError(
                    f"{', '.join(missing)} required outside the dev environment "
                    "(the SMTP receiver needs its journal mailboxes and a client allow-list; "
                    "INGEST_MAIL_SMTP_PORT=0 turns it off)"
                )
        # A message is only accepted when its school's internal/external split is known.
        unknown = sorted(set(self.smtp_journal_recipients.values()) - set(self.own_domains))
        if unknown:
            raise ValueError(f"journal recipients name schools without INGEST_MAIL_OWN_DOMAINS: {unknown}")
        return self
