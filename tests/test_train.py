"""Training pipeline on the tiny config: stages, resume, ViT-LoRA really training, eval, demo."""

import csv
import json
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

from app.cli import main
from models.train.config import TrainConfig
from models.train.data import SynthImages
from models.train.estimate import estimate
from models.train.loop import run_stage
from models.train.pipeline import TextBatches, model_config

TINY = "models/configs/tiny.toml"


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("train")
    out, work = root / "model", root / "work"
    assert main(["train", str(out), "--config", TINY, "--work", str(work)]) == 0
    return out, work


def test_checkpoint_folder_is_complete(trained):
    out, work = trained
    for name in ("model.safetensors", "config.json", "tokenizer.json", "sqinspect.json"):
        assert (out / name).is_file(), name
    meta = json.loads((out / "sqinspect.json").read_text())
    assert meta["template"] == "inspect_sq"
    assert 0.0 <= meta["inspection"]["threshold"] <= 1.0
    assert meta["training"]["generator_version"].startswith("synth-")
    for stage in ("stage0", "stage1", "stage2"):
        rows = list(csv.DictReader(open(work / stage / "loss.csv")))
        assert rows and all(float(r["loss"]) > 0 for r in rows)
        assert (work / stage / "loss.png").stat().st_size > 1000
    assert set(json.loads((work / "stage0" / "metrics.json").read_text())) >= {"part_acc", "verdict_auc"}


def test_model_folder_gets_sqinspect_json_only_with_the_chosen_threshold(trained, tmp_path, monkeypatch):
    """A model folder is final once sqinspect.json is there: the threshold is chosen first."""
    import models.inspect
    from tokenizers import Tokenizer

    from models.modeling_sqllava import SQLlavaForConditionalGeneration
    from models.train.pipeline import save_checkpoint

    src, work = trained
    out = tmp_path / "model"
    seen = []

    def calibrate(folder, val_dir, recall, views):
        seen.append((Path(folder) != out, (out / "sqinspect.json").exists(), recall, views))
        return {"threshold": 0.25, "recall": recall, "recall_reached": 1.0, "false_alarm": 0.5, "parts": 8,
                "defective": 4, "data": Path(val_dir).name, "views": views}

    monkeypatch.setattr(models.inspect, "calibrate", calibrate)
    save_checkpoint(SQLlavaForConditionalGeneration.from_pretrained(src), Tokenizer.from_file(str(src / "tokenizer.json")),
                    TrainConfig.load(TINY), out, work / "data" / "val", {"stage2": 1.0}, template="inspect_sq",
                    preprocessing={"size": 32}, training={})
    # Chosen on a folder beside OUT, before OUT had sqinspect.json, at the config's recall and views.
    data = TrainConfig.load(TINY).data
    assert seen == [(True, False, data.val_recall, data.verdict_views)]
    inspection = json.loads((out / "sqinspect.json").read_text())["inspection"]
    assert (inspection["threshold"], inspection["verdict_views"]) == (0.25, data.verdict_views)
    assert inspection["threshold_from"] == {"recall": seen[0][2], "recall_reached": 1.0, "false_alarm": 0.5,
                                            "parts": 8, "defective": 4, "data": "val", "views": data.verdict_views}
    assert {p.name for p in out.iterdir()} >= {"model.safetensors", "config.json", "tokenizer.json"}
    assert [p.name for p in tmp_path.iterdir()] == ["model"]  # nothing left beside it


def test_threshold_is_chosen_from_the_full_inspections_verdicts(trained):
    """calibrate reads the verdict alone; it must equal what full inspections report."""
    from models.inspect import Inspector, calibrate, read_image
    from models.metrics import threshold_for_recall
    from models.train.data import read_groundtruth

    out, work = trained
    val = work / "data" / "val"
    gts = read_groundtruth(val)
    inspector = Inspector(out)
    full = [inspector.inspect(read_image(val / g["image"]), seed=i).defect_probability for i, g in enumerate(gts)]
    labels = [g["defective"] for g in gts]
    assert len(gts) > 1 and any(labels) and not all(labels)
    for recall in (0.5, 0.98):
        expected = threshold_for_recall(labels, full, recall)
        assert calibrate(out, val, recall=recall)["threshold"] == pytest.approx(expected, abs=1e-6)


