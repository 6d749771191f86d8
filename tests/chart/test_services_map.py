"""A service is one folder, one values block, one Dockerfile and one skaffold artifact (house rule 1).

skaffold cannot be installed here (the Go module proxy refuses it), so skaffold.yaml is checked by
parsing it: one artifact per service folder, built from the root with its own Dockerfile and the
base images the Dockerfiles pin, the chart's image values set from each artifact, and every values
file a profile names among the scenarios the chart tests render.
"""

import importlib
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic_settings import BaseSettings

from tests.chart import settings_start
from tests.chart.helm import CHART, ROOT, chart_values, rendered, scenarios

SERVICE_DIRS = sorted(path.parent.name for path in (ROOT / "services").glob("*/pyproject.toml"))
SKAFFOLD: dict[str, Any] = yaml.safe_load((ROOT / "skaffold.yaml").read_text())
VALUES: dict[str, Any] = chart_values()

# Each service's settings classes (house rule 2), to check the variable names the chart sets.
SETTINGS = {
    "ingest-proxy": ["ingest_proxy.settings:IngestProxySettings"],
    "ingest-mail": ["ingest_mail.settings:IngestMailSettings"],
    "ingest-endpoint": ["ingest_endpoint.settings:IngestEndpointSettings"],
    "ingest-directory": ["ingest_directory.settings:IngestDirectorySettings"],
    "policy-engine": ["policy_engine.settings:PolicyEngineSettings"],
    "case-service": ["case_service.settings:CaseServiceSettings", "case_service.auth.settings:AuthSettings"],
    "alerter": ["alerter.settings:AlerterSettings"],
    "web": ["invigilator_web.settings:WebSettings"],
}
# Variables the chart sets that a service does not read yet, with why. The test fails as soon as the
# service reads one, so the entry is removed then.
PENDING: dict[tuple[str, str], str] = {}


def pyproject(service: str) -> dict[str, Any]:
    return tomllib.loads((ROOT / "services" / service / "pyproject.toml").read_text())


def settings_names(service: str) -> set[str]:
    """Every environment variable one of the service's settings classes reads."""
    names = set()
    for target in SETTINGS[service]:
        module, _, cls_name = target.partition(":")
        cls: type[BaseSettings] = getattr(importlib.import_module(module), cls_name)
        prefix = str(cls.model_config.get("env_prefix", ""))
        for field_name, field in cls.model_fields.items():
            alias = field.validation_alias
            names.add(alias.upper() if isinstance(alias, str) else f"{prefix}{field_name}".upper())
    return names


def reads(service: str, variable: str) -> bool:
    names = settings_names(service)
    # Nested settings (env_nested_delimiter "__"), e.g. CASE_SERVICE_AUTH_CLAIMS__ROLES_CLAIM.
    return variable in names or variable.split("__")[0] in names


def test_every_service_folder_has_a_values_block_and_the_reverse() -> None:
    assert len(SERVICE_DIRS) >= 8
    assert sorted(VALUES["services"]) == SERVICE_DIRS
    assert sorted(SETTINGS) == SERVICE_DIRS


def entry_point(service: str) -> str:
    """The script that runs the service: the one named after its folder, else the one calling main()."""
    scripts: dict[str, str] = pyproject(service)["project"]["scripts"]
    if service in scripts:
        return service
    (name,) = [name for name, target in scripts.items() if target.endswith(".main:main")]
    return name


@pytest.mark.parametrize("service", SERVICE_DIRS)
def test_dockerfile_builds_the_service_from_the_lockfile(service: str) -> None:
    dockerfile = (ROOT / "services" / service / "Dockerfile").read_text()
    package = pyproject(service)["project"]["name"]
    script = entry_point(service)
    # The shared shape: each Dockerfile is ingest-proxy's with the name, package and ports replaced.
    reference = (ROOT / "services" / "ingest-proxy" / "Dockerfile").read_text()
    ports = " ".join(str(p["port"]) for p in VALUES["services"][service]["ports"])
    expected = (
        reference.replace("invigilator-ingest-proxy", package)
        .replace("ingest-proxy", service)
        .replace("EXPOSE 18100 18514", f"EXPOSE {ports}")
        .replace(f'/app/.venv/bin/{service}"]', f'/app/.venv/bin/{script}"]')
    )
    assert dockerfile == expected
    assert f"uv sync --frozen --no-dev --no-editable --package {package}" in dockerfile
    assert f'ENTRYPOINT ["/app/.venv/bin/{script}"]' in dockerfile
    assert not re.search(r"^HEALTHCHECK", dockerfile, re.MULTILINE)
    assert re.search(r"^USER [1-9][0-9]*:[1-9][0-9]*$", dockerfile, re.MULTILINE)
    final_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    assert "uv" not in final_stage.split("\n", 1)[0]
    assert "/usr/local/bin/uv" not in final_stage


