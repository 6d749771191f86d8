"""What every pod the chart renders must have: the checks behind test_hardening.py, as plain functions.

A long-running container (a Deployment's) needs liveness and readiness probes; every container,
`helm test` pods included, runs as a non-root numeric user with a read-only root filesystem, no
privilege escalation, every capability dropped, the RuntimeDefault seccomp profile and CPU and
memory limits.
"""

from typing import Any

Spec = dict[str, Any]


def _effective(pod: Spec, container: Spec, key: str) -> Any:
    """A security setting as Kubernetes applies it: the container's, else the pod's."""
    value = (container.get("securityContext") or {}).get(key)
    return value if value is not None else (pod.get("securityContext") or {}).get(key)


def container_violations(pod: Spec, container: Spec, *, needs_probes: bool) -> list[str]:
    found = []
    context = container.get("securityContext") or {}
    if needs_probes:
        for probe in ("livenessProbe", "readinessProbe"):
            if not container.get(probe):
                found.append(f"no {probe}")
    if _effective(pod, container, "runAsNonRoot") is not True:
        found.append("runAsNonRoot is not true")
    user = _effective(pod, container, "runAsUser")
    if not isinstance(user, int) or user == 0:
        found.append(f"runAsUser is {user!r}, not a non-zero number")
    if context.get("readOnlyRootFilesystem") is not True:
        found.append("readOnlyRootFilesystem is not true")
    if context.get("allowPrivilegeEscalation") is not False:
        found.append("allowPrivilegeEscalation is not false")
    if context.get("privileged"):
        found.append("privileged")
    drop = (context.get("capabilities") or {}).get("drop") or []
    if "ALL" not in drop:
        found.append("capabilities do not drop ALL")
    if (context.get("capabilities") or {}).get("add"):
        found.append("capabilities are added")
    seccomp = (_effective(pod, container, "seccompProfile") or {}).get("type")
    if seccomp != "RuntimeDefault":
        found.append(f"seccompProfile is {seccomp!r}, not RuntimeDefault")
    limits = (container.get("resources") or {}).get("limits") or {}
    requests = (container.get("resources") or {}).get("requests") or {}
    for resource in ("cpu", "memory"):
        if resource not in limits:
            found.append(f"no {resource} limit")
        if resource not in requests:
            found.append(f"no {resource} request")
    return found


def pod_violations(pod: Spec, *, long_running: bool) -> list[str]:
    """Everything wrong with one pod spec, as `<container>: <what>` lines."""
    found = []
    if pod.get("hostNetwork") or pod.get("hostPID") or pod.get("hostIPC"):
        found.append("pod: shares a host namespace")
    if pod.get("automountServiceAccountToken") is not False:
        found.append("pod: automountServiceAccountToken is not false")
    containers = (pod.get("initContainers") or []) + (pod.get("containers") or [])
    if not containers:
        found.append("pod: no containers")
    for container in containers:
        is_init = container in (pod.get("initContainers") or [])
        for problem in container_violations(pod, container, needs_probes=long_running and not is_init):
            found.append(f"{container.get('name', '?')}: {problem}")
    return found