def test_calibrate_writes_the_threshold_that_keeps_the_recall(trained, tmp_path, capsys):
    import shutil

    from models.inspect import Inspector, verdict_scores
    from models.metrics import rates_at, threshold_for_recall

    src, work = trained
    model = tmp_path / "model"
    shutil.copytree(src, model)
    val = work / "data" / "val"
    labels, scores = verdict_scores(Inspector(model), val)
    for recall in (0.5, 1.0):
        assert main(["calibrate", str(model), "--data", str(val), "--recall", str(recall)]) == 0
        inspection = json.loads((model / "sqinspect.json").read_text())["inspection"]
        assert inspection["threshold"] == pytest.approx(threshold_for_recall(labels, scores, recall), abs=1e-6)
        reached, false_alarm = rates_at(labels, scores, inspection["threshold"])
        chosen = inspection["threshold_from"]
        assert chosen["recall_reached"] == pytest.approx(reached) and reached >= recall
        assert chosen["false_alarm"] == pytest.approx(false_alarm)
        assert (chosen["recall"], chosen["parts"], chosen["defective"]) == (recall, len(labels), sum(labels))
    assert f"on {len(labels)} parts" in capsys.readouterr().out
    # --views re-chooses the threshold for that many verdict views and records them with it.
    inspector = Inspector(model)
    inspector.settings["verdict_views"] = 2
    labels2, scores2 = verdict_scores(inspector, val)
    assert scores2 != scores
    assert main(["calibrate", str(model), "--data", str(val), "--recall", "1.0", "--views", "2"]) == 0
    inspection = json.loads((model / "sqinspect.json").read_text())["inspection"]
    assert (inspection["verdict_views"], inspection["threshold_from"]["views"]) == (2, 2)
    assert inspection["threshold"] == pytest.approx(threshold_for_recall(labels2, scores2, 1.0), abs=1e-6)
    assert Inspector(model).settings["verdict_views"] == 2
    # The rest of sqinspect.json is kept as it was.
    before, after = json.loads((src / "sqinspect.json").read_text()), json.loads((model / "sqinspect.json").read_text())
    assert after["training"] == before["training"] and after["template"] == before["template"]
    assert sorted(p.name for p in model.iterdir()) == sorted(p.name for p in src.iterdir())  # no temp file left


def test_calibrate_refuses_bad_input_and_keeps_the_model(trained, tmp_path, capsys):
    import shutil

    from models.train.data import read_groundtruth

    src, work = trained
    model = tmp_path / "model"
    shutil.copytree(src, model)
    original = (model / "sqinspect.json").read_bytes()
    val = work / "data" / "val"
    # A data set of good parts only: no recall to keep.
    good = tmp_path / "good"
    good.mkdir()
    rows = [g for g in read_groundtruth(val) if not g["defective"]]
    assert rows
    (good / "groundtruth.jsonl").write_text("".join(json.dumps(g) + "\n" for g in rows))
    for sub in ("images", "masks"):
        shutil.copytree(val / sub, good / sub)
    cases = [
        (["calibrate", str(model), "--data", str(good)], "both defective and good parts"),
        (["calibrate", str(model), "--data", str(val), "--recall", "1.5"], "recall must be in (0, 1]"),
        (["calibrate", str(model), "--data", str(val), "--views", "9"], "verdict views must be 1..8"),
        (["calibrate", str(model), "--data", str(tmp_path)], "not a data set"),
        (["calibrate", str(tmp_path), "--data", str(val)], "not a checkpoint folder"),
    ]
    for argv, message in cases:
        assert main(argv) == 2, argv
        errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
        assert len(errors) == 1 and message in errors[0], errors
        assert (model / "sqinspect.json").read_bytes() == original


