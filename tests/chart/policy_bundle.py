"""The OPA bundle the chart ships: `policies-rego/` packed into `charts/invigilator/files/`.

A Helm chart cannot read files outside itself, so the policies are packed into the chart as an OPA
bundle (a gzipped tarball with a `.manifest`) that the chart puts in a ConfigMap for each OPA
sidecar. The tarball is byte-for-byte reproducible (sorted entries, zero times and owners), so a
test can rebuild it and fail when the committed copy is stale.

The files are those `scripts/stack/opa.sh` bundles for the local OPA (`*.rego` and `*.json`, tests
excluded) and the revision is computed the same way, so a breach's bundle revision names the same
policies locally and on a cluster.

    python -m tests.chart.policy_bundle --write   # scripts/chart-policies.sh, make chart-policies
    python -m tests.chart.policy_bundle --check   # exit 1 when the committed bundle is stale
"""

import argparse
import gzip
import hashlib
import io
import json
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
POLICY_DIR = ROOT / "policies-rego"
BUNDLE = ROOT / "charts" / "invigilator" / "files" / "policies-bundle.tar.gz"


def policy_files(policy_dir: Path = POLICY_DIR) -> list[Path]:
    """The bundle's files, sorted by their path relative to the folder (as `LC_ALL=C sort`)."""
    files = [
        path
        for path in policy_dir.rglob("*")
        if path.is_file() and path.suffix in {".rego", ".json"} and not path.name.endswith("_test.rego")
    ]
    return sorted(files, key=lambda path: path.relative_to(policy_dir).as_posix().encode())


def revision(policy_dir: Path = POLICY_DIR) -> str:
    """`opa.sh`'s revision: sha256 over `sha256sum` lines of `./<path>`, first 12 hex characters."""
    lines = "".join(
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  ./{path.relative_to(policy_dir).as_posix()}\n"
        for path in policy_files(policy_dir)
    )
    return hashlib.sha256(lines.encode()).hexdigest()[:12]


def _add(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = 0
    info.mode = 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    archive.addfile(info, io.BytesIO(content))


def build(policy_dir: Path = POLICY_DIR) -> bytes:
    """The bundle's bytes: `.manifest` (the revision) first, then every policy file."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        manifest = json.dumps({"revision": revision(policy_dir)}, sort_keys=True).encode()
        _add(archive, "/.manifest", manifest)
        for path in policy_files(policy_dir):
            _add(archive, "/" + path.relative_to(policy_dir).as_posix(), path.read_bytes())
    packed = io.BytesIO()
    with gzip.GzipFile(fileobj=packed, mode="wb", mtime=0, compresslevel=9) as stream:
        stream.write(raw.getvalue())
    return packed.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="write the bundle into the chart")
    mode.add_argument("--check", action="store_true", help="exit 1 when the chart's bundle is stale")
    args = parser.parse_args(argv)
    bundle = build()
    if args.write:
        BUNDLE.parent.mkdir(parents=True, exist_ok=True)
        BUNDLE.write_bytes(bundle)
        print(f"{BUNDLE.relative_to(ROOT)}: revision {revision()}, {len(bundle):,} bytes")
        return 0
    if not BUNDLE.is_file() or BUNDLE.read_bytes() != bundle:
        print(
            f"{BUNDLE.relative_to(ROOT)} is stale: run 'make chart-policies' and commit it", file=sys.stderr
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
