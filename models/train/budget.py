"""A wall-time budget for `sqinspect train` (`[train] budget_minutes`).

The machines here differ by 2.5x (a stage-0 step of the default config took 0.19 s on one and
0.46-0.54 s on others), so a config's step counts alone cannot promise when a run ends. A config's
steps are its recipe in full; with a budget, a run first times a few steps of each stage on this
machine and, where the recipe would overrun, gives every stage the same share of its steps, so that
the whole run (data, stages, the stage-0 check and the threshold) fits. Learning-rate schedules
are by fraction of a stage (cosine, 3% warm-up): a scaled stage is the same recipe, shorter.

Each stage's steps are fixed when it starts and kept in WORK/plan.json, so a resumed run trains
the same stages; the time a stage saved or lost against its timing goes to or comes from the
stages after it, and a stage slower than timed makes the plan expect the later ones slower too.
Time is the training's own: data, timing and the finished stages' recorded seconds, not the
hours a killed run lay idle.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path

from models.train.config import TrainConfig

log = logging.getLogger(__name__)

STAGES = ("stage0", "stage1", "stage2")
# Below a tenth of its steps a stage is not the recipe any more; such a budget is refused up front.
MIN_SCALE = 0.1
PLAN_FILE = "plan.json"


@dataclass
class Plan:
    minutes: float
    config_steps: dict[str, int]  # the recipe's steps of the stages this run trains
    s_per_step: dict[str, float]  # timed on this machine
    spent_s: float                # before the first stage: data, tokenizer, the timing itself
    reserve_s: float              # after the last stage: stage-0 check and threshold
    steps: dict[str, int] = field(default_factory=dict)  # fixed as each stage starts

    def need_s(self, stages) -> float:
        """The stages' seconds at their full steps, as timed."""
        return sum(self.s_per_step[s] * self.config_steps[s] for s in stages)

    def check_fits(self) -> None:
        left = self.minutes * 60 - self.spent_s - self.reserve_s
        need = self.need_s(self.config_steps)
        if left < MIN_SCALE * need:
            shortest = (self.spent_s + self.reserve_s + MIN_SCALE * need) / 60
            raise ValueError(f"a budget of {self.minutes:g} min is too short for this config on this machine: "
                             f"its stages need {need / 60:.0f} min in full, and at least {shortest:.1f} min in all "
                             f"for a tenth of their steps")

    def steps_for(self, stage: str, done_s: dict[str, float]) -> int:
        """The steps of `stage`, fixed now if it has none yet. `done_s`: the finished stages' seconds."""
        if stage not in self.steps:
            ran = [s for s in self.steps if s in done_s]
            # Finished stages slower than timed say the rest will be slower too. Faster ones do not
            # promise a faster rest: session 14's stage 0 ran at 0.82 of its timing (taken in a slow
            # minute), its stage 2 at 1.03. The time they saved goes to the later stages.
            planned = sum(self.s_per_step[s] * self.steps[s] for s in ran)
            pace = max(1.0, sum(done_s[s] for s in ran) / planned) if planned > 0 else 1.0
            rest = [s for s in self.config_steps if s not in self.steps]
            left = self.minutes * 60 - self.spent_s - sum(done_s[s] for s in ran) - self.reserve_s
            scale = min(1.0, max(left, 0.0) / (pace * self.need_s(rest)))
            self.steps[stage] = max(1, round(self.config_steps[stage] * scale))
            if scale < 1:
                log.info("%s: %d of the config's %d steps (%.2f) to stay within the budget of %g min",
                         stage, self.steps[stage], self.config_steps[stage], scale, self.minutes)
            if scale < MIN_SCALE:
                log.warning("%s runs %.0f%% of its steps: the earlier stages ran %.1fx slower than timed",
                            stage, 100 * scale, pace)
        return self.steps[stage]

    def summary(self) -> dict:
        """What the model records of its budget."""
        return {"minutes": self.minutes, "config_steps": self.config_steps, "steps": self.steps,
                "s_per_step": {s: round(v, 4) for s, v in self.s_per_step.items()},
                "spent_s": round(self.spent_s, 1), "reserve_s": round(self.reserve_s, 1)}

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, path: Path, minutes: float, config_steps: dict[str, int]) -> Plan:
        plan = cls(**json.loads(Path(path).read_text()))
        if plan.minutes != minutes or plan.config_steps != config_steps:
            raise ValueError(f"{path}: planned for a budget of {plan.minutes:g} min and steps {plan.config_steps}, "
                             f"not {minutes:g} min and {config_steps}; train into a new work folder")
        return plan


