"""The chart's `helm test` scripts, run against the real local stack (no cluster needed).

The rendered test pods carry short Python scripts; here each one runs in the project's interpreter
with the in-cluster Service address swapped for the local stack's: the GraphQL check against the
running case-service, the OPA check against the running OPA (which serves /health?bundles on its API
port locally and on the diagnostic port in a pod).
"""

import subprocess
import sys

import pytest

from tests.chart.helm import rendered
from tests.stack import Stack

pytestmark = pytest.mark.integration


def scripts() -> dict[str, str]:
    return {
        doc["metadata"]["name"]: doc["spec"]["containers"][0]["args"][0]
        for doc in rendered("minimal-values")
        if doc["kind"] == "Pod"
    }


def run(script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )


def test_graphql_check_passes_against_the_running_case_service(stack: Stack) -> None:
    script = scripts()["invigilator-test-graphql"].replace(
        "http://invigilator-case-service:18300", stack.case_service_url
    )
    result = run(script)
    assert result.returncode == 0, result.stderr
    assert "refuses a request without a token" in result.stdout


@pytest.mark.parametrize("service", ["policy-engine", "case-service"])
def test_opa_check_passes_against_the_running_opa(stack: Stack, service: str) -> None:
    script = scripts()[f"invigilator-test-opa-{service}"].replace(
        f"http://invigilator-{service}:8282", stack.opa_url
    )
    result = run(script)
    assert result.returncode == 0, result.stderr
    assert "OPA healthy with its bundle" in result.stdout


def test_checks_fail_when_nothing_answers() -> None:
    script = scripts()["invigilator-test-graphql"].replace(
        "http://invigilator-case-service:18300", "http://127.0.0.1:9"
    )
    assert run(script).returncode != 0
