"""sqinspect export / verify / build-engines on a tiny random checkpoint (exported once per module)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _single_tokens(tokenizer, candidates):
    return [c for c in candidates if len(tokenizer.encode(c, add_special_tokens=False).ids) == 1]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory) -> Path:
    """A checkpoint folder as save_checkpoint writes it, around tests/tiny_models' random model."""
    from tiny_models import byte_level_bpe, tiny_sqllava

    from models.inspect import inspection_defaults
    from models.train.preprocess import preprocessing_spec

    out = tmp_path_factory.mktemp("ckpt") / "tiny"
    tokenizer = byte_level_bpe()
    model = tiny_sqllava(vocab_size=400, seed=3)
    model.save_pretrained(out)
    tokenizer.save(str(out / "tokenizer.json"))
    inspection = inspection_defaults()
    # The tiny BPE has no single-token " Yes"/" No"; any two single tokens exercise the same path.
    yes, no = _single_tokens(tokenizer, [" Yes", " No", " the", " a", " is", " of", " in"])[:2]
    inspection.update(yes_token=yes, no_token=no, max_description_tokens=12, num_questions=3, verdict_views=3)
    meta = {"template": "inspect_sq", "preprocessing": preprocessing_spec(model.config.vision_config.image_size),
            "inspection": inspection}
    (out / "sqinspect.json").write_text(json.dumps(meta))
    return out


def _export(checkpoint: Path, out: Path, *extra: str) -> int:
    return main(["export", str(checkpoint), str(out), *extra])


