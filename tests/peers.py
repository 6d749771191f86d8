"""Real protocol peers (Squid, slapd) for integration tests, run by `scripts/peers/<name>.sh`.

`running_peer("squid")` starts the peer — installing its Debian package first when it is missing,
so a fresh machine works — and afterwards stops it only if test sessions started it. Several
pytest sessions may share one peer (the clone and its stack are shared): each holds a lease file
while it uses the peer, and the last one out stops a peer that a test session started; a peer that
already ran before any test needed it is left running.
"""

import fcntl
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.stack import ROOT

PEERS = ROOT / "scripts" / "peers"
STATE = ROOT / ".local" / "peers"
# A first start may run apt-get update and install the package (10-60 s on a good mirror).
START_TIMEOUT_S = 900.0


def peer_script(name: str, action: str, timeout_s: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PEERS / f"{name}.sh"), action],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )


@contextmanager
def _locked(name: str, timeout_s: float = START_TIMEOUT_S + 60) -> Iterator[None]:
    STATE.mkdir(parents=True, exist_ok=True)
    with (STATE / f"{name}.lock").open("w") as lock:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"another test session held {lock.name} for {timeout_s:.0f}s")
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _other_leases(name: str) -> list[Path]:
    """Leases of other live sessions; those of dead ones are removed."""
    leases = []
    for lease in STATE.glob(f"{name}.lease.*"):
        pid = lease.name.rsplit(".", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            leases.append(lease)
        elif pid != str(os.getpid()):
            lease.unlink(missing_ok=True)
    return leases


@contextmanager
def running_peer(name: str) -> Iterator[None]:
    """The peer runs inside the block (started, and installed, if needed)."""
    lease = STATE / f"{name}.lease.{os.getpid()}"
    started_by_tests = STATE / f"{name}.started-by-tests"
    with _locked(name):
        if peer_script(name, "status", 30).returncode != 0:
            started_by_tests.touch()
        started = peer_script(name, "start", START_TIMEOUT_S)
        if started.returncode != 0:
            pytest.fail(
                f"scripts/peers/{name}.sh start failed ({started.returncode}):\n{started.stderr[-4000:]}"
            )
        lease.touch()
    try:
        yield
    finally:
        with _locked(name):
            lease.unlink(missing_ok=True)
            if started_by_tests.exists() and not _other_leases(name):
                peer_script(name, "stop", 60)
                started_by_tests.unlink(missing_ok=True)
