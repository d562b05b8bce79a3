"""A tiny exported bundle shared by the runtime, inspect and bench tests, plus bundle checks.

The bundle is built once per test session (random tiny model from tests/tiny_models.py, exported
with `sqinspect export`) under the session's temporary folder; other modules import
`tiny_bundle`.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest


def _single_tokens(tokenizer, candidates):
    return [c for c in candidates if len(tokenizer.encode(c, add_special_tokens=False).ids) == 1]


def tiny_bundle(tmp_path_factory) -> tuple[Path, Path]:
    """(checkpoint folder, bundle folder), built on first use in this session."""
    pytest.importorskip("torch")
    base = tmp_path_factory.getbasetemp() / "runtime-tiny"
    ckpt, bundle = base / "ckpt", base / "bundle"
    if (bundle / "manifest.json").is_file():
        return ckpt, bundle
    from tiny_models import byte_level_bpe, tiny_sqllava

    from app.cli import main
    from models.inspect import inspection_defaults
    from models.train.preprocess import preprocessing_spec

    shutil.rmtree(base, ignore_errors=True)
    tokenizer = byte_level_bpe()
    model = tiny_sqllava(vocab_size=400, seed=5)
    model.save_pretrained(ckpt)
    tokenizer.save(str(ckpt / "tokenizer.json"))
    settings = inspection_defaults()
    yes, no = _single_tokens(tokenizer, [" Yes", " No", " the", " a", " is", " of", " in"])[:2]
    settings.update(yes_token=yes, no_token=no, num_questions=3, max_description_tokens=16,
                    max_question_tokens=10, max_answer_tokens=10)
    meta = {"template": "inspect_sq", "preprocessing": preprocessing_spec(model.config.vision_config.image_size),
            "inspection": settings}
    (ckpt / "sqinspect.json").write_text(json.dumps(meta))
    assert main(["export", str(ckpt), str(bundle), "--eval-images", "2"]) == 0
    return ckpt, bundle


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return tiny_bundle(tmp_path_factory)[1]


def _copy(bundle: Path, tmp_path: Path) -> Path:
    out = tmp_path / "copy"
    shutil.copytree(bundle, out)
    return out


def test_open_bundle_reads_manifest_and_identity(bundle):
    from app.runtime.bundle import open_bundle

    b = open_bundle(bundle)
    raw = (bundle / "manifest.json").read_bytes()
    import hashlib

    assert b.sha256 == hashlib.sha256(raw).hexdigest()
    assert b.identity()["name"].startswith(b.manifest["model"]["name"])
    assert b.graph_file("decoder").is_file()


def test_flipped_byte_is_refused_naming_the_file(bundle, tmp_path):
    from app.runtime.bundle import open_bundle
    from app.runtime.errors import BundleError

    copy = _copy(bundle, tmp_path)
    graph = copy / "decoder.onnx"
    data = bytearray(graph.read_bytes())
    data[len(data) // 2] ^= 0x01
    graph.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="decoder.onnx: sha256"):
        open_bundle(copy)


def test_wrong_format_version_and_missing_file(bundle, tmp_path):
    from app.runtime.bundle import open_bundle
    from app.runtime.errors import BundleError

    copy = _copy(bundle, tmp_path)
    (copy / "tokenizer.json").unlink()
    with pytest.raises(BundleError, match="tokenizer.json: missing"):
        open_bundle(copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["format_version"] = 99
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="format_version 99"):
        open_bundle(copy)


def test_no_default_bundle_is_one_clear_error(monkeypatch, tmp_path):
    import app.runtime.bundle as rb
    from app.runtime.errors import BundleError

    monkeypatch.delenv(rb.ENV_BUNDLE, raising=False)
    monkeypatch.setattr(rb, "ASSETS", tmp_path / "assets")
    assert rb.default_bundle_dir() is None
    with pytest.raises(BundleError, match="no model bundle") as err:
        rb.open_bundle(None)
    assert "\n" not in str(err.value)


def test_default_bundle_found_in_assets(bundle, monkeypatch, tmp_path):
    import app.runtime.bundle as rb

    monkeypatch.delenv(rb.ENV_BUNDLE, raising=False)
    monkeypatch.setattr(rb, "ASSETS", tmp_path / "assets")
    shutil.copytree(bundle, tmp_path / "assets" / "bundles" / "default-fp32")
    assert rb.default_bundle_dir() == tmp_path / "assets" / "bundles" / "default-fp32"
    shutil.copytree(bundle, tmp_path / "assets" / "bundles" / "default-int8")  # the CPU default, when there
    assert rb.open_bundle(None).path == tmp_path / "assets" / "bundles" / "default-int8"


@pytest.mark.parametrize("views", [0, 9, "4", True, 2.0])
def test_verdict_views_outside_one_to_eight_are_refused(bundle, tmp_path, views):
    from app.runtime.bundle import open_bundle
    from app.runtime.errors import BundleError

    copy = _copy(bundle, tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["verdict"]["views"] = views
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match="verdict.views must be a whole number 1..8"):
        open_bundle(copy)
