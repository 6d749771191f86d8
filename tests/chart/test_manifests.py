"""Every CI scenario of the chart renders, and what it renders is valid and hardened.

Kubernetes objects are validated against the Kubernetes JSON schemas of KUBERNETES_VERSION
(kubernetes-validate, strict: unknown fields fail), Strimzi and CloudNativePG resources against
their CRDs (tests/chart/crds). Every pod must pass `hardening.pod_violations`.
"""

import copy
import hashlib
from collections import Counter
from typing import Any

import kubernetes_validate  # type: ignore[import-untyped]
import pytest
import yaml

from tests.chart import crds
from tests.chart.hardening import pod_violations
from tests.chart.helm import (
    CHART,
    KUBERNETES_VERSION,
    Manifest,
    chart_values,
    load_documents,
    pod_specs,
    rendered,
    scenarios,
    template,
)

SCENARIOS = sorted(scenarios())
EXPECTED_CI = {"minimal", "with-strimzi", "with-cnpg", "external-infra", "production-like"}


def enabled_services(scenario: str) -> list[str]:
    services: dict[str, Any] = chart_values(scenario)["services"]
    return sorted(name for name, block in services.items() if block["enabled"])


def by_kind(manifests: tuple[Manifest, ...], kind: str) -> dict[str, Manifest]:
    return {doc["metadata"]["name"]: doc for doc in manifests if doc["kind"] == kind}


def test_the_ci_scenarios_exist() -> None:
    assert {name.removesuffix("-values") for name in SCENARIOS if name.endswith("-values")} >= EXPECTED_CI


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_each_service_gets_its_objects(scenario: str) -> None:
    manifests = rendered(scenario)
    for kind in ("Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "NetworkPolicy"):
        names = set(by_kind(manifests, kind))
        assert names == {f"invigilator-{name}" for name in enabled_services(scenario)}, kind
    objects = Counter(f"{doc['kind']}/{doc['metadata']['name']}" for doc in manifests)
    assert not [name for name, count in objects.items() if count > 1], "duplicate objects"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_kubernetes_objects_validate(scenario: str) -> None:
    errors = []
    checked = 0
    for doc in rendered(scenario):
        if crds.is_custom(doc):
            continue
        try:
            kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)
            checked += 1
        except (kubernetes_validate.ValidationError, kubernetes_validate.SchemaNotFoundError) as error:
            errors.append(f"{doc['kind']}/{doc['metadata']['name']}: {error}")
    assert not errors, "\n".join(errors)
    assert checked >= 5 * len(enabled_services(scenario))


def test_duplicate_keys_are_refused() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate keys"):
        load_documents("metadata:\n  labels:\n    a: 1\n    a: 2\n")


def test_kubernetes_validation_can_fail() -> None:
    deployment = copy.deepcopy(by_kind(rendered("minimal-values"), "Deployment")["invigilator-case-service"])
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_custom_resources_match_their_crds(scenario: str) -> None:
    custom = [doc for doc in rendered(scenario) if crds.is_custom(doc)]
    errors = [
        f"{doc['kind']}/{doc['metadata']['name']}: {problem}"
        for doc in custom
        for problem in crds.problems(doc)
    ]
    assert not errors, "\n".join(errors)
    values = chart_values(scenario)
    kinds = Counter(doc["kind"] for doc in custom)
    if values["kafka"]["mode"] == "strimzi":
        assert kinds["Kafka"] == 1
        assert kinds["KafkaNodePool"] == 1
        assert kinds["KafkaTopic"] == len(values["kafka"]["topics"])
    if values["postgres"]["mode"] == "cnpg":
        assert kinds["Cluster"] == 1
        assert kinds["Database"] == 1


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("spec", "kafka", "listners"), [], "unknown field"),
        (("spec", "kafka", "listeners", 0, "type"), "ingress-ish", "is not one of"),
        (("spec", "entityOperator", "topicOperator", "watchedNamespace"), 3, "is not of type"),
    ],
)
def test_crd_validation_can_fail(path: tuple[str | int, ...], value: object, expected: str) -> None:
    kafka = copy.deepcopy(by_kind(rendered("with-strimzi-values"), "Kafka")["invigilator-kafka"])
    target: Any = kafka
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    assert any(expected in problem for problem in crds.problems(kafka)), crds.problems(kafka)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_every_pod_is_hardened(scenario: str) -> None:
    pods = pod_specs(rendered(scenario))
    assert len(pods) >= len(enabled_services(scenario))
    problems = [
        f"{name}: {problem}"
        for name, pod in pods
        for problem in pod_violations(pod, long_running=name.startswith("Deployment/"))
    ]
    assert not problems, "\n".join(problems)