def budget_scale(cfg: TrainConfig, rows: dict) -> dict:
    """What a budget makes of an estimate's rows (--estimate): the stages' share and steps."""
    stages = [s for s in STAGES if s in rows and not rows[s].get("skipped")]
    fixed = sum(r["seconds"] for name, r in rows.items() if name not in stages)
    need = sum(rows[s]["seconds"] for s in stages)
    scale = min(1.0, max(cfg.train.budget_minutes * 60 - fixed, 0.0) / need) if need else 1.0
    steps = {s: max(1, round(rows[s]["steps"] * scale)) for s in stages}
    return {"minutes": cfg.train.budget_minutes, "scale": scale, "steps": steps,
            "seconds": fixed + sum(rows[s]["s_per_step"] * steps[s] for s in stages)}


def plan_budget(cfg: TrainConfig, work_dir: Path, tokenizer, data, val_dir: Path, device, started: float,
                checkpoint: Path | None = None) -> Plan | None:
    """The run's plan (None without a budget): WORK/plan.json if an earlier run of this work folder
    made one, else timed now for the stages not finished yet (stage 2 alone when fine-tuning
    `checkpoint`). Under torchrun rank 0 times and the others read its plan."""
    import time

    from models.train import distributed
    # Imported here: the estimate builds on the pipeline, which builds on this module.
    from models.train.estimate import stage_rates, threshold_seconds_per_image

    if not cfg.train.budget_minutes:
        return None
    path = Path(work_dir) / PLAN_FILE
    with distributed.main_first():
        if path.exists():
            return Plan.load(path, cfg.train.budget_minutes, {s: getattr(cfg, s).steps for s in _planned(path)})
        stages = ["stage2"] if checkpoint is not None else \
            [s for s in STAGES if not (Path(work_dir) / s / "done.json").exists()]
        new_model = None
        if checkpoint is not None:
            from models.modeling_sqllava import SQLlavaForConditionalGeneration

            def new_model():
                return SQLlavaForConditionalGeneration.from_pretrained(checkpoint, use_safetensors=True).to(device)
        log.info("budget %g min: timing %s on this machine", cfg.train.budget_minutes, ", ".join(stages))
        rates = stage_rates(cfg, tokenizer, data, device, stages, steps=10, warmup=3, new_model=new_model)
        reserve = threshold_seconds_per_image(cfg, tokenizer, val_dir, checkpoint=checkpoint) * cfg.data.val_count
        if "stage0" in stages:  # the stage-0 check: one forward pass (a third of a step) per validation image
            reserve += rates["stage0"] / 3 / cfg.stage0.batch_size * cfg.data.val_count
        plan = Plan(cfg.train.budget_minutes, {s: getattr(cfg, s).steps for s in stages}, rates,
                    time.time() - started, reserve)
        plan.check_fits()
        plan.save(path)
        return plan


def _planned(path: Path) -> list[str]:
    return list(json.loads(Path(path).read_text())["config_steps"])


def finished_seconds(work_dir: Path) -> dict[str, float]:
    """The recorded seconds of the stages finished in `work_dir`."""
    done = {s: Path(work_dir) / s / "done.json" for s in STAGES}
    return {s: json.loads(p.read_text()).get("seconds", 0.0) for s, p in done.items() if p.exists()}
