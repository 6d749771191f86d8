"""Who hears about a case: the school's SLG, its DSL and Headteacher at once, or trust IT ops."""

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, EmailStr, Field

from invigilator.breaches.v1 import breaches_pb2
from invigilator.cases.v1 import cases_pb2


class SchoolContacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    slg: list[EmailStr] = Field(min_length=1)
    headteacher: list[EmailStr] = Field(min_length=1)
    dsl: list[EmailStr] = Field(min_length=1)


class TrustContacts(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    it_ops: list[EmailStr] = Field(min_length=1)
    case_link_base: str


class TrustConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trust: TrustContacts
    schools: dict[str, SchoolContacts]


def load_trust_config(path: Path) -> TrustConfig:
    """Fails at start-up with pydantic's field-by-field message when the file is wrong."""
    with path.open(encoding="utf-8") as handle:
        return TrustConfig.model_validate(yaml.safe_load(handle))


def recipients(config: TrustConfig, event: cases_pb2.CaseEvent) -> list[str]:
    """Safeguarding and critical matters go to the DSL and Headteacher; IT matters to trust IT ops.

    A school missing from the configuration is itself a configuration problem: IT ops hear of it.
    """
    school = config.schools.get(event.school_id)
    if event.owner == breaches_pb2.OWNER_IT or school is None:
        return list(config.trust.it_ops)
    if event.owner == breaches_pb2.OWNER_DSL or event.severity == breaches_pb2.SEVERITY_CRITICAL:
        return list(dict.fromkeys([*school.dsl, *school.headteacher]))
    return list(school.slg)
