"""`sqinspect train --estimate`: how long a config's training takes on this machine, from a
few timed steps of each stage, before committing hours to it.

The same machines differ by 2.5x between sessions here (a stage-0 step of the default config took
0.19 s on one and 0.54 s on another), so a wall time quoted from elsewhere plans nothing.
The estimate renders a small sample of the config's data, builds its model and runs each stage's
own batches, losses and optimiser for `warmup + steps` steps; the time per step, times the
config's steps, is the stage's estimate. Rendering and loading are scaled from the sample, the
threshold's calibration from the verdict on a few of its images.
"""

from __future__ import annotations

import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import torch
from tqdm import tqdm

from models.modeling_sqllava import SQLlavaForConditionalGeneration
from models.train.config import TrainConfig
from models.train.data import SynthImages, read_groundtruth
from models.train.budget import budget_scale
from models.train.pipeline import (Stage, build_tokenizer, caption_stage, ensure_dataset, instruction_stage,
                                   model_config, vision_stage, write_model_folder)
from models.train.preprocess import preprocessing_spec

log = logging.getLogger(__name__)


def time_steps(stage: Stage, steps: int, warmup: int) -> float:
    """Seconds per optimiser step of `stage` (as run_stage steps: forward, backward, clip, AdamW)."""
    optimizer = torch.optim.AdamW(stage.param_groups, weight_decay=stage.weight_decay)
    params = [p for group in stage.param_groups for p in group["params"]]
    t0 = 0.0
    for k in tqdm(range(warmup + steps), desc=f"timing {stage.name}", unit="step", leave=False):
        if k == warmup:
            _sync(params)
            t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        stage.loss_fn(k)["loss"].backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
    _sync(params)
    return (time.perf_counter() - t0) / steps


def _sync(params: list[torch.Tensor]) -> None:
    if params and params[0].is_cuda:  # CUDA runs asynchronously: wait for the queued steps before reading the clock
        torch.cuda.synchronize(params[0].device)


def stage_rates(cfg: TrainConfig, tokenizer, data: SynthImages, device: torch.device, stages: list[str],
                steps: int = 10, warmup: int = 3, new_model: Callable[[], torch.nn.Module] | None = None) -> dict[str, float]:
    """Seconds per step of each of `stages`, timed on a model of its own (the config's, or
    `new_model()`: fine-tuning times the checkpoint), so the model being trained is untouched;
    torch's random state is restored after, so timing first does not change the run's init."""
    with torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        model = new_model() if new_model is not None else \
            SQLlavaForConditionalGeneration(model_config(cfg, tokenizer)).to(device)
        rates = {}
        if "stage0" in stages:
            stage0, _, taps = vision_stage(model, cfg, data, device)
            rates["stage0"] = _rate(stage0, steps, warmup)
            taps.remove()
        if "stage1" in stages:
            rates["stage1"] = _rate(caption_stage(model, cfg, tokenizer, data, device), steps, warmup)
        if "stage2" in stages:
            template = getattr(model.config, "template", None) or cfg.model.template
            rates["stage2"] = _rate(instruction_stage(model, cfg, tokenizer, data, template, device), steps, warmup)
    return rates


def threshold_seconds_per_image(cfg: TrainConfig, tokenizer, data_dir: Path, images: int = 8,
                                checkpoint: Path | None = None) -> float:
    """Seconds per validation image of the threshold's calibration (the verdict over the config's
    views), timed through the calibration's own code: on `checkpoint` (fine-tuning), else on an
    untrained model of the config."""
    from models.inspect import Inspector, verdict_scores

    with torch.random.fork_rng(), tempfile.TemporaryDirectory(prefix="sqinspect-timing-") as tmp:
        if checkpoint is None:
            checkpoint = Path(tmp)
            model = SQLlavaForConditionalGeneration(model_config(cfg, tokenizer)).eval()
            write_model_folder(model, tokenizer, cfg, checkpoint, {}, template=cfg.model.template,
                               preprocessing=preprocessing_spec(cfg.data.image_size), training={})
        inspector = Inspector(checkpoint)
        inspector.settings["verdict_views"] = cfg.data.verdict_views
        verdict_scores(inspector, data_dir, 1)  # warm-up
        t = time.perf_counter()
        verdict_scores(inspector, data_dir, images)
        return (time.perf_counter() - t) / images


