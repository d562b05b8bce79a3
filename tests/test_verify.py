"""Bundle manifest checks (export/manifest.py) on a hand-made folder: stdlib only, no graphs needed."""

from __future__ import annotations

import json

import pytest

from export.manifest import BundleError, check_files, file_entries, load_bundle_manifest, read_manifest, write_manifest


def _bundle(tmp_path):
    for name in ("vision.onnx", "embedding.onnx", "decoder.onnx", "tokenizer.json"):
        (tmp_path / name).write_bytes(name.encode() * 10)
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "engine.bin").write_bytes(b"x")  # built on site: never hashed
    graphs = {g: {"file": f"{g}.onnx", "inputs": [], "outputs": []} for g in ("vision", "embedding", "decoder")}
    keys = ("model", "precision", "num_layers", "num_kv_heads", "head_dim", "hidden_size", "vocab_size",
            "image_seq_length", "special_token_ids", "preprocessing", "templates", "generation", "verdict", "provenance")
    write_manifest(tmp_path, {**{k: {} for k in keys}, "graphs": graphs})
    return tmp_path


def test_roundtrip_and_cache_excluded(tmp_path):
    folder = _bundle(tmp_path)
    manifest = load_bundle_manifest(folder)
    assert manifest["format_version"] == 1
    assert set(manifest["files"]) == {"vision.onnx", "embedding.onnx", "decoder.onnx", "tokenizer.json"}
    assert file_entries(folder) == manifest["files"]


def test_same_size_flip_is_caught_by_hash(tmp_path):
    folder = _bundle(tmp_path)
    data = bytearray((folder / "vision.onnx").read_bytes())
    data[3] ^= 0x80
    (folder / "vision.onnx").write_bytes(bytes(data))
    with pytest.raises(BundleError, match=r"^vision\.onnx: sha256 mismatch"):
        check_files(folder, read_manifest(folder))


@pytest.mark.parametrize("edit, message", [
    (lambda m: m.update(format_version=2), "format_version 2 is not supported"),
    (lambda m: m.pop("verdict"), "missing keys verdict"),
    (lambda m: m["graphs"].pop("decoder"), "graph 'decoder' is not declared"),
    (lambda m: m["files"].update({"../etc/passwd": {"sha256": "0", "size": 1}}), "leaves the bundle folder"),
])
def test_bad_manifests(tmp_path, edit, message):
    folder = _bundle(tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    edit(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(BundleError, match=message):
        load_bundle_manifest(folder)


def test_not_json_and_no_manifest(tmp_path):
    with pytest.raises(BundleError, match="manifest.json: missing"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text("{")
    with pytest.raises(BundleError, match="not valid JSON"):
        read_manifest(tmp_path)


def test_manifest_module_is_stdlib_only():
    import ast
    import sys
    from pathlib import Path

    import export.manifest as mod

    tree = ast.parse(Path(mod.__file__).read_text())
    roots = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    roots |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert roots <= set(sys.stdlib_module_names) | {"__future__"}
