"""The real OPA binary, serving the project's Rego on a private loopback port for one command.

The policy folder is copied to a temporary directory first so that the technician's
`--mail-domain` additions reach the school's data (the clauses read `mail_domains` from it)
without touching the checked-out policies.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from invigilator_cli.settings import CliSettings

OPA_VERSION = "v1.10.1"
ROOT = Path(__file__).resolve().parents[4]
DEFAULT_POLICIES = ROOT / "policies-rego"


class OpaNotFoundError(RuntimeError):
    pass


def find_opa(settings: CliSettings, explicit: str | None = None) -> str:
    """--opa, then $OPA_BIN, then `opa` on the PATH, then the one the project's scripts install."""
    candidates = [
        explicit,
        settings.opa_bin,
        shutil.which("opa"),
        str(settings.tools_cache / f"opa-{OPA_VERSION}" / "opa"),
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise OpaNotFoundError(
        "no OPA binary: pass --opa PATH, set OPA_BIN, put `opa` on the PATH, or run `make run` "
        f"(it installs OPA {OPA_VERSION} under {settings.tools_cache})"
    )


def policies_with_domains(source: Path, target: Path, school_id: str, domains: Sequence[str]) -> None:
    """Copy the policy folder, adding `domains` to the school's mail_domains."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*_test.rego", ".*"))
    data_file = target / "data" / "schools" / school_id / "data.json"
    if not domains or not data_file.is_file():
        return
    data = json.loads(data_file.read_text())
    known = [str(domain).lower() for domain in data.get("mail_domains", [])]
    data["mail_domains"] = known + [d.lower() for d in domains if d.lower() not in known]
    data_file.write_text(json.dumps(data, indent=1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_opa(
    opa_bin: str, policies: Path, school_id: str, domains: Sequence[str], timeout_s: float = 30.0
) -> Iterator[str]:
    """Yields the base URL of an OPA server on loopback; stops it afterwards."""
    with tempfile.TemporaryDirectory(prefix="invigilator-check-") as tmp:
        bundle = Path(tmp) / "policies"
        policies_with_domains(policies, bundle, school_id, domains)
        url = f"http://127.0.0.1:{_free_port()}"
        command = [
            opa_bin,
            "run",
            "--server",
            "--addr",
            url.removeprefix("http://"),
            "--log-level",
            "error",
            "--disable-telemetry",
            "--bundle",
            str(bundle),
        ]
        log = Path(tmp) / "opa.log"
        with log.open("wb") as out:
            server = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603 (our args)
        try:
            _wait_healthy(server, url, log, timeout_s)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(10)


def _wait_healthy(server: subprocess.Popen[bytes], url: str, log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"OPA exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/health?bundles=true", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"OPA did not answer on {url} within {timeout_s:.0f}s: {log.read_text()[-2000:]}")