def estimate(cfg: TrainConfig, steps: int = 10, warmup: int = 3, sample: int = 256,
             skip_stage0: bool = False) -> dict:
    """Measured seconds per step and estimated seconds of every stage, of rendering and loading
    the config's data and of choosing the threshold. Nothing is written outside a temporary folder."""
    if steps < 1 or warmup < 0 or sample < 16:
        raise ValueError("the estimate needs at least 1 timed step, no negative warm-up and a sample of 16 images")
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.train.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")  # as training picks it
    d = cfg.data
    images = d.train_count + d.val_count
    with tempfile.TemporaryDirectory(prefix="sqinspect-estimate-") as tmp:
        t = time.perf_counter()
        data_dir = ensure_dataset(Path(tmp) / "train", sample, d.train_seed, d.image_size, d.workers)
        render_s = time.perf_counter() - t
        gts = read_groundtruth(data_dir)
        tokenizer = build_tokenizer(cfg, gts, Path(tmp) / "tokenizer.json")
        grid = d.image_size // cfg.model.patch_size
        t = time.perf_counter()
        data = SynthImages(data_dir, d.image_size, grid, stem_grids=tuple(cfg.stage0.stem_grids))
        load_s = time.perf_counter() - t

        rows = {"data": {"images": images, "render_s_per_image": render_s / sample,
                         "load_s_per_image": load_s / sample, "seconds": (render_s + load_s) / sample * images}}
        stages = ["stage1", "stage2"] if skip_stage0 else ["stage0", "stage1", "stage2"]
        for name, s_per_step in stage_rates(cfg, tokenizer, data, device, stages, steps, warmup).items():
            rows[name] = {"steps": getattr(cfg, name).steps, "s_per_step": s_per_step,
                          "seconds": s_per_step * getattr(cfg, name).steps}
        if skip_stage0:
            rows = {"data": rows["data"], "stage0": {"steps": cfg.stage0.steps, "skipped": True, "seconds": 0.0},
                    **{k: v for k, v in rows.items() if k != "data"}}
        per_image = threshold_seconds_per_image(cfg, tokenizer, data_dir)
        rows["threshold"] = {"images": d.val_count, "s_per_image": per_image, "seconds": per_image * d.val_count}
    total = sum(r["seconds"] for r in rows.values())
    result = {"device": device.type, "threads": cfg.train.threads, "timed_steps": steps, "warmup_steps": warmup,
              "sample_images": sample, "rows": rows, "total_seconds": total}
    if cfg.train.budget_minutes:
        result["budget"] = budget_scale(cfg, rows)
    return result


def _rate(stage: Stage, steps: int, warmup: int) -> float:
    log.info("timing %s: %d steps after %d of warm-up", stage.name, steps, warmup)
    return time_steps(stage, steps, warmup)


def format_estimate(result: dict) -> str:
    lines = [f"{'part':<9} {'steps':>7} {'s/step':>8} {'minutes':>8}"]
    for name, row in result["rows"].items():
        if name == "data":
            lines.append(f"{'data':<9} {row['images']:>7} {'':>8} {row['seconds'] / 60:>8.1f}  "
                         f"(render + load, {row['images']} images)")
        elif name == "threshold":
            lines.append(f"{name:<9} {row['images']:>7} {row['s_per_image']:>8.3f} {row['seconds'] / 60:>8.1f}  "
                         f"(the verdict on {row['images']} validation images; s/image)")
        elif row.get("skipped"):
            lines.append(f"{name:<9} {row['steps']:>7} {'':>8} {'-':>8}  (taken from --stage0-from)")
        else:
            lines.append(f"{name:<9} {row['steps']:>7} {row['s_per_step']:>8.3f} {row['seconds'] / 60:>8.1f}")
    lines.append(f"{'total':<9} {'':>7} {'':>8} {result['total_seconds'] / 60:>8.1f}  "
                 f"({result['device']}, {result['threads']} thread(s); {result['timed_steps']} timed steps per stage after "
                 f"{result['warmup_steps']} of warm-up)")
    if "budget" in result:
        b = result["budget"]
        steps = ", ".join(f"{name} {n}" for name, n in b["steps"].items())
        lines.append(f"budget {b['minutes']:g} min: " + (
            "the config's steps fit" if b["scale"] >= 1 else
            f"every stage's steps scaled by {b['scale']:.2f} ({steps}), about {b['seconds'] / 60:.1f} min in all"))
    return "\n".join(lines)