def test_stage2_trains_the_vision_tower_through_vit_lora(trained):
    out, work = trained
    final = load_file(str(out / "model.safetensors"))
    stage0 = load_file(str(work / "stage0" / "weights.safetensors"))
    q = "encoder.layers.0.self_attn.q_proj.weight"
    norm = "encoder.layers.0.layer_norm1.weight"
    # LoRA-targeted weights moved after stage 0; the rest of the tower stayed frozen.
    assert not torch.equal(final[f"model.vision_tower.{q}"], stage0[f"tower.{q}"])
    assert torch.equal(final[f"model.vision_tower.{norm}"], stage0[f"tower.{norm}"])


def test_data_parallel_under_torchrun(tmp_path):
    """Two processes (gloo on the CPU): each draws its own batches, gradients are averaged, and
    the run fails if the replicas' weights ever differ at the end of a stage. Rank 0 writes."""
    import os
    import subprocess
    import sys

    out, work = tmp_path / "model", tmp_path / "work"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
                           "-m", "app.cli", "train", str(out), "--config", TINY, "--work", str(work)],
                          capture_output=True, text=True, timeout=900, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("trained model written to") == 1
    meta = json.loads((out / "sqinspect.json").read_text())
    assert meta["training"]["processes"] == 2
    for stage in ("stage0", "stage1", "stage2"):
        assert json.loads((work / stage / "done.json").read_text())["processes"] == 2
        lines = (work / stage / "loss.csv").read_text().splitlines()
        assert lines[0].startswith("step,") and sum(line.startswith("step,") for line in lines) == 1


def test_stage0_from_shares_the_tower_and_guards_its_data(trained, tmp_path, capsys):
    out, work = trained
    shared = tmp_path / "ablation"
    assert main(["train", str(shared / "model"), "--config", TINY, "--work", str(shared / "work"),
                 "--stage0-from", str(work), "--threads", "1"]) == 0
    # --threads is the machine's setting: the model records the threads it was trained on.
    assert json.loads((shared / "model" / "sqinspect.json").read_text())["training"]["config"]["train"]["threads"] == 1
    assert TrainConfig.load(TINY).train.threads != 1
    assert (shared / "work" / "stage0" / "weights.safetensors").read_bytes() == \
        (work / "stage0" / "weights.safetensors").read_bytes()
    assert (shared / "work" / "stage2" / "done.json").is_file()
    # A config that asks for another data set must not render over the shared one.
    other = tmp_path / "other.toml"
    other.write_text(open(TINY).read().replace("train_count = 48", "train_count = 40"))
    before = (work / "data" / "train" / "groundtruth.jsonl").read_bytes()
    assert main(["train", str(tmp_path / "b"), "--config", str(other), "--work", str(tmp_path / "b.work"),
                 "--stage0-from", str(work)]) != 0
    assert "has 48 training images, the config asks for 40" in capsys.readouterr().err
    assert (work / "data" / "train" / "groundtruth.jsonl").read_bytes() == before


def test_checkpoint_keeps_its_stage0_tower(trained):
    out, work = trained
    for name in ("weights.safetensors", "metrics.json"):
        assert (out / "stage0" / name).read_bytes() == (work / "stage0" / name).read_bytes(), name
    done = json.loads((work / "stage0" / "done.json").read_text())
    assert json.loads((out / "stage0" / "done.json").read_text()) == {"steps": done["steps"], "processes": done["processes"]}
    spec = json.loads((out / "stage0" / "data.json").read_text())
    cfg = TrainConfig.load(TINY)
    assert spec["train_seed"] == cfg.data.train_seed and spec["train_count"] == cfg.data.train_count
    assert spec["generator_version"] == json.loads((out / "sqinspect.json").read_text())["training"]["generator_version"]


