"""charts/rendered/ holds what helm renders for each scenario (house rule 8): fresh, and complete."""

import base64
import hashlib

from tests.chart import renders
from tests.chart.helm import CHART, scenarios


def test_committed_render_is_fresh() -> None:
    committed = renders.RENDERED / "minimal-values.yaml"
    assert committed.read_text() == renders.render(scenarios()["minimal-values"]), (
        "charts/rendered is stale: run 'make chart-render' and commit it"
    )
    assert sorted(path.stem for path in renders.RENDERED.glob("*.yaml")) == sorted(scenarios())


def test_bundle_bytes_become_their_digest() -> None:
    bundle = (CHART / "files" / "policies-bundle.tar.gz").read_bytes()
    text = f"binaryData:\n  bundle.tar.gz: {base64.b64encode(bundle).decode()}\nkind: ConfigMap\n"
    replaced = renders._BUNDLE_LINE.sub(renders._digest, text)
    assert (
        replaced
        == f"binaryData:\n  bundle.tar.gz: sha256:{hashlib.sha256(bundle).hexdigest()}\nkind: ConfigMap\n"
    )
    committed = (renders.RENDERED / "minimal-values.yaml").read_text()
    assert f"bundle.tar.gz: sha256:{hashlib.sha256(bundle).hexdigest()}" in committed
