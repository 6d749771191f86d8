from pathlib import Path

from alerter.api.graphql import schema

SDL = Path(__file__).resolve().parents[1] / "schema.graphql"


def test_committed_sdl_is_current() -> None:
    """Regenerate with: .venv/bin/python -c "from alerter.api.graphql import schema; print(schema.as_str())"
    > services/alerter/schema.graphql"""
    assert SDL.read_text(encoding="utf-8") == schema.as_str() + "\n"
