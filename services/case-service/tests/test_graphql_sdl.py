"""The GraphQL SDL is a generated file and committed (house rule 8); this fails when it is stale."""

import re
from pathlib import Path

from case_service.graphql.schema import schema

SDL = Path(__file__).resolve().parent.parent / "schema.graphql"
REGENERATE = (
    'uv run python -c "from case_service.graphql.schema import schema; print(schema.as_str())"'
    " > services/case-service/schema.graphql"
)


def test_committed_sdl_is_current() -> None:
    assert SDL.read_text() == schema.as_str() + "\n", f"schema.graphql is stale; regenerate: {REGENERATE}"


def test_api_never_exposes_accounts() -> None:
    field_names = re.findall(r"^\s+(\w+)\s*[:(]", schema.as_str(), flags=re.MULTILINE)
    assert "staff" in field_names
    assert not [name for name in field_names if "account" in name.lower() or "identity" in name.lower()]
