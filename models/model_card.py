"""The default model's card, written from the training metadata and the eval reports (JSON),
so that no number in it is typed by hand."""

from __future__ import annotations

import json
from pathlib import Path

from models.synth.dataset import read_origin

TARGETS = {
    "verdict_auc": ">= 0.98",
    "recall_at_threshold": ">= 0.95",
    "false_alarm_at_threshold": "<= 0.05",
    "recall_at_false_alarm.5%": ">= 0.95",
    "answer_accuracy.overall": ">= 0.92",
    "hallucination_rate": "<= 0.05",
    "self_questions.valid_rate": ">= 0.90",
    "self_questions.distinct_per_image": ">= 3 of 4",
    "description_accuracy": "",
}


def _get(report: dict, dotted: str):
    value = report
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _data_origin(data: dict) -> str:
    """How the evaluation set was made: recorded in the report, else the folder's info.json."""
    info = data if "seed" in data else read_origin(data["dir"])
    if not info:
        return f"from `{data['dir']}`"
    return f"`sqinspect synth OUT --count {info['count']} --seed {info['seed']}` ({info['generator_version']})"


def _fmt(value) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def _threshold_line(inspection: dict, data: dict) -> str:
    chosen = inspection.get("threshold_from")
    if chosen is None:  # models before 0.5.1 recorded no calibration; theirs kept 98% on the split
        return (f"- Verdict threshold {inspection['threshold']:.3g}, chosen on the validation split "
                f"({data['val_count']} parts; the highest threshold keeping 98% recall).")
    return (f"- Verdict threshold {inspection['threshold']:.3g}: the highest that keeps {chosen['recall']:.0%} of "
            f"the defective parts of `{chosen['data']}` ({chosen['parts']} parts, {chosen['defective']} defective; "
            f"there: recall {chosen['recall_reached']:.3f}, false alarm {chosen['false_alarm']:.3f})"
            f"{_views_note(chosen.get('views', 1))}.")


def _views_note(views: int) -> str:
    if views == 1:
        return ""
    return (f", with the verdict averaged over {views} views (the image turned by 90-degree steps; "
            f"`verdict.views` in the bundle)")


def _budget_line(budget: dict) -> str:
    shares = "; ".join(f"{stage} {budget['steps'][stage]} of {full}" for stage, full in budget["config_steps"].items())
    rates = ", ".join(f"{stage} {rate:.3f}" for stage, rate in budget["s_per_step"].items())
    return (f"- Trained under a budget of {budget['minutes']:g} min for the whole run (`[train] budget_minutes`): "
            f"the steps above are the share of the recipe's that fitted this machine ({shares}), "
            f"from its timed seconds per step ({rates}).")


def _length_group_line(cfg: dict) -> str:
    return (f"- Stages 1 and 2 draw {cfg['stage2']['length_group']} steps' batches at a time and cut them by "
            "conversation length, so a batch pads to about its own longest conversation (stage 2: 3% more "
            "tokens than the conversations hold, against 23% for batches drawn one by one).")


def _stage0_line(s0: dict) -> str:
    grids = s0.get("stem_grids") or []
    stem = f", and of each cell of the conv stem's {' and '.join(f'{g}x{g}' for g in grids)} maps" if grids else ""
    turns = "random 90-degree turns and mirrors" if s0.get("augment") else "no augmentation"
    return (f"- Stage 0 supervision: the defect under every patch token (defect patches weighted "
            f"{s0.get('defect_patch_weight', 5.0):g}){stem}; the part's 3x3 cell under every patch, and on every "
            f"defect patch the cell its defect is named by (from model 0.8 on); part, "
            f"material, count, defect types, locations and verdict from the pooled tokens; {turns}.")


_CRACKS = ("- From synth-1.2 on a crack zig-zags in 3-5 straight runs with sharp turns; before, a random walk of "
           "1.5-4.5 px steps blurred into a bent line at 128 px, and model 0.7 named crack and scratch for each other "
           "more than any other pair of defects.")


def _version(generator: str) -> tuple[int, ...]:
    return tuple(int(x) for x in generator.removeprefix("synth-").split("."))


def _stage_times(train: dict) -> str:
    return ", ".join(f"{k.replace('stage', 'stage ')} {v / 60:.1f} min" for k, v in train.get("stage_seconds", {}).items())