def test_stage0_from_a_checkpoint_renders_the_same_data_and_guards_the_tower(trained, tmp_path, capsys):
    out, work = trained
    again = tmp_path / "again.work"
    assert main(["train", str(tmp_path / "again"), "--config", TINY, "--work", str(again),
                 "--stage0-from", str(out)]) == 0
    assert (again / "stage0" / "weights.safetensors").read_bytes() == (work / "stage0" / "weights.safetensors").read_bytes()
    assert not (again / "data").is_symlink()  # rendered again from the seeds, not shared
    assert (again / "data" / "train" / "groundtruth.jsonl").read_bytes() == \
        (work / "data" / "train" / "groundtruth.jsonl").read_bytes()
    training = json.loads((tmp_path / "again" / "sqinspect.json").read_text())["training"]
    assert training["stage0_from"] == str(out)
    assert set(training["stage_seconds"]) == {"stage1", "stage2"}  # stage 0 was not run here

    tiny = open(TINY).read()
    cases = [
        (tiny.replace("train_seed = 11", "train_seed = 13"), "its stage 0 saw other training data: train_seed 11 (config: 13)"),
        (tiny.replace("vision_layers = 2", "vision_layers = 3"), "its vision tower does not fit this config's model"),
        (tiny.replace("vision_hidden = 32", "vision_hidden = 64"), "its vision tower does not fit this config's model"),
    ]
    for i, (text, message) in enumerate(cases):
        config = tmp_path / f"other{i}.toml"
        config.write_text(text)
        assert text != tiny
        assert main(["train", str(tmp_path / f"m{i}"), "--config", str(config), "--work", str(tmp_path / f"w{i}"),
                     "--stage0-from", str(out)]) != 0
        errors = [line for line in capsys.readouterr().err.splitlines() if "error:" in line]
        assert len(errors) == 1 and message in errors[0], errors
        assert not (tmp_path / f"m{i}").exists()


def test_length_grouped_batches_are_length_bands_of_the_same_draw(trained):
    out, work = trained
    cfg = TrainConfig.load(TINY)
    tokenizer = Tokenizer.from_file(str(work / "tokenizer.json"))
    config = model_config(cfg, tokenizer)
    data = SynthImages(work / "data" / "train", cfg.data.image_size, grid=None)

    def batches(batch_size, group, steps):
        draw = TextBatches(data, tokenizer, config, "inspect_sq", batch_size, seed=5, sq_r=0.5, length_group=group)
        return [draw(k) for k in steps]

    def pairs(batch_list):  # (image, unpadded conversation) of every row
        return sorted((b["pixel_values"][r].numpy().tobytes(), tuple(b["input_ids"][r][b["attention_mask"][r] == 1].tolist()))
                      for b in batch_list for r in range(len(b["input_ids"])))

    block = batches(4, 4, range(4, 8))  # the second block of four steps
    assert [len(b["input_ids"]) for b in block] == [4] * 4
    # Every image keeps its own conversation: the block holds exactly what one draw of 16 holds.
    assert pairs(block) == pairs(batches(16, 1, [1]))
    # Each batch is a band of lengths: no batch's conversations overlap another's in length.
    bands = sorted((b["attention_mask"].sum(1).tolist() for b in block), key=max)
    assert all(max(lower) <= min(upper) for lower, upper in zip(bands, bands[1:]))
    assert max(bands[-1]) > min(bands[0])  # the conversations do differ in length
    # Step k's batch does not depend on what was drawn before it (a resumed stage gets the same).
    alone = batches(4, 4, [6])[0]
    assert all(torch.equal(alone[key], block[2][key]) for key in block[2])
    with pytest.raises(ValueError, match="length_group must be at least 1"):
        batches(4, 0, [0])