def test_dockerignore_keeps_the_build_context_small() -> None:
    ignore = (ROOT / ".dockerignore").read_text().splitlines()
    assert ignore[ignore.index("**") :][:1] == ["**"]
    assert {"!pyproject.toml", "!uv.lock", "!libs/", "!services/", "!tools/"} <= set(ignore)
    assert {"**/tests/", "**/.venv/"} <= set(ignore)


def artifacts() -> dict[str, dict[str, Any]]:
    return {artifact["image"]: artifact for artifact in SKAFFOLD["build"]["artifacts"]}


def test_skaffold_config_shape() -> None:
    assert SKAFFOLD["apiVersion"] == "skaffold/v4beta11"
    assert SKAFFOLD["kind"] == "Config"
    assert sorted(profile["name"] for profile in SKAFFOLD["profiles"]) == ["dev", "prod"]
    (release,) = SKAFFOLD["deploy"]["helm"]["releases"]
    assert release["chartPath"] == "charts/invigilator"
    assert (ROOT / release["chartPath"] / "Chart.yaml").is_file()


@pytest.mark.parametrize("service", SERVICE_DIRS)
def test_one_skaffold_artifact_per_service(service: str) -> None:
    image = f"invigilator/{service}"
    artifact = artifacts()[image]
    assert artifact["context"] == "."
    assert artifact["docker"]["dockerfile"] == f"services/{service}/Dockerfile"
    assert image.rsplit("/", 1)[1] == VALUES["services"][service]["image"]
    # The build arguments are the pins the Dockerfile itself carries.
    dockerfile = (ROOT / artifact["docker"]["dockerfile"]).read_text()
    for name, value in artifact["docker"]["buildArgs"].items():
        assert f"ARG {name}={value}\n" in dockerfile
    templates = SKAFFOLD["deploy"]["helm"]["releases"][0]["setValueTemplates"]
    key = re.sub(r"[^A-Za-z0-9]", "_", image)
    assert templates[f"services.{service}.imageOverride"] == f"{{{{.IMAGE_FULLY_QUALIFIED_{key}}}}}"


def test_no_artifact_without_a_service_folder() -> None:
    assert sorted(image.removeprefix("invigilator/") for image in artifacts()) == SERVICE_DIRS


def test_profiles_deploy_values_files_that_ci_renders() -> None:
    rendered = {path.resolve() for path in scenarios().values()}
    for profile in SKAFFOLD["profiles"]:
        files = [
            value
            for patch in profile["patches"]
            if patch["path"].endswith("/valuesFiles")
            for value in patch["value"]
        ]
        assert files, profile["name"]
        for file in files:
            assert (ROOT / file).resolve() in rendered, (
                f"{profile['name']}: {file} is not a rendered scenario"
            )


@pytest.mark.parametrize("service", SERVICE_DIRS)
def test_chart_sets_only_variables_the_service_reads(service: str) -> None:
    block = VALUES["services"][service]
    variables = [p["hostEnv"] for p in block["ports"]] + [p["portEnv"] for p in block["ports"]]
    for scenario in scenarios():
        scenario_block = chart_values(scenario)["services"][service]
        variables += list(scenario_block["env"]) + list(scenario_block["secretEnv"])
    unread = sorted({v for v in variables if not reads(service, v) and (service, v) not in PENDING})
    assert not unread, f"{service} does not read {unread}"
    for (pending_service, variable), why in PENDING.items():
        if pending_service == service:
            assert not reads(service, variable), (
                f"{service} now reads {variable} ({why}): remove it from PENDING"
            )


@pytest.mark.parametrize("service", SERVICE_DIRS)
def test_ports_are_the_services_defaults(service: str) -> None:
    for target in SETTINGS[service][:1]:
        module, _, cls_name = target.partition(":")
        cls: type[BaseSettings] = getattr(importlib.import_module(module), cls_name)
        prefix = str(cls.model_config.get("env_prefix", ""))
        for port in VALUES["services"][service]["ports"]:
            if (service, port["portEnv"]) in PENDING:
                continue
            field = port["portEnv"].removeprefix(prefix).lower()
            assert cls.model_fields[field].default == port["port"], port["name"]


