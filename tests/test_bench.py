"""`sqinspect bench` on the tiny bundle: the three ways, the table and the JSON keys."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from test_runtime_support import tiny_bundle

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return tiny_bundle(tmp_path_factory)


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("bench-imgs")
    for p in sorted((ROOT / "assets" / "samples").glob("*.png"))[:2]:
        shutil.copy(p, d / p.name)
    (d / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnope")
    return d


def test_bench_three_ways(built, images, tmp_path, capsys):
    ckpt, bundle = built
    out = tmp_path / "bench.json"
    code = main(["bench", "--bundle", str(bundle), "--images", str(images), "--checkpoint", str(ckpt),
                 "--json", str(out), "--threads", "1", "--torch-threads", "1"])
    assert code == 0
    table = capsys.readouterr().out
    for line in ("engine", "naive ORT loop", "PyTorch reference", "engine stages", "outside", "targets"):
        assert line in table
    doc = json.loads(out.read_text())
    for key in ("p50_ms", "p95_ms", "speedup_vs_torch", "speedup_vs_naive", "outside_run_share", "n_images", "provider"):
        assert key in doc
    assert doc["n_images"] == 2 and doc["provider"] == "cpu"
    assert 0 < doc["p50_ms"] <= doc["p95_ms"]
    assert doc["speedup_vs_torch"] > 0 and doc["speedup_vs_naive"] > 0
    assert 0 <= doc["outside_run_share"] < 1
    assert set(doc["engine"]["stages_p50_ms"]) == {"preprocess", "vision", "prefix", "description", "questions",
                                                   "answers", "verdict"}
    assert doc["torch"]["checkpoint"] == str(ckpt) and "note" not in doc["torch"]
    assert len(doc["skipped_images"]) == 1 and "broken.png" in doc["skipped_images"][0]


def test_bench_skips_torch_cleanly_without_a_checkpoint(built, images, tmp_path, capsys, monkeypatch):
    import app.commands.bench as bench

    monkeypatch.setattr(bench, "DEFAULT_CHECKPOINT", tmp_path / "no-default-model")
    out = tmp_path / "bench.json"
    assert main(["bench", "--bundle", str(built[1]), "--images", str(images), "--json", str(out), "--no-naive",
                 "--limit", "1", "--threads", "1"]) == 0
    doc = json.loads(out.read_text())
    assert doc["speedup_vs_torch"] is None and "--checkpoint" in doc["torch"]["skipped"]
    assert doc["speedup_vs_naive"] is None
    assert "skipped" in capsys.readouterr().out


def test_bench_without_torch_installed(built, images, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "torch", None)  # import torch -> ImportError
    out = tmp_path / "bench.json"
    assert main(["bench", "--bundle", str(built[1]), "--images", str(images), "--json", str(out), "--no-naive",
                 "--limit", "1", "--threads", "1", "--checkpoint", str(built[0])]) == 0
    assert "torch is not installed" in json.loads(out.read_text())["torch"]["skipped"]
    capsys.readouterr()


def test_bench_needs_images(built, tmp_path, capsys):
    (tmp_path / "none").mkdir()
    assert main(["bench", "--bundle", str(built[1]), "--images", str(tmp_path / "none")]) == 2
    assert "no readable images" in capsys.readouterr().err
