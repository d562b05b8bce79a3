"""The default model's card is written from its eval reports: no number in it is typed by hand."""

from __future__ import annotations

import json
from pathlib import Path

from models.model_card import render_card

MODEL = Path(__file__).resolve().parents[1] / "models" / "default_model"


def _row(card: str, name: str) -> list[str]:
    line = next(line for line in card.splitlines() if line.startswith(f"| {name} |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_card_tables_come_from_the_reports():
    heldout = json.loads((MODEL / "eval-heldout.json").read_text())
    ablation = {name: json.loads((MODEL / f"eval-ablation-{name}.json").read_text()) for name in ("a", "b", "c")}
    card = render_card(MODEL, heldout, ablation, "A note.")
    assert _row(card, "verdict_auc")[1] == f"{heldout['verdict_auc']:.4f}"
    assert _row(card, "defect_type")[1:] == [f"{heldout['answer_accuracy']['defect_type']:.4f}",
                                             str(heldout["answer_counts"]["defect_type"])]
    assert "\nA note.\n" in card
    assert _row(card, "recall_at_false_alarm.5%")[1] == f"{heldout['recall_at_false_alarm']['5%']:.4f}"
    for name, row in heldout["recall_by_defect"].items():
        assert _row(card, name)[1:] == [f"{row['recall']:.4f}", str(row["n"])]
    for part, row in heldout["false_alarm_by_part"].items():
        assert _row(card, part)[1:] == [f"{row['false_alarm']:.4f}", str(row["n"])]
    for state, row in heldout["hallucination_by_part_state"].items():
        assert _row(card, state)[1:] == [f"{row['rate']:.4f}", str(row["n"])]
    for name, report in ablation.items():
        row = _row(card, name)
        assert row[1] == str(report["n_images"]) and row[2] == f"{report['verdict_auc']:.4f}"
        answers = report["answer_accuracy"]
        assert row[4] == f"{report['recall_at_false_alarm']['1%']:.4f}"
        assert row[5] == f"{answers['overall']:.4f}"
        assert row[6] == f"{answers['defect_location']:.4f} / {answers['defect_type']:.4f}"
        assert row[9] == f"{report['self_questions']['valid_rate']:.4f}"


def test_committed_card_shows_the_committed_ablation():
    card = (MODEL / "README.md").read_text()
    for name in ("a", "b", "c"):
        report = json.loads((MODEL / f"eval-ablation-{name}.json").read_text())
        assert f"| {report['n_images']} | {report['verdict_auc']:.4f} |" in card


def test_card_states_how_the_threshold_was_chosen():
    meta = json.loads((MODEL / "sqinspect.json").read_text())
    heldout = json.loads((MODEL / "eval-heldout.json").read_text())
    card = render_card(MODEL, heldout, {}, "")
    chosen = meta["inspection"]["threshold_from"]
    line = next(line for line in card.splitlines() if line.startswith("- Verdict threshold"))
    assert f"{meta['inspection']['threshold']:.3g}" in line
    assert f"keeps {chosen['recall']:.0%} of the defective parts of `{chosen['data']}` ({chosen['parts']} parts" in line
    assert f"false alarm {chosen['false_alarm']:.3f}" in line
    if chosen.get("views", 1) > 1:
        assert f"averaged over {chosen['views']} views" in line
    # The committed eval used the threshold and the verdict views the model records.
    assert heldout["threshold"] == meta["inspection"]["threshold"]
    assert heldout.get("verdict_views", 1) == meta["inspection"].get("verdict_views", 1) == chosen.get("views", 1)


def test_card_names_the_heldout_set_from_the_report_once_its_folder_is_gone(tmp_path):
    heldout = json.loads((MODEL / "eval-heldout.json").read_text())
    heldout["data"] = {"dir": str(tmp_path / "gone"), "generator_version": "synth-9.9", "seed": 4242, "count": 2000}
    card = render_card(MODEL, heldout, {}, "")
    assert "- Held-out test: 2000 images, `sqinspect synth OUT --count 2000 --seed 4242` (synth-9.9)" in card
    heldout["data"] = {"dir": str(tmp_path / "gone")}  # a report from before the origin was recorded
    assert f"from `{tmp_path / 'gone'}`" in render_card(MODEL, heldout, {}, "")


def test_card_of_a_model_that_keeps_its_stage0_tells_how_to_start_the_ablation_from_it(tmp_path):
    heldout = json.loads((MODEL / "eval-heldout.json").read_text())
    model = tmp_path / "model"
    (model / "stage0").mkdir(parents=True)
    (model / "sqinspect.json").write_bytes((MODEL / "sqinspect.json").read_bytes())
    assert "--stage0-from OUT.work" in render_card(model, heldout, {"(a)": heldout}, "")
    (model / "stage0" / "done.json").write_text('{"steps": 12000}')
    card = render_card(model, heldout, {"(a)": heldout}, "")
    assert f"--stage0-from {model}`" in card and "--stage0-from OUT.work" not in card


def _card_of_model_08_with(tmp_path, change=lambda meta: None) -> str:
    """The card of model 0.8's metadata, changed by `change`, with its held-out report."""
    heldout = json.loads((MODEL / "eval-heldout.json").read_text())
    meta = json.loads((MODEL / "sqinspect.json").read_text())
    change(meta)
    model = tmp_path / "model"
    model.mkdir(exist_ok=True)
    (model / "sqinspect.json").write_text(json.dumps(meta))
    return render_card(model, heldout, {}, "")


def test_card_says_when_batches_were_grouped_by_length(tmp_path):
    assert "steps' batches at a time" not in _card_of_model_08_with(tmp_path)  # model 0.8: drawn one by one
    card = _card_of_model_08_with(tmp_path, lambda meta: meta["training"]["config"]["stage2"].update(length_group=8))
    assert "- Stages 1 and 2 draw 8 steps' batches at a time" in card


def test_card_says_when_a_budget_cut_the_steps(tmp_path):
    assert "budget" not in _card_of_model_08_with(tmp_path)  # model 0.8: the recipe's steps
    budget = {"minutes": 85, "config_steps": {"stage0": 12000, "stage1": 1250, "stage2": 2400},
              "steps": {"stage0": 6000, "stage1": 625, "stage2": 1300},
              "s_per_step": {"stage0": 0.46, "stage1": 0.445, "stage2": 1.358}}
    card = _card_of_model_08_with(tmp_path, lambda meta: meta["training"].update(budget=budget))
    line = next(x for x in card.splitlines() if "budget" in x)
    assert line.startswith("- Trained under a budget of 85 min for the whole run")
    assert "(stage0 6000 of 12000; stage1 625 of 1250; stage2 1300 of 2400)" in line
    assert "(stage0 0.460, stage1 0.445, stage2 1.358)" in line
