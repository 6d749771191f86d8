"""The policy-engine's consumer group and its worker processes in integration tests: who holds
which partitions, extra workers started, killed and stopped, the stack's own engine restored."""

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from confluent_kafka.admin import AdminClient

from tests.integration.engine_helpers import BOOTSTRAP, ENGINE_GROUP, EVENTS_TOPIC, STACK, end_offsets
from tests.stack import ROOT


def group_assignment(topic: str = EVENTS_TOPIC) -> tuple[str, dict[str, set[int]]]:
    """The engine group's state and, per member id, the partitions of `topic` it was given."""
    admin = AdminClient({"bootstrap.servers": BOOTSTRAP})
    group = admin.describe_consumer_groups([ENGINE_GROUP], request_timeout=10)[ENGINE_GROUP].result()
    members = {
        member.member_id: {tp.partition for tp in member.assignment.topic_partitions if tp.topic == topic}
        for member in group.members
    }
    return str(group.state.name), members


def wait_for_spread_group(
    members: int, timeout_s: float, topic: str = EVENTS_TOPIC, every_s: float = 0.5
) -> dict[str, set[int]]:
    """Waits until the group is stable with `members` members, each given some partitions of
    `topic` and all of them given to someone."""
    every = set(end_offsets(topic))
    deadline = time.monotonic() + timeout_s
    state, assigned = "", dict[str, set[int]]()
    while time.monotonic() < deadline:
        state, assigned = group_assignment(topic)
        spread = all(assigned.values()) and set().union(*assigned.values()) == every
        if state == "STABLE" and len(assigned) == members and spread:
            return assigned
        time.sleep(every_s)
    pytest.fail(
        f"the engine group is not {members} members sharing {topic} within {timeout_s}s: {state} {assigned}"
    )


# --- policy-engine workers (scripts/stack/env.sh start_bg/stop_bg: pid file, log in .local/) -----


def _stack_shell(command: str, cwd: Path = ROOT, timeout_s: float = 60.0) -> None:
    script = f'. "{STACK}/env.sh" && {command}'
    result = subprocess.run(
        ["bash", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=timeout_s, check=False
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"


def pid_of(name: str) -> int:
    return int((ROOT / ".local" / "pids" / f"{name}.pid").read_text().strip())


def worker_log(name: str) -> Path:
    return ROOT / ".local" / "logs" / f"{name}.log"


@dataclass(frozen=True)
class Worker:
    """One more policy-engine process in the engine's consumer group."""

    name: str
    pid: int
    log_from: int  # where this run starts in the (appended) log

    def log(self) -> str:
        with worker_log(self.name).open("rb") as log:
            log.seek(self.log_from)
            return log.read().decode(errors="replace")

    def ready_generation(self) -> int | None:
        """The group generation it finished joining and recovering for; None while it recovers."""
        text = self.log()
        joined = text.rfind("Joined group")
        found = re.search(r"\(generation (\d+)\)", text[joined:]) if joined >= 0 else None
        return int(found.group(1)) if found and "Worker ready" in text[joined:] else None

    def member_id(self) -> str:
        """The consumer group member id it logged when it (last) joined."""
        joined = [line for line in self.log().splitlines() if "Joined group" in line and "member_id" in line]
        assert joined, f"{self.name} never joined the group"
        return joined[-1].rsplit("member_id", 1)[1].strip()


def wait_until_ready(workers: Iterable[Worker], timeout_s: float) -> int:
    """Waits until every worker finished recovering for the same (latest) group generation: faust
    resumes a worker's stream partitions before it seeks them to the committed offsets, so records
    arriving before this can be skipped (see test_records_arriving_while_a_worker_joins)."""
    listed = list(workers)
    deadline = time.monotonic() + timeout_s
    generations: list[int | None] = []
    while time.monotonic() < deadline:
        generations = [worker.ready_generation() for worker in listed]
        if None not in generations and len(set(generations)) == 1:
            return int(generations[0] or 0)
        time.sleep(0.5)
    pytest.fail(f"the workers did not finish joining within {timeout_s}s: generations {generations}")


def running_worker(name: str = "policy-engine") -> Worker:
    """A worker that already runs (by default the stack's own), its log read from now on."""
    log = worker_log(name)
    return Worker(name, pid_of(name), log.stat().st_size if log.exists() else 0)


def start_worker(name: str, web_port: int, session_timeout_s: float, timeout_s: float = 60.0) -> Worker:
    """Starts `.venv/bin/policy-engine` as services.sh does (same app id, so same group), with its
    own web port and working folder (faust's data folder) and a short group session timeout, so
    a killed worker's partitions move on within seconds instead of faust's default 60."""
    folder = ROOT / ".local" / name
    folder.mkdir(parents=True, exist_ok=True)
    log = worker_log(name)
    log_from = log.stat().st_size if log.exists() else 0
    env = (
        f'export TRACING_EXPORTER="${{TRACING_EXPORTER:-console}}" POLICY_ENGINE_WEB_PORT={web_port}'
        f" BROKER_SESSION_TIMEOUT={session_timeout_s}"
    )
    _stack_shell(f'{env} && start_bg {name} "$ROOT/.venv/bin/policy-engine"', cwd=folder)
    worker = Worker(name, pid_of(name), log_from)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert alive(worker.pid), f"{name} exited:\n{worker.log()[-3000:]}"
        try:
            if httpx.get(f"http://127.0.0.1:{web_port}/healthz", timeout=2).status_code == 200:
                return worker
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{name} not healthy within {timeout_s}s:\n{worker.log()[-3000:]}")


def kill_worker(worker: Worker) -> None:
    """SIGKILL: no leave-group, no commit, no flush — a crash. start_bg made it a group leader."""
    os.killpg(worker.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while alive(worker.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive(worker.pid), f"{worker.name} survived SIGKILL"


def stop_worker(name: str) -> None:
    """Stops what the pid file names (TERM, then KILL); a crashed worker's stale pid file is removed."""
    _stack_shell(f"stop_bg {name}")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def restart_policy_engine(ready_timeout_s: float = 180.0) -> None:
    """Stops and starts the stack's engine, and waits until it has joined and recovered its tables
    (healthy comes earlier: on a fresh clone the recovery of a run's state took over a minute)."""
    log = worker_log("policy-engine")
    log_from = log.stat().st_size if log.exists() else 0
    _stack_shell("stop_bg policy-engine")
    ensure_stack_engine()
    wait_until_ready([Worker("policy-engine", pid_of("policy-engine"), log_from)], ready_timeout_s)


def ensure_stack_engine() -> None:
    """The stack's own policy-engine (and every other service) runs: services.sh start is idempotent."""
    subprocess.run(
        [str(STACK / "services.sh"), "start"], cwd=ROOT, check=True, capture_output=True, timeout=300
    )


def opa(action: str) -> None:
    subprocess.run([str(STACK / "opa.sh"), action], cwd=ROOT, check=True, capture_output=True, timeout=120)
