"""Builds each service's settings from a rendered Deployment's environment, in a clean process.

Every service refuses to start outside dev while a required setting is missing or unsafe (house
rule 2). Building its settings objects from exactly the variables the chart gives the container
shows whether the pod would get past that check. Secrets come from `secretKeyRef`s, so each is given
a stand-in value of the right shape.

Run as `python -m tests.chart.settings_start` with a JSON object on stdin:
`{"<service>": {"classes": ["module:Class", ...], "env": {"NAME": "value", ...}}}`; it prints
`{"<service>": ["<error>", ...]}` (an empty list when the settings were built).
"""

import importlib
import json
import os
import re
import sys
from typing import Any

# Stand-ins for values the chart takes from Secrets, by variable name.
_JSON_SECRETS = {"API_KEYS": '{"stand-in-api-key-0123456789": "elms-farm"}', "WEBHOOK_SECRETS": "{}"}
_SECRET = "stand-in-secret-" + "0123456789" * 4


def stand_in(name: str) -> str:
    for suffix, value in _JSON_SECRETS.items():
        if name.endswith(suffix):
            return value
    if name == "DATABASE_URL":
        return "postgresql+psycopg://user:password@db:5432/invigilator"
    return {
        "PGUSER": "app",
        "PGPASSWORD": "secret",
        "PGHOST": "db",
        "PGPORT": "5432",
        "PGDATABASE": "app",
    }.get(name, _SECRET)


def container_env(container: dict[str, Any]) -> dict[str, str]:
    """The variables as the kubelet gives them: Secrets replaced by stand-ins, $(VAR) expanded."""
    env: dict[str, str] = {}
    for item in container.get("env", []):
        value = item["value"] if "value" in item else stand_in(item["name"])
        env[item["name"]] = re.sub(
            r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m.group(1), m.group(0)), value
        )
    return env


def build(classes: list[str], env: dict[str, str]) -> list[str]:
    os.environ.clear()
    os.environ.update(env)
    errors = []
    for target in classes:
        module, _, name = target.partition(":")
        try:
            getattr(importlib.import_module(module), name)()
        except Exception as error:  # every refusal is reported, whatever its type
            errors.append(f"{name}: {error}")
    return errors


def main() -> int:
    request: dict[str, dict[str, Any]] = json.load(sys.stdin)
    path = os.environ.get("PATH", "")
    results = {
        service: build(spec["classes"], {**spec["env"], "PATH": path}) for service, spec in request.items()
    }
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