def _mutations() -> list[tuple[str, Any]]:
    def no_probe(pod: dict[str, Any]) -> None:
        del pod["containers"][0]["readinessProbe"]

    def root(pod: dict[str, Any]) -> None:
        pod["containers"][0]["securityContext"]["runAsNonRoot"] = False

    def writable(pod: dict[str, Any]) -> None:
        pod["containers"][1]["securityContext"]["readOnlyRootFilesystem"] = False

    def no_limits(pod: dict[str, Any]) -> None:
        del pod["containers"][1]["resources"]["limits"]

    def keeps_caps(pod: dict[str, Any]) -> None:
        pod["containers"][0]["securityContext"]["capabilities"] = {"drop": ["NET_RAW"]}

    def uid_zero(pod: dict[str, Any]) -> None:
        pod["containers"][0]["securityContext"]["runAsUser"] = 0

    return [
        ("no readinessProbe", no_probe),
        ("runAsNonRoot is not true", root),
        ("readOnlyRootFilesystem is not true", writable),
        ("no cpu limit", no_limits),
        ("capabilities do not drop ALL", keeps_caps),
        ("runAsUser is 0", uid_zero),
    ]


@pytest.mark.parametrize(("expected", "mutate"), _mutations(), ids=[m[0] for m in _mutations()])
def test_hardening_check_can_fail(expected: str, mutate: Any) -> None:
    deployment = by_kind(rendered("minimal-values"), "Deployment")["invigilator-policy-engine"]
    pod = copy.deepcopy(deployment["spec"]["template"]["spec"])
    assert pod_violations(pod, long_running=True) == []
    mutate(pod)
    assert any(expected in problem for problem in pod_violations(pod, long_running=True))


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_opa_sidecars_serve_the_chart_bundle(scenario: str) -> None:
    manifests = rendered(scenario)
    bundle = (CHART / "files" / "policies-bundle.tar.gz").read_bytes()
    config_maps = by_kind(manifests, "ConfigMap")
    assert config_maps["invigilator-opa-bundle"]["binaryData"]["bundle.tar.gz"]
    services = chart_values(scenario)["services"]
    sidecars = [name for name in enabled_services(scenario) if services[name]["opaSidecar"]]
    assert "policy-engine" in sidecars
    for name in sidecars:
        deployment = by_kind(manifests, "Deployment")[f"invigilator-{name}"]
        pod = deployment["spec"]["template"]
        containers = {c["name"]: c for c in pod["spec"]["containers"]}
        opa = containers["opa"]
        assert "--addr=127.0.0.1:8181" in opa["args"]
        assert opa["args"][-1] == "/policies/bundle.tar.gz"
        env = {e["name"]: e.get("value") for e in containers[name]["env"]}
        assert env["OPA_URL"] == "http://127.0.0.1:8181"
        assert pod["metadata"]["annotations"]["checksum/policies"] == hashlib.sha256(bundle).hexdigest()