def render_card(checkpoint: Path, heldout: dict, ablation: dict[str, dict] | None = None,
                ablation_note: str = "", training_note: str = "") -> str:
    meta = json.loads((Path(checkpoint) / "sqinspect.json").read_text())
    train = meta["training"]
    cfg = train["config"]
    lines = [
        "# SQ-Inspect default model",
        "",
        "A small SQ-LLaVA (`SQLlavaForConditionalGeneration`, prototype projector) trained from scratch on",
        "synthetic part images on a 2-core CPU. It describes a part, asks itself inspection questions",
        "(virtual user role), answers them and gives a defect probability.",
        "",
        "## Data",
        f"- Generator `{train['generator_version']}` (`sqinspect synth`), {cfg['data']['image_size']} px.",
        f"- Training: {cfg['data']['train_count']} images, seed {cfg['data']['train_seed']}; validation (threshold): "
        f"{cfg['data']['val_count']} images, seed {cfg['data']['val_seed']}.",
        f"- Held-out test: {heldout['n_images']} images, {_data_origin(heldout['data'])} (a seed never used in training).",
        "",
        "## Training",
        f"- Stage 0 (vision tower on ground truth): {cfg['stage0']['steps']} steps x {cfg['stage0']['batch_size']}; "
        f"stage 1 (captions, plain template): {cfg['stage1']['steps']} x {cfg['stage1']['batch_size']}; "
        f"stage 2 (template `{cfg['model']['template']}`, sq_r {cfg['stage2']['sq_r']}, ViT-LoRA r {cfg['stage2']['vit_lora_r']}): "
        f"{cfg['stage2']['steps']} x {cfg['stage2']['batch_size']}.",
        f"- Wall time of the three stages: {train['wall_time_s'] / 60:.1f} min on this 2-core machine "
        f"({_stage_times(train)}; {cfg['train']['threads']} training thread(s); config `models/configs/default.toml`, "
        f"seed {cfg['seed']}).",
        *([_budget_line(train["budget"])] if train.get("budget") else []),
        *([f"- {training_note}"] if training_note else []),
        *([_length_group_line(cfg)] if cfg["stage2"].get("length_group", 1) > 1 else []),
        _stage0_line(cfg["stage0"]),
        *([_CRACKS] if _version(train["generator_version"]) >= (1, 2) else []),
        "- Stage 2 conversations open with the description, the verdict question or another question about "
        "the part (the product describes first and asks the verdict straight after the image), so that "
        "later answers cannot always be copied from the description.",
        "- Presence questions are balanced within defective parts: each present defect is asked about and "
        "as many absent ones, so a \"yes\" has to come from the defect asked about, not from the part "
        "looking defective (from model 0.5 on; model 0.4 said yes to 93% of absent defects on defective parts).",
        "- Half the location questions follow the \"Yes\" that names the location, half stand on their own, "
        "as the product asks every question after its own description (from model 0.7 on; model 0.6, asked "
        "them only right after that \"Yes\", named the location in 0.42 of the held-out location questions, "
        "while its descriptions placed a defect they named right in 159 of 232 cases).",
        "- Stage 0 vision heads on the validation split (images not trained on): " + ", ".join(f"{k} {_fmt(v)}" for k, v in train["stage0_heldout"].items()) + ".",
        _threshold_line(meta["inspection"], cfg["data"]),
        "",
        "## Held-out metrics",
        "",
        "| metric | value | target |",
        "| --- | --- | --- |",
    ]
    for key, target in TARGETS.items():
        lines.append(f"| {key} | {_fmt(_get(heldout, key))} | {target} |")
    lines += ["", "Answer accuracy per question type:", "", "| type | accuracy | n |", "| --- | --- | --- |"]
    for key, value in heldout["answer_accuracy"].items():
        if key != "overall":
            lines.append(f"| {key} | {_fmt(value)} | {heldout.get('answer_counts', {}).get(key, '')} |")
    if heldout.get("recall_by_defect"):
        lines += ["", "Verdict recall at the threshold per defect (a part with two defects counts for both):", "",
                  "| defect / severity | recall | n |", "| --- | --- | --- |"]
        lines += [f"| {k} | {_fmt(v['recall'])} | {v['n']} |" for k, v in heldout["recall_by_defect"].items()]
    if heldout.get("hallucination_by_part_state"):
        lines += ["", "Hallucination (\"yes\" to a question about a defect the part does not have) by the part's "
                  "true state:", "", "| parts | hallucination | n |", "| --- | --- | --- |"]
        lines += [f"| {k} | {_fmt(v['rate'])} | {v['n']} |" for k, v in heldout["hallucination_by_part_state"].items()]
    if heldout.get("false_alarm_by_part"):
        lines += ["", "False alarms at the threshold per part type (defect-free parts):", "",
                  "| part | false alarm | n |", "| --- | --- | --- |"]
        lines += [f"| {k} | {_fmt(v['false_alarm'])} | {v['n']} |" for k, v in heldout["false_alarm_by_part"].items()]
    if ablation:
        lines += [
            "",
            "## Ablation",
            "",
            "Same stage-0 vision tower, tokenizer, data, steps and seeds; only the stage-2 objective and the",
            "projector differ.",
            *(["", ablation_note] if ablation_note else []),
            "",
            "| variant | n | verdict AUC | recall / false alarm | recall at 1% false alarm | answers "
            "| defect location / type | defect presence | hallucination "
            "| valid self-questions | distinct of 4 | description |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for name, r in ablation.items():
            answers = r["answer_accuracy"]
            lines.append(
                f"| {name} | {r['n_images']} | {_fmt(r['verdict_auc'])} | "
                f"{_fmt(r['recall_at_threshold'])} / {_fmt(r['false_alarm_at_threshold'])} | "
                f"{_fmt(r.get('recall_at_false_alarm', {}).get('1%'))} | {_fmt(answers['overall'])} | "
                f"{_fmt(answers.get('defect_location'))} / {_fmt(answers.get('defect_type'))} | "
                f"{_fmt(answers.get('defect_presence'))} | "
                f"{_fmt(r['hallucination_rate'])} | {_fmt(r['self_questions']['valid_rate'])} | "
                f"{_fmt(r['self_questions']['distinct_per_image'])} | {_fmt(r['description_accuracy'])} |"
            )
    lines += ["", "Reproduce: `sqinspect train OUT --config models/configs/default.toml`, then",
              "`sqinspect eval OUT --data HELDOUT --json report.json`."]
    if (Path(checkpoint) / "stage0" / "done.json").is_file():
        lines += [f"This folder keeps the stage-0 vision tower the model grew from (`stage0/`: tower and heads as "
                  f"stage 0 left them, their metrics, the data they saw). Ablation models start from it: "
                  f"`sqinspect train A --config models/configs/ablation_a.toml --stage0-from {checkpoint}` "
                  f"(likewise `ablation_b.toml`; the training images are rendered again from the same seeds), "
                  f"each evaluated on the same held-out set."]
    elif ablation:
        lines += ["Ablation models: `sqinspect train A --config models/configs/ablation_a.toml --work A.work "
                  "--stage0-from OUT.work` (likewise `ablation_b.toml`), each evaluated on the same held-out set."]
    lines.append("")
    return "\n".join(lines)


def write_card(checkpoint: Path, heldout_json: Path, ablation_json: dict[str, Path] | None = None,
               ablation_note: str = "", training_note: str = "") -> Path:
    heldout = json.loads(Path(heldout_json).read_text())
    ablation = {k: json.loads(Path(v).read_text()) for k, v in (ablation_json or {}).items()}
    path = Path(checkpoint) / "README.md"
    path.write_text(render_card(checkpoint, heldout, ablation, ablation_note, training_note))
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description="Write CHECKPOINT/README.md from its eval reports.")
    p.add_argument("checkpoint", type=Path)
    p.add_argument("--heldout", type=Path, required=True, help="eval report (JSON) of the held-out set")
    p.add_argument("--ablation", action="append", default=[], metavar="NAME=REPORT",
                   help="an ablation row: its name and eval report (repeat, in table order)")
    p.add_argument("--ablation-note", default="", help="a paragraph under the ablation heading")
    p.add_argument("--training-note", default="", help="a line under the training times (how the run was made)")
    args = p.parse_args(argv)
    rows = dict(a.split("=", 1) for a in args.ablation)
    print(write_card(args.checkpoint, args.heldout, {k: Path(v) for k, v in rows.items()}, args.ablation_note,
                     args.training_note))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
