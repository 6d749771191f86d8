"""Rendering the chart with the project's pinned helm, once per scenario, for the chart tests."""

import functools
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "invigilator"
HELM_VERSION = "v3.19.2"
# The Kubernetes version manifests are validated against (kubernetes-validate's bundled schemas).
KUBERNETES_VERSION = "1.33.0"
RELEASE = "invigilator"
NAMESPACE = "invigilator"

Manifest = dict[str, Any]


class StrictLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys (kubectl and the API server's decoder refuse them too)."""


def _no_duplicates(loader: StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    keys = [loader.construct_object(key, deep=deep) for key, _ in node.value]
    duplicates = sorted({str(key) for key in keys if keys.count(key) > 1})
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys {duplicates}", node.start_mark)
    return loader.construct_mapping(node, deep)


StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicates)


def load_documents(text: str) -> list[Manifest]:
    """Every non-empty YAML document of a render, refusing duplicate keys."""
    return [doc for doc in yaml.load_all(text, Loader=StrictLoader) if doc]


def helm_bin() -> str:
    """HELM_BIN (scripts/test.sh exports it after ensure_helm), else the cache path, else PATH."""
    candidates = [
        os.environ.get("HELM_BIN", ""),
        str(Path.home() / ".cache" / "invigilator" / "tools" / f"helm-{HELM_VERSION}" / "helm"),
        shutil.which("helm") or "",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise AssertionError(
        f"helm {HELM_VERSION} not found: run 'scripts/test.sh chart' (installs it) or set HELM_BIN"
    )


def scenarios() -> dict[str, Path]:
    """Every values file CI renders: ci/*-values.yaml and the dev profile's values-dev.yaml."""
    files = [*sorted(CHART.glob("ci/*-values.yaml")), CHART / "values-dev.yaml"]
    return {path.name.removesuffix(".yaml"): path for path in files}


def run_helm(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [helm_bin(), *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def template(*values: Path, extra: tuple[str, ...] = ()) -> list[Manifest]:
    """`helm template` with these values files; every non-empty document, parsed."""
    args = ["template", RELEASE, str(CHART), "--namespace", NAMESPACE, "--kube-version", KUBERNETES_VERSION]
    for path in values:
        args += ["--values", str(path)]
    result = run_helm(*args, *extra)
    if result.returncode != 0:
        raise AssertionError(f"helm template {' '.join(map(str, values))} failed:\n{result.stderr}")
    return load_documents(result.stdout)


@functools.cache
def rendered(scenario: str) -> tuple[Manifest, ...]:
    """The manifests of one scenario (cached: each scenario is rendered once per test run)."""
    return tuple(template(scenarios()[scenario]))


def chart_values(scenario: str | None = None) -> dict[str, Any]:
    """The chart's values merged with a scenario's, as helm does for maps."""
    values: dict[str, Any] = yaml.safe_load((CHART / "values.yaml").read_text())
    if scenario is not None:
        values = merge(values, yaml.safe_load(scenarios()[scenario].read_text()) or {})
    return values


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def pod_specs(manifests: tuple[Manifest, ...] | list[Manifest]) -> list[tuple[str, Manifest]]:
    """(kind/name, pod spec) of every Deployment and Pod."""
    found = []
    for doc in manifests:
        name = f"{doc['kind']}/{doc['metadata']['name']}"
        if doc["kind"] == "Deployment":
            found.append((name, doc["spec"]["template"]["spec"]))
        elif doc["kind"] == "Pod":
            found.append((name, doc["spec"]))
    return found
