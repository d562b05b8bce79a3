"""`[train] budget_minutes` / `--budget`: a run scales its stages' steps to fit the minutes, from
timed steps, keeps the steps it fixed for a resume, and refuses a budget it cannot keep."""

import json
from pathlib import Path

import pytest

from app.cli import main
from models.train import budget
from models.train.budget import Plan, budget_scale
from models.train.config import TrainConfig
from models.train.estimate import estimate, format_estimate

TINY = "models/configs/tiny.toml"
FULL = {"stage0": 1000, "stage1": 100, "stage2": 200}


def plan(minutes, rates=None, spent=60.0, reserve=60.0):
    return Plan(minutes, dict(FULL), rates or {"stage0": 0.5, "stage1": 0.5, "stage2": 1.5}, spent, reserve)


def test_a_budget_that_fits_keeps_the_config_steps():
    p = plan(60)  # 2 min fixed + 500 + 50 + 300 s of stages = 16 min
    done = {}
    for stage in FULL:
        assert p.steps_for(stage, done) == FULL[stage]
        done[stage] = p.s_per_step[stage] * FULL[stage]


def test_a_tight_budget_scales_every_stage_alike():
    p = plan(2 + 850 / 60 / 2)  # half the stages' time
    done = {}
    for stage in FULL:
        done[stage] = p.s_per_step[stage] * p.steps_for(stage, done)  # each runs as timed
    assert p.steps == {"stage0": 500, "stage1": 50, "stage2": 100}
    assert 60 + sum(done.values()) + 60 == pytest.approx(p.minutes * 60, rel=0.01)


def test_a_stage_slower_than_timed_shortens_the_ones_after_it():
    p = plan(2 + 850 / 60 / 2)
    steps0 = p.steps_for("stage0", {})
    slow = {"stage0": 2 * p.s_per_step["stage0"] * steps0}  # stage 0 ran at half the timed speed
    steps1 = p.steps_for("stage1", slow)
    # Left: 425 - 500 s; the stages after run at half speed too: nothing of them fits, one step each.
    assert steps0 == 500 and steps1 == 1
    q = plan(2 + 850 / 60 / 2)
    q.steps_for("stage0", {})
    fast = {"stage0": 0.5 * q.s_per_step["stage0"] * 500}  # twice as fast: 125 s saved
    # The saved time goes to the later stages, at their own timing (no faster): 300 s for 350.
    assert q.steps_for("stage1", fast) == 86
    assert q.steps_for("stage1", {"stage0": 1e9}) == 86  # fixed once decided: a resume keeps it


def test_a_budget_too_short_for_a_tenth_of_the_steps_is_refused():
    with pytest.raises(ValueError, match=r"a budget of 3 min is too short .* stages need 14 min in full, "
                                         r"and at least 3.4 min in all"):
        plan(3).check_fits()  # 2 min fixed + 85 s (a tenth) = 3.4 min
    plan(3.5).check_fits()


def test_a_plan_is_kept_for_its_budget_and_steps_only(tmp_path):
    p = plan(10)
    p.steps_for("stage0", {})
    p.save(tmp_path / "plan.json")
    again = Plan.load(tmp_path / "plan.json", 10, dict(FULL))
    assert again == p
    with pytest.raises(ValueError, match="planned for a budget of 10 min.*train into a new work folder"):
        Plan.load(tmp_path / "plan.json", 20, dict(FULL))
    with pytest.raises(ValueError, match="planned for a budget"):
        Plan.load(tmp_path / "plan.json", 10, FULL | {"stage2": 300})


def test_the_estimate_says_what_a_budget_makes_of_the_config():
    cfg = TrainConfig.load(TINY)
    rows = {"data": {"seconds": 60.0}, "stage0": {"steps": 100, "s_per_step": 1.0, "seconds": 100.0},
            "stage1": {"steps": 10, "s_per_step": 1.0, "seconds": 10.0},
            "stage2": {"steps": 50, "s_per_step": 2.0, "seconds": 100.0}, "threshold": {"seconds": 30.0}}
    cfg.train.budget_minutes = (90 + 105) / 60
    b = budget_scale(cfg, rows)
    assert b["scale"] == pytest.approx(0.5) and b["steps"] == {"stage0": 50, "stage1": 5, "stage2": 25}
    assert b["seconds"] == pytest.approx(195)
    cfg.train.budget_minutes = 10
    assert budget_scale(cfg, rows)["scale"] == 1.0