def test_estimate_times_each_stage_of_the_config(monkeypatch):
    cfg = TrainConfig.load(TINY)
    result = estimate(cfg, steps=2, warmup=1, sample=24)
    rows = result["rows"]
    for name, stage in (("stage0", cfg.stage0), ("stage1", cfg.stage1), ("stage2", cfg.stage2)):
        assert rows[name]["steps"] == stage.steps and rows[name]["s_per_step"] > 0
        assert rows[name]["seconds"] == pytest.approx(rows[name]["s_per_step"] * stage.steps)
    assert rows["data"]["images"] == cfg.data.train_count + cfg.data.val_count
    assert result["total_seconds"] == pytest.approx(sum(r["seconds"] for r in rows.values()))
    # A slower step shows as a longer stage: the steps are really timed, not looked up.
    real = TextBatches.__call__
    monkeypatch.setattr(TextBatches, "__call__", lambda self, step: (time.sleep(0.5), real(self, step))[1])
    slow = estimate(cfg, steps=2, warmup=1, sample=24)["rows"]
    assert slow["stage1"]["s_per_step"] >= 0.5 and slow["stage2"]["s_per_step"] >= 0.5


def test_estimate_on_the_command_line_writes_nothing(trained, tmp_path, capsys, monkeypatch):
    out, work = trained
    config = Path(TINY).resolve()
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--estimate", "--config", str(config), "--estimate-steps", "1", "--stage0-from", str(out),
                 "--threads", "1"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert "(cpu, 1 thread(s);" in printed[-1]
    rows = {line.split()[0]: line.split() for line in printed[2:]}
    assert rows["stage0"][2] == "-"  # taken from --stage0-from, not timed
    assert float(rows["stage2"][2]) > 0 and rows["total"]
    assert list(tmp_path.iterdir()) == []
    for argv, message in (
        (["--from", str(out)], "does not take --from"),
        (["--stage0-from", str(tmp_path)], "has no finished stage 0"),
        (["--estimate-steps", "0"], "at least 1 timed step"),
        (["--threads", "0"], "--threads must be at least 1"),
    ):
        assert main(["train", "--estimate", "--config", str(config), *argv]) != 0
        assert message in capsys.readouterr().err
    assert main(["train", "--config", str(config)]) != 0
    assert "give the output checkpoint folder" in capsys.readouterr().err


def test_rerun_resumes_and_skips_finished_stages(trained, tmp_path):
    out, work = trained
    before = (work / "stage2" / "done.json").read_text()
    assert main(["train", str(tmp_path / "again"), "--config", TINY, "--work", str(work)]) == 0
    assert (work / "stage2" / "done.json").read_text() == before  # not retrained


def test_interrupted_stage_resumes_from_its_checkpoint(tmp_path):
    module = torch.nn.Linear(3, 1)
    calls, first_run = [], [True]

    def loss_fn(step):
        calls.append(step)
        if step == 3 and len(calls) == 4:
            raise KeyboardInterrupt  # a kill after the step-2 checkpoint
        if first_run[0]:
            time.sleep(1.0)  # the first run's steps take time; the resumed run's do not
        return {"loss": module(torch.ones(1, 3)).pow(2).sum()}

    kwargs = dict(steps=5, out_dir=tmp_path, checkpoint_every=2, log_every=1)
    with pytest.raises(KeyboardInterrupt):
        run_stage("s", module, [{"params": list(module.parameters()), "lr": 0.1}], loss_fn, **kwargs)
    assert json.loads((tmp_path / "s" / "state.json").read_text())["step"] == 2
    calls.clear()
    first_run[0] = False
    run_stage("s", module, [{"params": list(module.parameters()), "lr": 0.1}], loss_fn, **kwargs)
    assert calls == [2, 3, 4]
    # The stage's time includes the first run's, up to its checkpoint.
    assert json.loads((tmp_path / "s" / "done.json").read_text())["seconds"] >= 2.0


