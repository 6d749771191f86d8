"""The chart's renders, committed under charts/rendered/ (house rule 8), so a review sees manifests.

One file per scenario: exactly what the pinned helm's `helm template` prints, except the OPA
bundle's base64 in the ConfigMap, which is replaced by its sha256 (the bytes are
charts/invigilator/files/policies-bundle.tar.gz and are checked on their own).

    python -m tests.chart.renders --write   # scripts/chart-render.sh, make chart-render
    python -m tests.chart.renders --check   # exit 1 when a committed render is stale
"""

import argparse
import base64
import hashlib
import re
import sys
from pathlib import Path

from tests.chart.helm import CHART, KUBERNETES_VERSION, NAMESPACE, RELEASE, ROOT, run_helm, scenarios

RENDERED = ROOT / "charts" / "rendered"
_BUNDLE_LINE = re.compile(r"^(\s+bundle\.tar\.gz: )([A-Za-z0-9+/=]{64,})$", re.MULTILINE)


def _digest(match: re.Match[str]) -> str:
    digest = hashlib.sha256(base64.b64decode(match.group(2))).hexdigest()
    return f"{match.group(1)}sha256:{digest}"


def render(values: Path) -> str:
    result = run_helm(
        "template", RELEASE, str(CHART), "--namespace", NAMESPACE,
        "--kube-version", KUBERNETES_VERSION, "--values", str(values),
    )  # fmt: skip
    if result.returncode != 0:
        raise AssertionError(f"helm template {values} failed:\n{result.stderr}")
    return _BUNDLE_LINE.sub(_digest, result.stdout)


def expected() -> dict[Path, str]:
    return {RENDERED / f"{name}.yaml": render(path) for name, path in scenarios().items()}


def stale() -> list[str]:
    """Committed renders that differ from helm's, and files that belong to no scenario."""
    wanted = expected()
    found = [
        str(path.relative_to(ROOT))
        for path, text in wanted.items()
        if not path.is_file() or path.read_text() != text
    ]
    found += [str(path.relative_to(ROOT)) for path in RENDERED.glob("*.yaml") if path not in wanted]
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="render every scenario into charts/rendered/")
    mode.add_argument("--check", action="store_true", help="exit 1 when a committed render is stale")
    args = parser.parse_args(argv)
    if args.write:
        RENDERED.mkdir(parents=True, exist_ok=True)
        wanted = expected()
        for path in RENDERED.glob("*.yaml"):
            if path not in wanted:
                path.unlink()
        for path, text in wanted.items():
            path.write_text(text)
        print(f"{RENDERED.relative_to(ROOT)}: {len(wanted)} renders")
        return 0
    found = stale()
    if found:
        print(f"stale chart renders (run 'make chart-render' and commit them): {found}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
