"""Cross-service tests run against the real local stack, which they start (or reuse) themselves."""

import os
import subprocess

import pytest

from tests.stack import ROOT, Stack


@pytest.fixture(scope="session")
def stack() -> Stack:
    """Starts Kafka, OPA, PostgreSQL, the mail sink and the services; idempotent when they run."""
    for script in ("up.sh", "services.sh"):
        args = [str(ROOT / "scripts" / "stack" / script)] + (["start"] if script == "services.sh" else [])
        result = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
        if result.returncode != 0:
            pytest.fail(f"{script} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return Stack(
        ingest_proxy_url=f"http://127.0.0.1:{os.environ.get('INGEST_PROXY_PORT', '18100')}",
        case_service_url=f"http://127.0.0.1:{os.environ.get('CASE_SERVICE_PORT', '18300')}",
        opa_url=f"http://127.0.0.1:{os.environ.get('OPA_PORT', '18181')}",
        maildir=ROOT / ".local" / "mail",
        logs=ROOT / ".local" / "logs",
    )
