"""values.schema.json is strict and documents every value; the chart's values and scenarios obey it."""

import json
from collections.abc import Iterator
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from tests.chart.helm import CHART, chart_values, scenarios

SCHEMA: dict[str, Any] = json.loads((CHART / "values.schema.json").read_text())


def nodes(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, sub-schema) of the schema, definitions included."""
    if not isinstance(schema, dict):
        return
    yield path, schema
    for key in ("properties", "definitions"):
        for name, sub in (schema.get(key) or {}).items():
            yield from nodes(sub, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from nodes(schema[key], f"{path}[{key}]")


def test_every_value_is_documented() -> None:
    undocumented = [
        f"{path}.{name}"
        for path, node in nodes(SCHEMA)
        for name, sub in (node.get("properties") or {}).items()
        if not str(sub.get("description", "")).strip()
    ]
    assert not undocumented


def test_objects_are_closed() -> None:
    """An object with named properties refuses others (typos fail instead of being ignored)."""
    open_objects = [
        path
        for path, node in nodes(SCHEMA)
        if node.get("properties")
        and node.get("additionalProperties", True) is not False
        and path != ".global"
    ]
    assert not open_objects


def test_every_default_value_is_in_the_schema() -> None:
    def leaves(value: Any, schema: dict[str, Any], path: str) -> Iterator[str]:
        if "$ref" in schema:
            schema = SCHEMA["definitions"][schema["$ref"].rsplit("/", 1)[1]]
        if isinstance(value, dict) and "properties" in schema:
            for key, item in value.items():
                assert key in schema["properties"], f"{path}.{key} is not in the schema"
                yield from leaves(item, schema["properties"][key], f"{path}.{key}")
        elif isinstance(value, dict) and isinstance(schema.get("additionalProperties"), dict):
            for key, item in value.items():
                yield from leaves(item, schema["additionalProperties"], f"{path}.{key}")
        else:
            yield path

    assert len(list(leaves(chart_values(), SCHEMA, ""))) > 100


@pytest.mark.parametrize("scenario", [None, *sorted(scenarios())])
def test_values_obey_the_schema(scenario: str | None) -> None:
    jsonschema.Draft7Validator(SCHEMA).validate(chart_values(scenario))


def test_schema_can_fail() -> None:
    values = chart_values("minimal-values")
    values["services"]["ingest-proxy"]["replica"] = 2
    values["kafka"]["topics"]["breaches.v1"]["partitions"] = 0
    errors = [error.message for error in jsonschema.Draft7Validator(SCHEMA).iter_errors(values)]
    assert any("'replica' was unexpected" in error for error in errors)
    assert any("less than the minimum" in error for error in errors)


def test_scenarios_are_yaml_maps() -> None:
    for path in scenarios().values():
        assert isinstance(yaml.safe_load(path.read_text()), dict), path
