"""The shipped default bundles are the committed default model's, verified, and not stale."""

import json
from pathlib import Path

import pytest

from app.cli import main
from app.hashing import sha256_file

ROOT = Path(__file__).resolve().parents[1]
CHECKPOINT = ROOT / "models" / "default_model"
BUNDLES = [ROOT / "assets" / "bundles" / name for name in ("default-fp32", "default-int8")]
SAMPLES = sorted((ROOT / "assets" / "samples").glob("*.png"))[:2]


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_bundle_was_exported_from_the_committed_checkpoint(bundle):
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["provenance"]["source_checkpoint_sha256"] == sha256_file(CHECKPOINT / "model.safetensors")
    meta = json.loads((CHECKPOINT / "sqinspect.json").read_text())
    assert manifest["verdict"]["threshold"] == pytest.approx(meta["inspection"]["threshold"])


@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name)
def test_bundle_verifies(bundle, capsys):
    assert main(["verify", str(bundle)]) == 0, capsys.readouterr().err


def test_fresh_export_matches_the_shipped_fp32_bundle(tmp_path):
    """Re-export the committed checkpoint; the runtime must give the shipped bundle's results."""
    from app.runtime.engine import Engine
    from app.runtime.images import load_image
    from app.runtime.pipeline import Pipeline

    fresh = tmp_path / "fresh"
    assert main(["export", str(CHECKPOINT), str(fresh), "--eval-images", "2"]) == 0
    shipped_pipe = Pipeline(Engine(BUNDLES[0], threads=2))
    fresh_pipe = Pipeline(Engine(fresh, threads=2))
    for i, path in enumerate(SAMPLES):
        image = load_image(path).bgr
        a = shipped_pipe.inspect(image, seed=i)
        b = fresh_pipe.inspect(image, seed=i)
        assert a.description == b.description
        assert a.qa == b.qa
        assert abs(a.defect_probability - b.defect_probability) < 1e-4