def test_settings_change_rolls_the_pods() -> None:
    values = scenarios()["minimal-values"]
    before = by_kind(tuple(template(values)), "Deployment")
    after = by_kind(tuple(template(values, extra=("--set", "logLevel=DEBUG"))), "Deployment")
    trust = by_kind(
        tuple(template(values, extra=("--set", "services.alerter.configFiles.trust\\.yaml=changed: 1"))),
        "Deployment",
    )

    def checksum(deployments: dict[str, Manifest], name: str, which: str) -> str:
        return str(deployments[f"invigilator-{name}"]["spec"]["template"]["metadata"]["annotations"][which])

    assert checksum(before, "ingest-proxy", "checksum/settings") != checksum(
        after, "ingest-proxy", "checksum/settings"
    )
    assert checksum(before, "alerter", "checksum/config") != checksum(trust, "alerter", "checksum/config")
    assert checksum(before, "case-service", "checksum/config") == checksum(
        trust, "case-service", "checksum/config"
    )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_secrets_only_by_reference(scenario: str) -> None:
    manifests = rendered(scenario)
    assert not [doc for doc in manifests if doc["kind"] == "Secret"]
    for _, pod in pod_specs(manifests):
        for container in pod["containers"]:
            for env in container.get("env", []):
                if any(word in env["name"] for word in ("PASSWORD", "API_KEYS", "PSEUDONYM_KEY")):
                    assert "secretKeyRef" in env.get("valueFrom", {}), env["name"]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_kafka_users_hold_exactly_their_acls(scenario: str) -> None:
    values = chart_values(scenario)
    users = by_kind(rendered(scenario), "KafkaUser")
    authenticated = (
        values["kafka"]["mode"] == "strimzi" and values["kafka"]["strimzi"]["authentication"] != "none"
    )
    if not authenticated:
        assert users == {}
        return
    kafka_users = [
        name for name in enabled_services(scenario) if any(values["services"][name]["kafka"].values())
    ]
    assert "web" not in kafka_users
    assert set(users) == {f"invigilator-{name}" for name in kafka_users}
    for name in kafka_users:
        wanted = values["services"][name]["kafka"]
        acls = users[f"invigilator-{name}"]["spec"]["authorization"]["acls"]
        got = {
            (
                acl["resource"]["type"],
                acl["resource"]["name"],
                acl["resource"]["patternType"],
                tuple(acl["operations"]),
            )
            for acl in acls
        }
        expected = (
            {("topic", t, "literal", ("Write", "Describe")) for t in wanted["produces"]}
            | {("topic", t, "literal", ("Read", "Describe")) for t in wanted["consumes"]}
            | {("group", g, "literal", ("Read",)) for g in wanted["groups"]}
            | {
                ("topic", p, "prefix", ("Create", "Read", "Write", "Describe", "DescribeConfigs"))
                for p in wanted["topicPrefixes"]
            }
        )
        assert got == expected, name
        assert len(acls) == len(expected), name
        assert all(
            acl["resource"]["name"] not in {"*", ""} and "All" not in acl["operations"] for acl in acls
        )
        for topic in wanted["produces"] + wanted["consumes"]:
            assert topic in values["kafka"]["topics"], f"{name} uses {topic}, which no KafkaTopic declares"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_services_reach_kafka_and_postgres_as_configured(scenario: str) -> None:
    values = chart_values(scenario)
    for name, pod in [
        (n.removeprefix("Deployment/invigilator-"), p) for n, p in pod_specs(rendered(scenario))
    ]:
        if name not in values["services"]:
            continue
        env = {e["name"]: e for e in pod["containers"][0]["env"]}
        if not any(values["services"][name]["kafka"].values()):
            assert not [variable for variable in env if variable.startswith("KAFKA_")], name
            continue
        bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]["value"]
        if values["kafka"]["mode"] == "strimzi":
            assert bootstrap.startswith(f"{values['kafka']['strimzi']['clusterName']}-kafka-bootstrap:")
        else:
            assert bootstrap == values["kafka"]["external"]["bootstrapServers"]
        if values["services"][name]["database"]:
            if values["postgres"]["mode"] == "cnpg":
                secret = env["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["name"]
                assert secret == f"{values['postgres']['cnpg']['clusterName']}-app"
                assert env["DATABASE_URL"]["value"].startswith(
                    "postgresql+psycopg://$(PGUSER):$(PGPASSWORD)@"
                )
            else:
                ref = env["DATABASE_URL"]["valueFrom"]["secretKeyRef"]
                assert ref == {
                    "name": values["postgres"]["external"]["existingSecret"],
                    "key": values["postgres"]["external"]["urlKey"],
                }
        else:
            assert "DATABASE_URL" not in env


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_helm_tests_check_graphql_and_every_opa(scenario: str) -> None:
    pods = by_kind(rendered(scenario), "Pod")
    assert all(pod["metadata"]["annotations"]["helm.sh/hook"] == "test" for pod in pods.values())
    services = chart_values(scenario)["services"]
    expected = {"invigilator-test-graphql"} | {
        f"invigilator-test-opa-{name}" for name in enabled_services(scenario) if services[name]["opaSidecar"]
    }
    assert set(pods) == expected
    script = pods["invigilator-test-graphql"]["spec"]["containers"][0]["args"][0]
    assert "http://invigilator-case-service:18300" in script
    assert "/graphql" in script
    compile(script, "graphql-test", "exec")


def test_production_like_autoscales_and_replicates() -> None:
    manifests = rendered("production-like-values")
    assert {"invigilator-policy-engine", "invigilator-ingest-proxy"} <= set(
        by_kind(manifests, "HorizontalPodAutoscaler")
    )
    assert "replicas" not in by_kind(manifests, "Deployment")["invigilator-policy-engine"]["spec"]
    assert by_kind(manifests, "KafkaNodePool")["invigilator-kafka-dual"]["spec"]["replicas"] == 3
    assert all(topic["spec"]["replicas"] == 3 for topic in by_kind(manifests, "KafkaTopic").values())
    assert by_kind(manifests, "Cluster")["invigilator-pg"]["spec"]["instances"] == 3
    assert chart_values("production-like-values")["environment"] == "production"


def test_external_infrastructure_renders_no_operator_resources() -> None:
    manifests = rendered("external-infra-values")
    assert not [doc for doc in manifests if crds.is_custom(doc)]
    env = {
        e["name"]: e
        for e in by_kind(manifests, "Deployment")["invigilator-alerter"]["spec"]["template"]["spec"][
            "containers"
        ][0]["env"]
    }
    assert env["KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "kafka-user-alerter",
        "key": "password",
    }


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (("--set", "services.ingest-proxy.replica=2"), "replica"),
        (("--set", "environment=staging"), "environment"),
        (("--set", "kafka.mode=external"), "kafka.external.bootstrapServers is required"),
        (("--set", "services.alerter.configFiles.trust\\.yaml=null"), "configFiles.trust.yaml"),
    ],
)
def test_bad_values_are_refused(override: tuple[str, str], message: str) -> None:
    with pytest.raises(AssertionError, match=message):
        template(scenarios()["minimal-values"], extra=override)


