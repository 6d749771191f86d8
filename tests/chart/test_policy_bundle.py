"""The chart's copy of policies-rego/ (an OPA bundle in charts/invigilator/files/) is fresh and loads."""

import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

from tests.chart import policy_bundle

# A ConfigMap holds at most 1 MiB; base64 makes the bundle 4/3 larger.
CONFIGMAP_LIMIT = 1024 * 1024
CACHE = Path.home() / ".cache" / "invigilator" / "tools"


def test_committed_bundle_is_fresh() -> None:
    assert policy_bundle.BUNDLE.is_file(), "run 'make chart-policies'"
    assert policy_bundle.BUNDLE.read_bytes() == policy_bundle.build(), (
        "charts/invigilator/files/policies-bundle.tar.gz is stale: run 'make chart-policies' and commit it"
    )


def test_bundle_is_reproducible_and_complete() -> None:
    bundle = policy_bundle.build()
    assert bundle == policy_bundle.build()
    with tarfile.open(fileobj=io.BytesIO(bundle)) as archive:
        names = archive.getnames()
        manifest = archive.extractfile("/.manifest")
        assert manifest is not None
        assert json.load(manifest) == {"revision": policy_bundle.revision()}
    expected = [
        "/" + p.relative_to(policy_bundle.POLICY_DIR).as_posix() for p in policy_bundle.policy_files()
    ]
    assert names == ["/.manifest", *expected]
    assert "/decide.rego" in names
    assert not [n for n in names if n.endswith("_test.rego")]
    assert len(bundle) * 4 / 3 < 0.9 * CONFIGMAP_LIMIT


def test_staleness_check_can_fail(tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    (policies / "lib").mkdir(parents=True)
    (policies / "lib" / "a.rego").write_text("package a\n")
    before = policy_bundle.build(policies)
    (policies / "lib" / "a.rego").write_text("package a\n\nx := 1\n")
    assert policy_bundle.build(policies) != before
    assert policy_bundle.revision(policies) != policy_bundle.revision(tmp_path)


def test_revision_is_the_one_opa_sh_computes() -> None:
    script = (
        "cd policies-rego && find . -type f \\( -name '*.rego' -o -name '*.json' \\) ! -name '*_test.rego' "
        "-print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum | sha256sum | cut -c1-12"
    )
    result = subprocess.run(
        ["bash", "-c", script], cwd=policy_bundle.ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == policy_bundle.revision()


def test_pinned_opa_loads_the_bundle() -> None:
    """The pinned OPA compiles the whole bundle and sees the schools' data where the policies read it."""
    candidates = [Path(os.environ.get("OPA_BIN", "")), CACHE / "opa-v1.10.1" / "opa"]
    opa = next((c for c in candidates if c.is_file()), None)
    assert opa is not None, "the pinned opa is missing: scripts/test.sh installs it"
    result = subprocess.run(
        [str(opa), "eval", "--fail", "--bundle", str(policy_bundle.BUNDLE), "count(data.data.schools) > 0"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