def test_config_rejects_unknown_keys(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[stage2]\nstepz = 3\n")
    with pytest.raises(ValueError, match="stepz"):
        TrainConfig.load(bad)
    assert main(["train", str(tmp_path / "o"), "--config", str(bad)]) == 2


def test_eval_report_has_every_metric(trained, tmp_path):
    from models.train.data import read_groundtruth

    out, work = trained
    report_path = tmp_path / "eval.json"
    assert main(["eval", str(out), "--data", str(work / "data" / "val"), "--json", str(report_path), "--limit", "2"]) == 0
    report = json.loads(report_path.read_text())
    for key in ("n_images", "verdict_auc", "threshold", "recall_at_threshold", "false_alarm_at_threshold",
                "answer_accuracy", "hallucination_rate", "self_questions", "description_accuracy"):
        assert key in report, key
    assert report["n_images"] == 2
    assert "overall" in report["answer_accuracy"]
    assert set(report["self_questions"]) >= {"valid_rate", "distinct_per_image"}
    assert 0 <= report["answer_accuracy"]["overall"] <= 1
    assert set(report["recall_at_false_alarm"]) == {"1%", "5%"}
    # The report says how its data was made, so the card can name it once the folder is gone.
    cfg = TrainConfig.load(TINY)
    assert report["data"]["seed"] == cfg.data.val_seed and report["data"]["count"] == cfg.data.val_count
    assert report["data"]["generator_version"].startswith("synth-")
    gts = read_groundtruth(work / "data" / "val")[:2]
    assert sum(v["n"] for v in report["recall_by_defect"].values()) == sum(len(g["defects"]) for g in gts)
    assert sum(v["n"] for v in report["false_alarm_by_part"].values()) == sum(not g["defective"] for g in gts)
    # Hallucination split by the part's true state: every probe about an absent defect, once.
    from models.evaluate import probe_questions

    absent = {"good": 0, "defective": 0}
    for i, gt in enumerate(gts):
        present = {d["type"] for d in gt["defects"]}
        absent["defective" if gt["defective"] else "good"] += sum(
            p.type == "defect_presence" and p.defect not in present for _, p in probe_questions(gt, i))
    split = report["hallucination_by_part_state"]
    assert {k: v["n"] for k, v in split.items()} == absent
    rates = [(v["rate"], v["n"]) for v in split.values() if v["n"]]
    assert report["hallucination_rate"] == pytest.approx(sum(r * n for r, n in rates) / sum(n for _, n in rates))


def test_eval_of_the_exported_bundle_grades_like_the_checkpoint(trained, tmp_path):
    """The bundle is graded on the product runtime; greedy parts (description, probe answers)
    must grade exactly as the PyTorch reference does (sampled self-questions use another RNG)."""
    out, work = trained
    bundle = tmp_path / "bundle"
    assert main(["export", str(out), str(bundle), "--eval-images", "2"]) == 0
    reports = {}
    for name, model in (("checkpoint", out), ("bundle", bundle)):
        path = tmp_path / f"{name}.json"
        assert main(["eval", str(model), "--data", str(work / "data" / "val"), "--json", str(path), "--limit", "3"]) == 0
        reports[name] = json.loads(path.read_text())
    ckpt, bund = reports["checkpoint"], reports["bundle"]
    assert bund["model"]["kind"] == "bundle (fp32)" and ckpt["model"]["kind"] == "checkpoint"
    assert bund["answer_counts"] == ckpt["answer_counts"]
    greedy = [k for k in ckpt["answer_accuracy"] if k not in ("overall", "verdict")]
    assert greedy and {k: bund["answer_accuracy"][k] for k in greedy} == {k: ckpt["answer_accuracy"][k] for k in greedy}
    assert bund["description_accuracy"] == pytest.approx(ckpt["description_accuracy"], nan_ok=True)  # nan: no claims
    assert bund["threshold"] == pytest.approx(ckpt["threshold"])


def test_eval_refuses_bad_paths(tmp_path, capsys):
    assert main(["eval", str(tmp_path), "--data", str(tmp_path), "--json", str(tmp_path / "r.json")]) == 2
    assert "neither a checkpoint folder" in capsys.readouterr().err


def test_inspection_is_deterministic_for_a_seed(trained):
    from models.inspect import Inspector, read_image

    out, work = trained
    inspector = Inspector(out)
    image = read_image(next((work / "data" / "val" / "images").iterdir()))
    a = inspector.inspect(image, seed=3).to_dict()
    b = inspector.inspect(image, seed=3).to_dict()
    assert a == b
    assert a["verdict"] in ("pass", "fail") and 0 <= a["defect_probability"] <= 1