def test_estimate_prints_the_budget(monkeypatch):
    cfg = TrainConfig.load(TINY)
    cfg.train.budget_minutes = 0.001
    result = estimate(cfg, steps=1, warmup=0, sample=24)
    assert result["rows"]["threshold"]["images"] == cfg.data.val_count
    assert result["rows"]["threshold"]["s_per_image"] > 0
    last = format_estimate(result).splitlines()[-1]
    assert last.startswith("budget 0.001 min: every stage's steps scaled by 0.00 (stage0 1, stage1 1, stage2 1)")


def test_training_under_a_budget_records_the_steps_it_ran(tmp_path, monkeypatch):
    timed = []

    def rates(cfg, tokenizer, data, device, stages, steps, warmup, new_model=None):
        timed.append(list(stages))
        return {s: 30.0 if s == "stage0" else 1.0 for s in stages}  # as a machine with a slow stage 0 would

    monkeypatch.setattr("models.train.estimate.stage_rates", rates)
    out, work = tmp_path / "model", tmp_path / "work"
    argv = ["train", str(out), "--config", TINY, "--work", str(work), "--threads", "1"]
    assert main(argv + ["--budget", "0.01"]) != 0  # refused before any training
    assert not (work / "stage0").exists() and not (work / "plan.json").exists()
    # Stages of 3, 2 and 3 steps at a timed 30, 1 and 1 s: 95 s; a minute, less the data's few
    # seconds, leaves them between a tenth and 60% of that: stage 0 is cut to 1-2 of its 3 steps.
    assert main(argv + ["--budget", "1"]) == 0
    meta = json.loads((out / "sqinspect.json").read_text())["training"]
    assert timed == [["stage0", "stage1", "stage2"]] * 2  # the refused run timed them too
    steps = meta["budget"]["steps"]
    assert 1 <= steps["stage0"] < 3, meta["budget"]
    # Stage 0 really ran in far less than its timed 30 s a step: the later stages got their full steps back.
    assert steps["stage1"] == 2 and steps["stage2"] == 3
    assert meta["config"]["stage0"]["steps"] == steps["stage0"]
    assert json.loads((work / "stage0" / "done.json").read_text())["steps"] == steps["stage0"]
    # A rerun of the work folder keeps its plan: nothing is timed or trained again.
    plan_file = work / "plan.json"
    before = plan_file.read_text()
    assert main(argv + ["--budget", "1"]) == 0
    assert plan_file.read_text() == before and len(timed) == 2
    assert main(argv + ["--budget", "30"]) != 0  # another budget on the same work folder

    # Fine-tuning times stage 2 alone, on the checkpoint: at a timed 40 s a step its 3 steps take
    # 120 s, and a minute leaves it one or two.
    monkeypatch.setattr("models.train.estimate.stage_rates", lambda *a, new_model=None, **k: (
        timed.append((a[4], new_model().config.text_config.hidden_size)), {"stage2": 40.0})[1])
    tuned = tmp_path / "tuned"
    assert main(["train", str(tuned), "--config", TINY, "--from", str(out), "--budget", "1", "--threads", "1"]) == 0
    assert timed[-1] == (["stage2"], 32)  # the checkpoint's own model was timed
    meta = json.loads((tuned / "sqinspect.json").read_text())["training"]
    assert meta["budget"]["config_steps"] == {"stage2": 3} and 1 <= meta["budget"]["steps"]["stage2"] <= 2
    assert meta["finetuned_from"]["path"] == str(out)


def test_budget_flag_is_checked(capsys):
    assert main(["train", "x", "--config", TINY, "--budget", "-1"]) != 0
    assert "--budget must be 0 (none) or a number of minutes" in capsys.readouterr().err
    assert budget.MIN_SCALE == 0.1 and Path(TINY).is_file()
