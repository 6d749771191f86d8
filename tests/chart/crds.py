"""Strimzi and CloudNativePG resources against their CRDs' OpenAPI schemas (kept in crds/).

The schemas were taken from the operators' own repositories (crds/SOURCES.md): Strimzi 1.2.0
(`packaging/install/cluster-operator/04*-Crd-*.yaml`) and CloudNativePG v1.30.0
(`config/crd/bases/postgresql.cnpg.io_{clusters,databases}.yaml`); only `openAPIV3Schema` of each
served version is kept, as JSON.

Two checks, because the API server does two things with a custom resource: it validates it against
the schema (types, enums, required fields: jsonschema does the same here), and it silently *prunes*
fields the schema does not declare. A typo such as `spec.kafka.listners` would therefore be
accepted and dropped; `unknown_fields` reports it instead.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

CRD_DIR = Path(__file__).resolve().parent / "crds"
GROUPS = ("kafka.strimzi.io", "postgresql.cnpg.io")

Schema = dict[str, Any]


@cache
def schemas() -> dict[tuple[str, str, str], Schema]:
    """(group, version, kind) → openAPIV3Schema, for every stored CRD."""
    found = {}
    for path in sorted(CRD_DIR.glob("*.json")):
        stored = json.loads(path.read_text())
        found[(stored["group"], stored["version"], stored["kind"])] = stored["schema"]
    return found


def is_custom(manifest: dict[str, Any]) -> bool:
    return str(manifest.get("apiVersion", "")).split("/")[0] in GROUPS


def schema_for(manifest: dict[str, Any]) -> Schema:
    group, _, version = str(manifest["apiVersion"]).partition("/")
    key = (group, version, str(manifest["kind"]))
    if key not in schemas():
        raise AssertionError(
            f"no CRD schema stored for {manifest['apiVersion']} {manifest['kind']} in {CRD_DIR}"
        )
    return schemas()[key]


def unknown_fields(value: Any, schema: Schema, path: str = "") -> list[str]:
    """Paths the API server would prune: object keys the schema does not declare."""
    if schema.get("x-kubernetes-preserve-unknown-fields"):
        return []
    found = []
    if isinstance(value, dict):
        properties = schema.get("properties")
        additional = schema.get("additionalProperties")
        for key, item in value.items():
            here = f"{path}.{key}" if path else key
            if properties is not None and key in properties:
                found += unknown_fields(item, properties[key], here)
            elif isinstance(additional, dict):
                found += unknown_fields(item, additional, here)
            elif additional is True:
                continue
            elif properties is not None:
                found.append(here)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            found += unknown_fields(item, schema["items"], f"{path}[{index}]")
    return found


def problems(manifest: dict[str, Any]) -> list[str]:
    """Schema errors and pruned fields of one custom resource; empty when it is valid."""
    schema = schema_for(manifest)
    # metadata is declared as a plain object: ObjectMeta is the API server's, not the CRD's.
    body = manifest
    validator = jsonschema.Draft7Validator(schema)
    found = [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(body)
    ]
    found += [
        f"{path}: unknown field (the API server would prune it)" for path in unknown_fields(body, schema)
    ]
    return found
