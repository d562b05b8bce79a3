"""One training stage: AdamW, warm-up + cosine schedule, progress bar, CSV log, checkpoint/resume."""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import math
import time
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from models.train import distributed

log = logging.getLogger(__name__)


def cosine_lr(step: int, total: int, warmup_frac: float = 0.03) -> float:
    warmup = max(1, int(total * warmup_frac))
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1 + math.cos(math.pi * min(progress, 1.0)))


def run_stage(
    name: str,
    module: torch.nn.Module,
    param_groups: list[dict],
    loss_fn: Callable[[int], dict[str, torch.Tensor]],
    *,
    steps: int,
    out_dir: Path,
    checkpoint_every: int = 250,
    log_every: int = 10,
    weight_decay: float = 0.0,
) -> Path:
    """Train `module` for `steps`; `loss_fn(k)` draws batch k and returns {"loss": ..., ...} (k is
    the step; under torchrun step * processes + rank, so that every process sees other parts).

    State lives in out_dir/<name>/: trainable weights (safetensors), optimiser state (tensors
    only), the step reached, and loss.csv. A rerun resumes from the last checkpoint; a finished
    stage is skipped.
    """
    stage_dir = Path(out_dir) / name
    stage_dir.mkdir(parents=True, exist_ok=True)
    done_marker = stage_dir / "done.json"
    trainable = {n: p for n, p in module.named_parameters() if p.requires_grad}
    if done_marker.exists():
        module.load_state_dict(load_file(str(stage_dir / "weights.safetensors")), strict=False)
        log.info("%s already finished; loaded its weights", name)
        return stage_dir

    optimizer = torch.optim.AdamW(param_groups, weight_decay=weight_decay)
    base_lrs = [g["lr"] for g in optimizer.param_groups]
    start, spent = 0, 0.0
    state_file = stage_dir / "state.json"
    if state_file.exists():
        state = json.loads(state_file.read_text())
        # The time spent up to the checkpoint counts: done.json then gives the stage's whole time
        # (steps redone after a kill are counted twice, as they were run twice).
        start, spent = state["step"], state.get("seconds", 0.0)
        module.load_state_dict(load_file(str(stage_dir / "weights.safetensors")), strict=False)
        optimizer.load_state_dict(torch.load(stage_dir / "optimizer.pt", weights_only=True))
        log.info("%s: resuming at step %d", name, start)

    log_path = stage_dir / "loss.csv"
    new_log = start == 0 or not log_path.exists()
    main, world, rank = distributed.is_main(), distributed.world_size(), distributed.rank()
    params = list(trainable.values())
    # Under torchrun only rank 0 keeps the log; every rank draws its own batches (index
    # step * world + rank; one process: just step).
    with open(log_path, "w" if new_log else "a", newline="") if main else contextlib.nullcontext() as log_file:
        writer = None
        t0 = time.time() - spent
        bar = tqdm(range(start, steps), desc=name, initial=start, total=steps, unit="step", disable=not main)
        for step in bar:
            scale = cosine_lr(step, steps)
            for group, base in zip(optimizer.param_groups, base_lrs):
                group["lr"] = base * scale
            losses = loss_fn(step * world + rank)
            optimizer.zero_grad(set_to_none=True)
            losses["loss"].backward()
            distributed.average_gradients(params)
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            if not main:
                continue
            if step % log_every == 0 or step == steps - 1:
                row = {"step": step, "seconds": round(time.time() - t0, 2), "lr": optimizer.param_groups[0]["lr"]}
                row.update({k: round(float(v.detach()), 5) for k, v in losses.items()})
                if writer is None:
                    writer = csv.DictWriter(log_file, fieldnames=list(row))
                    if new_log:
                        writer.writeheader()
                writer.writerow(row)
                log_file.flush()
                bar.set_postfix(loss=f"{float(losses['loss'].detach()):.3f}")
            if (step + 1) % checkpoint_every == 0 and step + 1 < steps:
                _save(stage_dir, trainable, optimizer, step + 1, time.time() - t0)
    distributed.check_in_sync(params)
    if main:
        _save(stage_dir, trainable, optimizer, steps, time.time() - t0)
        done_marker.write_text(json.dumps({"steps": steps, "seconds": round(time.time() - t0, 1),
                                           "processes": world}))
        plot_losses(log_path, stage_dir / "loss.png", title=name)
    distributed.barrier()
    return stage_dir


def _save(stage_dir: Path, trainable: dict, optimizer, step: int, seconds: float) -> None:
    # Write then rename, so a kill mid-save leaves the previous checkpoint intact.
    tmp = stage_dir / "weights.safetensors.tmp"
    save_file({n: p.detach().contiguous() for n, p in trainable.items()}, str(tmp))
    tmp.replace(stage_dir / "weights.safetensors")
    torch.save(optimizer.state_dict(), stage_dir / "optimizer.pt.tmp")
    (stage_dir / "optimizer.pt.tmp").replace(stage_dir / "optimizer.pt")
    (stage_dir / "state.json").write_text(json.dumps({"step": step, "seconds": round(seconds, 1)}))


def plot_losses(csv_path: Path, png_path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(csv_path) as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return
    keys = [k for k in rows[0] if k not in ("step", "seconds", "lr")]
    fig, ax = plt.subplots(figsize=(7, 4))
    steps = [int(r["step"]) for r in rows]
    for key in keys:
        ax.plot(steps, [float(r[key]) for r in rows], label=key, linewidth=1.2 if key == "loss" else 0.7)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title(title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png_path, dpi=100)
    plt.close(fig)