@pytest.fixture(scope="module")
def bundle_fp32(checkpoint, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("b32") / "bundle"
    assert _export(checkpoint, out) == 0
    return out


@pytest.fixture(scope="module")
def bundle_int8(checkpoint, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("b8") / "bundle"
    assert _export(checkpoint, out, "--precision", "int8", "--eval-images", "3") == 0
    return out


def _manifest(bundle: Path) -> dict:
    return json.loads((bundle / "manifest.json").read_text())


def test_fp32_bundle_layout_and_manifest(bundle_fp32):
    m = _manifest(bundle_fp32)
    names = {p.name for p in bundle_fp32.iterdir()}
    assert {"vision.onnx", "embedding.onnx", "decoder.onnx", "tokenizer.json", "manifest.json", "parity.json",
            "README.md"} <= names
    assert set(m["files"]) == names - {"manifest.json"}
    assert m["format_version"] == 1 and m["precision"] == "fp32"
    dec = m["graphs"]["decoder"]
    ins = [i["name"] for i in dec["inputs"]]
    assert ins[:3] == ["inputs_embeds", "attention_mask", "position_ids"]
    assert ins[3:] == [f"past_key_values.{i}.{k}" for i in range(m["num_layers"]) for k in ("key", "value")]
    assert [o["name"] for o in dec["outputs"]] == ["logits"] + [f"present.{i}.{k}" for i in range(m["num_layers"])
                                                                 for k in ("key", "value")]
    shapes = {i["name"]: i["shape"] for i in dec["inputs"] + dec["outputs"]}
    assert shapes["inputs_embeds"] == ["batch", "sequence", m["hidden_size"]]
    assert shapes["attention_mask"] == ["batch", "total_sequence"]
    assert shapes["past_key_values.0.key"] == ["batch", m["num_kv_heads"], "past_sequence", m["head_dim"]]
    assert shapes["present.0.value"] == ["batch", m["num_kv_heads"], "total_sequence", m["head_dim"]]
    assert shapes["logits"] == ["batch", "sequence", m["vocab_size"]]
    assert m["graphs"]["vision"]["outputs"][0]["shape"] == ["batch", m["image_seq_length"], m["hidden_size"]]
    assert m["graphs"]["embedding"]["inputs"][0]["shape"] == ["batch", "sequence"]
    assert m["templates"]["conversation"]["roles"]["vuser"] == "VUSER"
    assert m["verdict"]["yes_token_id"] != m["verdict"]["no_token_id"]
    assert m["verdict"]["views"] == 3  # the checkpoint's: its threshold holds for those views only
    assert m["special_token_ids"]["image"] == 399
    prov = m["provenance"]
    assert len(prov["source_checkpoint_sha256"]) == 64 and prov["opset"] == 18
    assert "README.md" in m["files"] and m["smoke"]["steps"] == 8


def test_parity_numbers_within_tolerance(bundle_fp32):
    report = json.loads((bundle_fp32 / "parity.json").read_text())["fp32_vs_torch"]
    assert report["passed"] and not report["failures"]
    tol = report["tolerances"]
    for key in ("prefill_batch1", "prefill_batch2_left_padded", "prefill_batch2_right_padded"):
        assert 0 <= report[key]["rel"] <= tol["logits_rel"]
    assert report["decode_steps_padded"]["rel"] <= tol["logits_rel"]
    assert report["prefill_batch2_left_padded"]["vs_unpadded"]["rel"] <= tol["logits_rel"]
    assert report["greedy"]["identical"] and len(report["greedy"]["onnx"]) == 32
    assert report["verdict"]["abs_diff"] <= tol["verdict_probability_abs"]
    assert _manifest(bundle_fp32)["parity"]["passed"] is True


def test_int8_bundle_is_quantised_and_compared(bundle_int8, bundle_fp32):
    import onnx

    m = _manifest(bundle_int8)
    assert m["precision"] == "int8"
    ops = {n.op_type for n in onnx.load(str(bundle_int8 / "decoder.onnx")).graph.node}
    assert "DynamicQuantizeLinear" in ops or "MatMulInteger" in ops
    assert (bundle_int8 / "decoder.onnx").stat().st_size < (bundle_fp32 / "decoder.onnx").stat().st_size
    acc = m["accuracy_vs_fp32"]
    assert acc["computed"] and acc["images"] == 3
    assert 0 <= acc["defect_probability_max_abs_diff"] <= 0.10
    assert 0 <= acc["greedy_token_agreement"] <= 1
    assert "int8_vs_fp32" in json.loads((bundle_int8 / "parity.json").read_text())
    # The graph I/O is the same contract as fp32's.
    assert m["graphs"]["decoder"]["inputs"] == _manifest(bundle_fp32)["graphs"]["decoder"]["inputs"]


def test_verify_passes(bundle_fp32, bundle_int8, capsys):
    assert main(["verify", str(bundle_fp32)]) == 0
    assert main(["verify", str(bundle_int8)]) == 0
    assert capsys.readouterr().out.count("ok:") == 2


def test_verify_runs_without_torch(bundle_int8):
    # Block the training stack and the exporter: verify must need only the runtime (DESIGN.md).
    code = ("import sys\nfor m in ('torch', 'transformers', 'onnx', 'models', 'export'): sys.modules[m] = None\n"
            f"from app.cli import main\nsys.exit(main(['verify', {str(bundle_int8)!r}]))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def _copy(bundle: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(bundle, dst)
    return dst


def test_verify_fails_on_flipped_byte(bundle_fp32, tmp_path, capsys):
    bad = _copy(bundle_fp32, tmp_path)
    data = bytearray((bad / "decoder.onnx").read_bytes())
    data[len(data) // 2] ^= 0x01
    (bad / "decoder.onnx").write_bytes(bytes(data))
    assert main(["verify", str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert "decoder.onnx" in err and "sha256" in err and len(err.splitlines()) == 1


def test_verify_fails_on_wrong_format_version(bundle_fp32, tmp_path, capsys):
    bad = _copy(bundle_fp32, tmp_path)
    m = _manifest(bad)
    m["format_version"] = 99
    (bad / "manifest.json").write_text(json.dumps(m))
    assert main(["verify", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "manifest.json" in err and "format_version 99" in err


def test_verify_fails_when_the_graphs_no_longer_generate_what_was_exported(bundle_fp32, tmp_path, capsys):
    bad = _copy(bundle_fp32, tmp_path)
    m = _manifest(bad)
    m["smoke"]["tokens"][0] = (m["smoke"]["tokens"][0] + 1) % m["vocab_size"]
    m["smoke"]["margins"][0] = 1.0  # a clear winner at export: no near-tie excuse
    (bad / "manifest.json").write_text(json.dumps(m))
    assert main(["verify", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "decoder.onnx" in err and "smoke generation differs from the export at step 0" in err


def test_verify_fails_on_missing_file(bundle_fp32, tmp_path, capsys):
    bad = _copy(bundle_fp32, tmp_path)
    (bad / "tokenizer.json").unlink()
    assert main(["verify", str(bad)]) == 1
    assert "tokenizer.json: missing" in capsys.readouterr().err


def test_export_fails_on_parity_and_leaves_nothing(checkpoint, tmp_path, monkeypatch, capsys):
    import export.parity

    monkeypatch.setitem(export.parity.TOLERANCES, "logits_rel", 0.0)
    out = tmp_path / "never"
    assert _export(checkpoint, out) != 0
    assert "parity failed" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no half-written temporary folders either


def test_export_refuses_existing_output(checkpoint, tmp_path, capsys):
    (tmp_path / "exists").mkdir()
    assert _export(checkpoint, tmp_path / "exists") == 2
    assert "already exists" in capsys.readouterr().err


def test_prompt_layout_matches_torch_inspector(checkpoint, bundle_fp32):
    from tokenizers import Tokenizer

    from export.ort_pipeline import encode_prompt, first_turn_prompt
    from models.inspect import Inspector

    inspector = Inspector(checkpoint)
    m = _manifest(bundle_fp32)
    text = first_turn_prompt(m["templates"]["conversation"], m["templates"]["describe_question"])
    assert text == inspector._prefix()
    tok = Tokenizer.from_file(str(bundle_fp32 / "tokenizer.json"))
    sp = m["special_token_ids"]
    ids = encode_prompt(tok, text, bos_id=sp["bos"], image_token_id=sp["image"], image_seq_length=m["image_seq_length"])
    assert ids == inspector._ids(text)[0].tolist()


def test_ort_pipeline_decode_matches_prefill(bundle_fp32):
    """Prefill of n+1 tokens == prefill of n then one decode step (past > 0), for a left-padded batch."""
    from export.ort_pipeline import OrtGraphs, pad_rows

    m = _manifest(bundle_fp32)
    g = OrtGraphs.from_manifest(bundle_fp32, m)
    image = m["special_token_ids"]["image"]
    rows = [[1, 20, 21] + [image] * m["image_seq_length"] + [30, 31, 32], [1] + [image] * m["image_seq_length"] + [40]]
    feats = g.image_features(np.random.default_rng(0).standard_normal((2, 3, m["preprocessing"]["size"], m["preprocessing"]["size"])).astype(np.float32))
    ids, mask = pad_rows(rows, m["special_token_ids"]["pad"])
    full, _ = g.prefill(ids, mask, feats)
    short, past = g.prefill(ids[:, :-1], mask[:, :-1], feats)
    step, _, _ = g.step(ids[:, -1], mask[:, :-1], past)
    assert np.abs(full[:, -1] - step).max() < 1e-5


def test_build_engines_without_gpu_names_what_is_missing(bundle_fp32, capsys):
    from app.doctor.probe import probe_provider

    if probe_provider("TensorrtExecutionProvider").works:
        pytest.skip("TensorRT works on this machine")
    assert main(["build-engines", str(bundle_fp32)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "TensorRT execution provider unusable" in err
    assert any(word in err for word in ("missing library", "install", "not in this onnxruntime build"))
    assert not (bundle_fp32 / "cache").exists()


def test_engine_profiles_from_manifest(bundle_fp32):
    from tokenizers import Tokenizer

    from app.runtime.engines import profiles

    m = _manifest(bundle_fp32)
    shapes, seq_max = profiles(m, Tokenizer.from_file(str(bundle_fp32 / "tokenizer.json")))
    k = m["generation"]["num_questions"]
    assert shapes["vision"]["max"] == f"pixel_values:{k}x3x32x32"
    assert seq_max % 64 == 0 and seq_max > m["image_seq_length"] + m["generation"]["max_description_tokens"]
    assert f"past_key_values.0.key:1x{m['num_kv_heads']}x0x{m['head_dim']}" in shapes["decoder"]["min"]
    assert shapes["decoder"]["max"].startswith(f"inputs_embeds:{k}x{seq_max}x{m['hidden_size']}")