# Who calls whom inside the cluster (HTTP): each callee's NetworkPolicy must admit its callers.
CALLS = {"web": ["case-service"]}


def admits(policy: Manifest, labels: dict[str, str], port: str) -> bool:
    for rule in policy["spec"]["ingress"]:
        if port not in [p["port"] for p in rule.get("ports", [])]:
            continue
        peers = rule.get("from")
        if peers is None:
            return True
        for peer in peers:
            selector = peer.get("podSelector", {}).get("matchLabels")
            if (
                selector is not None
                and "namespaceSelector" not in peer
                and selector.items() <= labels.items()
            ):
                return True
    return False


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_network_policies_admit_the_callers(scenario: str) -> None:
    manifests = rendered(scenario)
    policies = by_kind(manifests, "NetworkPolicy")
    deployments = by_kind(manifests, "Deployment")
    for caller, callees in CALLS.items():
        labels = deployments[f"invigilator-{caller}"]["spec"]["template"]["metadata"]["labels"]
        for callee in callees:
            assert admits(policies[f"invigilator-{callee}"], labels, "http"), f"{caller} → {callee}"


def test_network_policy_check_can_fail() -> None:
    policy = copy.deepcopy(
        by_kind(rendered("production-like-values"), "NetworkPolicy")["invigilator-case-service"]
    )
    web = {"app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "invigilator"}
    assert admits(policy, web, "http")
    policy["spec"]["ingress"][0]["from"] = policy["spec"]["ingress"][0]["from"][:1]
    assert not admits(policy, web, "http")
