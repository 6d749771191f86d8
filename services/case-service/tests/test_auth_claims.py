"""Verified claims → Subject through the settings' claim mapping (Entra ID app roles, a schools
claim, Google Workspace groups)."""

import pytest

from case_service.auth.claims import ClaimsError, subject_from_claims
from case_service.auth.settings import ClaimMapping, GroupGrant
from case_service.auth.subject import Subject


def test_default_mapping_reads_roles_and_schools() -> None:
    subject = subject_from_claims(
        {"sub": "u-1", "roles": ["hr", "slg"], "schools": ["elms-farm"]}, ClaimMapping()
    )
    assert subject == Subject(id="u-1", roles=frozenset({"hr", "slg"}), schools=frozenset({"elms-farm"}))
    assert subject.opa_input() == {"id": "u-1", "roles": ["hr", "slg"], "schools": ["elms-farm"]}


def test_entra_app_roles_and_object_id() -> None:
    mapping = ClaimMapping(
        subject_claim="oid",
        schools_claim="extn.schools",
        role_values={"Invigilator.HR": "hr", "Invigilator.Head": "headteacher"},
    )
    claims = {
        "sub": "pairwise-per-app",
        "oid": "6e8b0f3c-0000-4000-8000-000000000001",
        "roles": ["Invigilator.HR", "Invigilator.Head", "Invigilator.Unknown", "Directory.Reader"],
        "extn.schools": "elms-farm st-peters",
    }
    subject = subject_from_claims(claims, mapping)
    assert subject.id == "6e8b0f3c-0000-4000-8000-000000000001"
    assert subject.roles == {"hr", "headteacher"}
    assert subject.schools == {"elms-farm", "st-peters"}


def test_google_workspace_groups_grant_roles_and_schools() -> None:
    mapping = ClaimMapping(
        roles_claim=None,
        schools_claim=None,
        groups_claim="groups",
        groups={
            "invigilator-hr-elms@trust.example.org.uk": GroupGrant(roles=["hr"], schools=["elms-farm"]),
            "invigilator-it@trust.example.org.uk": GroupGrant(roles=["it_ops"]),
        },
    )
    claims = {
        "sub": "1042",
        "roles": ["dpo"],  # ignored: no roles claim configured
        "groups": [
            "invigilator-hr-elms@trust.example.org.uk",
            "invigilator-it@trust.example.org.uk",
            "staff",
        ],
    }
    subject = subject_from_claims(claims, mapping)
    assert subject.roles == {"hr", "it_ops"}
    assert subject.schools == {"elms-farm"}


def test_odd_claim_values_grant_nothing() -> None:
    claims = {"sub": "u-1", "roles": [1, None, "hr", ""], "schools": {"elms-farm": True}}
    subject = subject_from_claims(claims, ClaimMapping())
    assert subject.roles == {"hr"}
    assert subject.schools == frozenset()
    assert subject_from_claims({"sub": "u-1", "roles": 7}, ClaimMapping()).roles == frozenset()


def test_comma_separated_claims() -> None:
    subject = subject_from_claims({"sub": "u-1", "roles": "hr,dsl", "schools": "a, b"}, ClaimMapping())
    assert subject.roles == {"hr", "dsl"}
    assert subject.schools == {"a", "b"}


@pytest.mark.parametrize("claims", [{}, {"sub": ""}, {"sub": 42}])
def test_a_token_must_name_the_caller(claims: dict[str, object]) -> None:
    with pytest.raises(ClaimsError, match="'sub'"):
        subject_from_claims(claims, ClaimMapping())
