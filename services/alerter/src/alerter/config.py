"""The trust configuration file (`ALERTER_TRUST_CONFIG`): who is told about what, when, and how.

Contacts are role mailboxes and webhooks, never personal names. Every field has a default except
the contacts themselves, so the file of the walking skeleton stays valid.
"""

from datetime import date, time
from pathlib import Path
from typing import Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator, model_validator

SchoolRole = Literal["slg", "headteacher", "dsl"]
Role = Literal["slg", "headteacher", "dsl", "it_ops"]
WebhookKind = Literal["teams", "slack", "signed"]
DEFAULT_DIGEST_AT = time(16, 0)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuietHours(_Strict):
    """Local times; `start` after `end` spans midnight (e.g. 19:00–07:00)."""

    start: time
    end: time

    @model_validator(mode="after")
    def _not_empty(self) -> Self:
        if self.start == self.end:
            raise ValueError("quiet hours need a start different from their end")
        return self


class Webhook(_Strict):
    """A channel receiving the alerts routed to any of `roles` (Teams, Slack, or signed JSON)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    kind: WebhookKind
    url: str = Field(pattern=r"^https?://")
    roles: list[Role] = Field(min_length=1)


class Escalation(_Strict):
    """Who hears of an unacknowledged critical alert, one step per `after_minutes`."""

    after_minutes: int = Field(default=30, ge=1)
    ladder: list[list[EmailStr]] = []


class Term(_Strict):
    start: date
    end: date


class SchoolContacts(_Strict):
    name: str
    slg: list[EmailStr] = Field(min_length=1)
    headteacher: list[EmailStr] = Field(min_length=1)
    dsl: list[EmailStr] = Field(min_length=1)
    timezone: str = "Europe/London"
    # The daily digest of low-severity breaches goes out at this local time.
    digest_at: time = DEFAULT_DIGEST_AT
    # Non-critical alerts wait for the end of these hours (none by default).
    quiet_hours: QuietHours | None = None
    # Falls back to the trust's escalation when absent.
    escalation: Escalation | None = None
    webhooks: list[Webhook] = []

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class TrustContacts(_Strict):
    name: str
    it_ops: list[EmailStr] = Field(min_length=1)
    case_link_base: str
    escalation: Escalation = Escalation()
    webhooks: list[Webhook] = []


class Fatigue(_Strict):
    """Alert-fatigue controls shared by every school."""

    # An alert for the same person and clause within this window is not sent again.
    dedupe_window_hours: float = Field(default=24.0, gt=0)
    # The Nth low-severity breach of a clause by one person in a term raises its digest line.
    repeat_threshold: int = Field(default=3, ge=2)
    # School terms; outside them the calendar terms (1 Sep, 1 Jan, 1 Apr) apply.
    terms: list[Term] = []
    # Non-critical alerts wait this long and go to each destination together, one message per
    # bundle (0: each alert on its own, at once). Critical alerts never wait.
    bundle_minutes: float = Field(default=0.0, ge=0, le=240)


class TrustConfig(_Strict):
    trust: TrustContacts
    schools: dict[str, SchoolContacts]
    fatigue: Fatigue = Fatigue()

    @model_validator(mode="after")
    def _unique_webhook_names(self) -> Self:
        names = [hook.name for hook in self.all_webhooks()]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"webhook names must be unique: {duplicates}")
        for school_id, school in self.schools.items():
            for hook in school.webhooks:
                if "it_ops" in hook.roles:
                    raise ValueError(f"schools.{school_id}.webhooks.{hook.name}: it_ops is a trust role")
        return self

    def all_webhooks(self) -> list[Webhook]:
        return [*self.trust.webhooks, *(hook for school in self.schools.values() for hook in school.webhooks)]

    def webhook(self, name: str) -> Webhook | None:
        return next((hook for hook in self.all_webhooks() if hook.name == name), None)

    def school_name(self, school_id: str) -> str:
        school = self.schools.get(school_id)
        return school.name if school else f"unconfigured school {school_id!r}"

    def zone(self, school_id: str) -> ZoneInfo:
        school = self.schools.get(school_id)
        return school.zone if school else ZoneInfo("Europe/London")

    def digest_at(self, school_id: str) -> time:
        school = self.schools.get(school_id)
        return school.digest_at if school else DEFAULT_DIGEST_AT

    def escalation(self, school_id: str) -> Escalation:
        school = self.schools.get(school_id)
        return school.escalation if school and school.escalation else self.trust.escalation


def load_trust_config(path: Path) -> TrustConfig:
    """Fails at start-up with pydantic's field-by-field message when the file is wrong."""
    with path.open(encoding="utf-8") as handle:
        return TrustConfig.model_validate(yaml.safe_load(handle))