def settings_defaults(service: str) -> dict[str, object]:
    module, _, cls_name = SETTINGS[service][0].partition(":")
    cls: type[BaseSettings] = getattr(importlib.import_module(module), cls_name)
    return {name: field.default for name, field in cls.model_fields.items()}


@pytest.mark.parametrize("service", SERVICE_DIRS)
def test_kafka_acls_are_the_topics_and_groups_the_service_uses(service: str) -> None:
    """The ACLs of a KafkaUser are exactly the topics and groups the service's settings name."""
    defaults = settings_defaults(service)
    topics: set[str] = set()
    for name, value in defaults.items():
        if name.endswith("_topic"):
            topics.add(str(value))
        elif name.endswith("_topics"):
            topics.update(str(topic) for topic in value)  # type: ignore[attr-defined]
    groups = {
        str(value) for name, value in defaults.items() if name in {"group_id", "consumer_group_id", "app_id"}
    }
    kafka = VALUES["services"][service]["kafka"]
    assert set(kafka["produces"]) | set(kafka["consumes"]) == topics
    assert not set(kafka["produces"]) & set(kafka["consumes"])
    assert set(kafka["groups"]) == groups
    assert all(prefix.removesuffix("-") in groups for prefix in kafka["topicPrefixes"]), (
        "faust's prefix is its app id"
    )


@pytest.mark.parametrize("scenario", sorted(scenarios()))
def test_disruption_budgets_let_nodes_drain(scenario: str) -> None:
    for service, block in chart_values(scenario)["services"].items():
        fewest = block["autoscaling"]["minReplicas"] if block["autoscaling"]["enabled"] else block["replicas"]
        if "minAvailable" in block["pdb"]:
            assert block["pdb"]["minAvailable"] < fewest or fewest == 0, f"{service}: a drain would block"


@pytest.mark.parametrize("scenario", sorted(scenarios()))
def test_engine_partitions_match_the_events_topics(scenario: str) -> None:
    values = chart_values(scenario)
    engine = values["services"]["policy-engine"]
    settings = importlib.import_module("policy_engine.settings").PolicyEngineSettings
    partitions = int(
        engine["env"].get("POLICY_ENGINE_PARTITIONS", settings.model_fields["partitions"].default)
    )
    for topic in settings.model_fields["events_topics"].default:
        assert values["kafka"]["topics"][topic]["partitions"] == partitions, topic
    if engine["autoscaling"]["enabled"]:
        assert engine["autoscaling"]["maxReplicas"] <= partitions, "workers beyond the partitions stay idle"


def test_dev_values_carry_the_dev_trust_config() -> None:
    dev = yaml.safe_load((CHART / "values-dev.yaml").read_text())
    assert (
        dev["services"]["alerter"]["configFiles"]["trust.yaml"]
        == (ROOT / "config" / "trust.yaml").read_text()
    )


def test_settings_check_can_fail() -> None:
    assert reads("ingest-mail", "INGEST_MAIL_OWN_DOMAINS")
    assert not reads("ingest-mail", "INGEST_MAIL_OWN_DOMAIN")
    assert reads("case-service", "CASE_SERVICE_AUTH_CLAIMS__ROLES_CLAIM")
    assert reads("alerter", "SMTP_HOST")
    assert not Path(ROOT / "services" / "no-such-service").exists()


def start_settings(scenario: str, overrides: dict[str, dict[str, str]] | None = None) -> dict[str, list[str]]:
    """Each service's settings built from its rendered container environment, in a clean process."""
    request = {}
    for doc in rendered(scenario):
        if doc["kind"] != "Deployment":
            continue
        service = doc["metadata"]["labels"]["app.kubernetes.io/name"]
        container = doc["spec"]["template"]["spec"]["containers"][0]
        env = {**settings_start.container_env(container), **(overrides or {}).get(service, {})}
        request[service] = {"classes": SETTINGS[service], "env": env}
    result = subprocess.run(
        [sys.executable, "-m", "tests.chart.settings_start"],
        input=json.dumps(request),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer: dict[str, list[str]] = json.loads(result.stdout)
    assert sorted(answer) == SERVICE_DIRS
    return answer


@pytest.mark.parametrize("scenario", sorted(scenarios()))
def test_every_service_would_start_with_what_the_chart_gives_it(scenario: str) -> None:
    failures = {service: errors for service, errors in start_settings(scenario).items() if errors}
    assert not failures


def test_start_check_can_fail() -> None:
    failures = start_settings("minimal-values", {"alerter": {"ALERTER_LINK_KEY": "short"}})
    assert any("ALERTER_LINK_KEY" in error for error in failures["alerter"])
    assert not failures["case-service"]
