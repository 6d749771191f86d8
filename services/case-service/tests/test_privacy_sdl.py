"""Where the API can show who a pseudonym is (MON-NEED-TO-KNOW): one field of one type, reached
through one query (`revealedIdentity`, which asks OPA for identity.read and audits every read)."""

import re

from graphql import GraphQLObjectType, get_named_type

from case_service.graphql.schema import schema


def test_accounts_appear_only_in_revealed_identity() -> None:
    holders = {
        (name, field)
        for name, kind in schema._schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field in kind.fields
        if "account" in field.lower()
    }
    # Breach.accountUnknown is a Boolean flag (the directory did not know the account), not an account.
    assert holders == {("RevealedIdentity", "account"), ("Breach", "accountUnknown")}
    flag = schema._schema.type_map["Breach"]
    assert isinstance(flag, GraphQLObjectType)
    assert str(flag.fields["accountUnknown"].type) == "Boolean!"


def test_revealed_identity_is_reached_only_through_the_audited_query() -> None:
    reaching = {
        (name, field)
        for name, kind in schema._schema.type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__")
        for field, definition in kind.fields.items()
        if get_named_type(definition.type).name == "RevealedIdentity"
    }
    assert reaching == {("Query", "revealedIdentity")}


def test_privacy_types_merge_into_the_schema() -> None:
    sdl = schema.as_str()
    for resolver in (
        "revealedIdentity",
        "caseEvidence",
        "auditChain",
        "requestIdentityReveal",
        "recordSpotCheck",
    ):
        assert re.search(rf"^\s+{resolver}\b", sdl, flags=re.MULTILINE), resolver
