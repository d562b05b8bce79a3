"""The runtime engine against the PyTorch reference on a tiny exported model: preprocessing,
sampling filters, KV-cache generation with shared prefixes and padding, one inspection."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from test_runtime_support import tiny_bundle

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return tiny_bundle(tmp_path_factory)


@pytest.fixture(scope="module")
def engine(built):
    from app.runtime.engine import Engine

    return Engine(built[1], threads=1)


@pytest.fixture(scope="module")
def pipeline(engine):
    from app.runtime.pipeline import Pipeline

    return Pipeline(engine)


@pytest.fixture(scope="module")
def reference(built):
    from models.inspect import Inspector

    return Inspector(built[0], threads=1)


def _images() -> list[np.ndarray]:
    samples = sorted((ROOT / "assets" / "samples").glob("*.png"))[:2]
    imgs = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in samples]
    rng = np.random.default_rng(0)
    imgs.append(rng.integers(0, 256, (47, 81, 3), dtype=np.uint8))  # odd, non-square size
    return imgs


# -- preprocessing -------------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(32, 32), (47, 81), (480, 640), (17, 9)])
def test_preprocess_matches_training(shape):
    from app.runtime.preprocess import Preprocessor
    from models.train.preprocess import preprocess, preprocessing_spec

    spec = preprocessing_spec(32)
    img = np.random.default_rng(sum(shape)).integers(0, 256, (*shape, 3), dtype=np.uint8)
    ours = Preprocessor(spec)(img)
    theirs = preprocess(img, spec["size"], spec["mean"], spec["std"])
    assert ours.shape == (3, 32, 32) and ours.dtype == np.float32
    assert np.abs(ours - theirs).max() <= 1e-6


def test_preprocess_matches_the_reference_tensor(engine, reference):
    img = _images()[0]
    ours = engine.preprocess(img)
    theirs = reference.pixels(img)[0].numpy()
    assert np.abs(ours - theirs).max() <= 1e-6


# -- sampling --------------------------------------------------------------------------------------
def test_sampler_keeps_the_same_tokens_as_transformers_warpers():
    torch = pytest.importorskip("torch")
    from transformers.generation.logits_process import TemperatureLogitsWarper, TopKLogitsWarper, TopPLogitsWarper

    from app.runtime.sampling import Sampler

    logits = np.random.default_rng(3).normal(size=(4, 500)).astype(np.float32) * 4
    for temperature, top_k, top_p in ((1.2, 300, 0.95), (0.7, 20, 0.5), (1.0, 0, 0.9), (1.5, 5, 1.0)):
        s = Sampler(temperature, top_k, top_p)
        idx, probs = s.candidates(logits)
        x = torch.from_numpy(logits)
        x = TemperatureLogitsWarper(temperature)(None, x)
        if top_k:
            x = TopKLogitsWarper(top_k)(None, x)
        if top_p < 1:
            x = TopPLogitsWarper(top_p)(None, x)
        want = torch.softmax(x.double(), -1).numpy()
        for row in range(4):
            kept = set(idx[row][probs[row] > 0].tolist())
            assert kept == set(np.flatnonzero(want[row] > 0).tolist())
            got = np.zeros(500)
            got[idx[row]] = probs[row]
            assert np.abs(got - want[row]).max() < 1e-6


def test_sampler_is_seeded_and_stays_inside_the_filter():
    from app.runtime.sampling import Sampler

    logits = np.random.default_rng(1).normal(size=(3, 200)) * 3
    s = Sampler(1.0, 10, 1.0)
    draws = [s(logits, np.random.default_rng(7)) for _ in range(2)]
    assert (draws[0] == draws[1]).all()
    rng = np.random.default_rng(0)
    seen = np.stack([s(logits, rng) for _ in range(300)])
    top10 = np.argsort(-logits, axis=1)[:, :10]
    for row in range(3):
        assert set(seen[:, row]) <= set(top10[row])
        assert len(set(seen[:, row])) > 3  # it really samples


# -- engine ----------------------------------------------------------------------------------------
def test_engine_reports_the_provider_that_runs_and_its_thread_settings(engine):
    assert engine.provider == "cpu"
    for session in engine.sessions.values():
        assert session.get_providers()[0] == "CPUExecutionProvider"
        opts = session.get_session_options()
        assert opts.intra_op_num_threads == 1 and opts.inter_op_num_threads == 1
        assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
        assert opts.get_session_config_entry("session.inter_op.allow_spinning") == "0"


def test_requested_provider_that_does_not_run_is_a_clear_error(built):
    import onnxruntime as ort

    from app.runtime.engine import Engine
    from app.runtime.errors import ProviderError

    with pytest.raises(ProviderError, match="unknown provider"):
        Engine(built[1], provider="npu")
    try:
        Engine(built[1], provider="cuda")
    except ProviderError as exc:
        assert "cuda" in str(exc) and "\n" not in str(exc)
    else:  # a machine where CUDA really runs
        assert "CUDAExecutionProvider" in ort.get_available_providers()


def test_embedding_table_equals_the_embedding_graph(engine):
    ids = np.asarray([[1, 5, 9, 300], [2, 2, 7, 0]], np.int64)
    assert np.array_equal(engine.embed(ids), engine.embed_graph(ids))


def test_kv_reuse_and_padded_batches_match_a_fresh_prefill(engine, pipeline):
    """Logits after a prompt are the same whether it is prefilled whole, continued from a cached
    prefix, or run as a left-padded row of a batch on top of a shared prefix."""
    from app.runtime.generate import KVCache, extend

    feats = engine.image_features(engine.preprocess(_images()[0])[None])[0]
    _, prefix = pipeline.prefill_prefix(feats)
    p = engine.prompts
    texts = [p.answer(p.history("a part"), q) for q in ("Is it scratched?", "Where?", "How many holes are there now?")]
    rows = [p.encode(t) for t in texts]

    def fresh(ids):
        arr = np.asarray([ids], np.int64)
        embeds = engine.embed(arr)
        embeds[0, np.flatnonzero(arr[0] == p.image_token)] = feats
        empty = KVCache.empty(len(engine.kv_in), 1, engine.kv_heads, engine.head_dim)
        return extend(engine, empty, [ids], embeds=embeds)[0][0]

    want = [fresh(r) for r in rows]
    for r, w in zip(rows, want):
        got = pipeline.continue_from(prefix, r)[0][0]
        assert np.abs(got - w).max() < 1e-4
    n = len(prefix.tokens[0])
    assert all(r[:n] == prefix.tokens[0] for r in rows)
    logits, batch = extend(engine, prefix.tile(len(rows)), [r[n:] for r in rows], pad_id=pipeline.pad)
    assert batch.mask.shape[1] == n + max(len(r) - n for r in rows)
    assert (batch.mask.sum(1) == [len(r) for r in rows]).all()  # pads in the middle are masked
    for got, w in zip(logits, want):
        assert np.abs(got - w).max() < 1e-4
    # A cache truncated back into the padded region continues exactly like the fresh prompt.
    row1 = batch.rows([1]).truncate(len(rows[1]) - 2)
    got = extend(engine, row1, [rows[1][-2:]])[0][0]
    assert np.abs(got - want[1]).max() < 1e-4


# -- one inspection ------------------------------------------------------------------------------
def test_inspection_matches_the_pytorch_reference(pipeline, reference):
    """Greedy description and answers token for token, the verdict within 1e-4, for the engine's
    own (sampled) questions."""
    import torch

    answered = 0
    for n, img in enumerate(_images()):
        r = pipeline.inspect(img, seed=n)
        answered += len(r.qa)
        px = reference.pixels(img)
        s = reference.settings
        description = reference.generate([reference._prefix()], px, s["max_description_tokens"])[0]
        assert r.description == description
        history = reference.describe_prefix(description)
        questions = [p["question"] for p in r.qa]
        assert questions == list(dict.fromkeys(q for q in r.questions_sampled if q))
        assert len(r.questions_sampled) == pipeline.num_questions
        if questions:
            answers = reference.generate([reference.question_prompt(history, q) for q in questions], px,
                                         s["max_answer_tokens"])
            assert [p["answer"] for p in r.qa] == answers
        with torch.no_grad():
            p_ref = reference.verdict_probability(px)
        assert abs(r.defect_probability - p_ref) < 1e-4
        assert r.verdict == ("fail" if r.defect_probability >= r.threshold else "pass")
        assert set(r.latency_ms) == {"preprocess", "vision", "prefix", "description", "questions", "answers",
                                     "verdict", "total"}
        assert r.latency_ms["total"] >= sum(v for k, v in r.latency_ms.items() if k != "total") * 0.99
    assert answered >= 2  # the batched-answer path really ran


def test_same_seed_same_output_and_seed_changes_questions(pipeline):
    img = _images()[1]
    a, b = pipeline.inspect(img, seed=11), pipeline.inspect(img, seed=11)
    assert a.to_dict() | {"latency_ms": 0} == b.to_dict() | {"latency_ms": 0}
    others = [pipeline.inspect(img, seed=s).questions_sampled for s in (1, 2, 3)]
    assert any(q != a.questions_sampled for q in others)


def test_no_questions_still_gives_a_verdict(pipeline, reference):
    import torch

    img = _images()[0]
    r = pipeline.inspect(img, num_questions=0)
    assert r.qa == [] and r.questions_sampled == []
    with torch.no_grad():
        p_ref = reference.verdict_probability(reference.pixels(img))
    assert abs(r.defect_probability - p_ref) < 1e-4
    # The verdict is asked straight after the image: the self-answered questions do not move it.
    asked = pipeline.inspect(img, num_questions=4, seed=3)
    assert asked.qa and abs(asked.defect_probability - r.defect_probability) < 1e-6


def test_naive_loop_agrees_with_the_engine(pipeline):
    from app.runtime.naive import NaiveInspector

    img = _images()[2]
    naive = NaiveInspector(pipeline).inspect(img, seed=0)
    r = pipeline.inspect(img, seed=0)
    assert naive["description"] == r.description
    assert naive["decode"].tokens > 0 and naive["total_ms"] > 0


def test_runtime_and_inspect_work_without_torch_models_or_export(built, tmp_path):
    """A factory PC has no torch: block torch, transformers, models and export, then inspect."""
    import json
    import subprocess
    import sys

    out = tmp_path / "out.json"
    code = (
        "import sys\n"
        "for m in ('torch', 'transformers', 'models', 'export', 'onnx'):\n"
        "    sys.modules[m] = None\n"
        "from app.cli import main\n"
        f"sys.exit(main(['inspect', {str(ROOT / 'assets' / 'samples' / '000003.png')!r}, '--bundle', {str(built[1])!r},"
        f" '--json', {str(out)!r}, '-q']))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(out.read_text())["results"][0]["verdict"] in ("pass", "fail")


# -- verdict views -------------------------------------------------------------------------------
def test_verdict_views_are_the_turns_and_mirrors_of_the_image():
    from app.runtime.preprocess import verdict_views

    x = np.random.default_rng(0).normal(size=(3, 6, 6)).astype(np.float32)
    assert np.array_equal(verdict_views(x, 1)[0], x)
    views = verdict_views(x, 8)
    assert views.shape == (8, 3, 6, 6) and views.flags.c_contiguous
    for k in range(4):
        assert np.array_equal(views[k], np.rot90(x, k, axes=(1, 2)))
        assert np.array_equal(views[4 + k], np.rot90(x[:, :, ::-1], k, axes=(1, 2)))
    assert len({v.tobytes() for v in views}) == 8
    for n in (0, 9):
        with pytest.raises(ValueError, match="verdict views must be 1..8"):
            verdict_views(x, n)
    with pytest.raises(ValueError, match="square"):
        verdict_views(x[:, :5], 2)


def _with_views(bundle: Path, tmp_path: Path, views: int) -> Path:
    import json
    import shutil

    copy = tmp_path / f"views{views}"
    shutil.copytree(bundle, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["verdict"]["views"] = views
    (copy / "manifest.json").write_text(json.dumps(manifest))
    return copy


def test_four_verdict_views_average_the_verdict_of_the_turned_image(built, pipeline, reference, tmp_path):
    """P(yes) with 4 views is the mean of 1-view P(yes) over the image turned 0/90/180/270 degrees
    (a square image at the model's size: turning commutes with preprocessing); the PyTorch
    reference and the naive loop agree; the description does not depend on the views."""
    import torch

    from app.runtime.engine import Engine
    from app.runtime.naive import NaiveInspector
    from app.runtime.pipeline import Pipeline

    four = Pipeline(Engine(_with_views(built[1], tmp_path, 4), threads=1))
    assert pipeline.views == 1 and four.views == 4
    size = pipeline.engine.bundle.manifest["preprocessing"]["size"]
    img = np.random.default_rng(3).integers(0, 256, (size, size, 3), dtype=np.uint8)
    turned = [pipeline.inspect(np.ascontiguousarray(np.rot90(img, k)), num_questions=0).defect_probability
              for k in range(4)]
    assert len({round(p, 6) for p in turned}) > 1  # the turns really differ for this model
    r = four.inspect(img, seed=1)
    assert r.defect_probability == pytest.approx(np.mean(turned), abs=1e-6)
    assert r.verdict == ("fail" if r.defect_probability >= r.threshold else "pass")
    assert r.description == pipeline.inspect(img, seed=1).description
    naive = NaiveInspector(four).inspect(img, seed=1)
    assert naive["defect_probability"] == pytest.approx(r.defect_probability, abs=1e-6)
    reference.settings["verdict_views"] = 4
    try:
        with torch.no_grad():
            p_ref = reference.verdict_probability(reference.pixels(img))
    finally:
        reference.settings["verdict_views"] = 1
    assert p_ref == pytest.approx(r.defect_probability, abs=1e-4)
