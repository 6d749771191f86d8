"""The GraphQL SDL is a generated file and committed (house rule 8); this fails when it is stale."""

from pathlib import Path

from graphql import GraphQLObjectType, get_named_type

from case_service.graphql.schema import schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"
REGENERATE = (
    'uv run python -c "from case_service.graphql.schema import schema; print(schema.as_str())"'
    " > services/case-service/schema.graphql"
)


def test_committed_sdl_is_current() -> None:
    assert SDL.read_text() == schema.as_str() + "\n", f"schema.graphql is stale; regenerate: {REGENERATE}"


def reachable(type_names: list[str]) -> set[str]:
    """The object types reachable from these, through any field."""
    seen: set[str] = set()
    todo = list(type_names)
    while todo:
        name = todo.pop()
        kind = schema._schema.type_map[name]
        if name in seen or not isinstance(kind, GraphQLObjectType):
            continue
        seen.add(name)
        todo += [get_named_type(field.type).name for field in kind.fields.values()]
    return seen


def test_case_api_never_exposes_accounts() -> None:
    """What the case queries, the workflow mutations and the breach feed answer holds pseudonyms only
    (an account is served only by the privacy API's audited revealedIdentity, test_privacy_sdl)."""
    query = schema._schema.type_map["Query"]
    assert isinstance(query, GraphQLObjectType)
    roots = [get_named_type(query.fields[name].type).name for name in ("cases", "case")]
    case_types = reachable([*roots, "TransitionResult", "BreachFeedItem"])
    assert {"Case", "Breach", "School", "HistoryEntry", "Letter"} <= case_types
    exposing = {
        (name, field)
        for name in case_types
        for field in schema._schema.type_map[name].fields  # type: ignore[attr-defined]
        if "account" in field.lower() or "identity" in field.lower()
    }
    # A flag that the directory did not know the account: a Boolean, never the account itself.
    assert str(schema._schema.type_map["Breach"].fields["accountUnknown"].type) == "Boolean!"  # type: ignore[attr-defined]
    assert exposing == {("Breach", "accountUnknown")}
    assert "staff" in schema._schema.type_map["Case"].fields  # type: ignore[attr-defined]
