"""`sqinspect train`: data -> tokenizer -> stage 0 (vision) -> stage 1 (captions) -> stage 2
(self-questioning) -> our checkpoint folder (merged, safetensors), with threshold and metadata.

Every stage checkpoints into WORK/<stage>/ and a rerun resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from tokenizers import Tokenizer
from transformers import CLIPVisionConfig, CLIPVisionModel, LlamaConfig

from models.configuration_sqllava import SQLlavaConfig
from models.conversation import IGNORE_INDEX, build_example, get_template, render_conversation
from models.lora import LoraSettings, apply_lora, merge_lora
from models.modeling_sqllava import SQLlavaForConditionalGeneration
from models.synth.dataset import write_dataset
from models.synth.text import caption, conversation
from models.synth.vocab import GENERATOR_VERSION
from models.tokenizer import special_token_ids, train_bpe_tokenizer
from models.train import distributed, stage0_release
from models.train.budget import PLAN_FILE, Plan, finished_seconds, plan_budget
from models.train.config import TrainConfig
from models.train.data import SynthImages, read_groundtruth
from models.train.loop import run_stage
from models.train.preprocess import preprocessing_spec
from models.train.stage0 import VisionPretrainHeads, random_dihedral, stage0_losses, stage0_metrics, StemTaps
from models.vision_tower import ConvStemCLIPVisionConfig

log = logging.getLogger(__name__)


def ensure_dataset(folder: Path, count: int, seed: int, size: int, workers: int) -> Path:
    if (folder / "groundtruth.jsonl").exists() and len(read_groundtruth(folder)) == count:
        return folder
    write_dataset(folder, count, seed, size=size, workers=workers, overwrite=True)
    return folder


def build_tokenizer(cfg: TrainConfig, gts: list[dict], path: Path) -> Tokenizer:
    if path.exists():
        return Tokenizer.from_file(str(path))
    rng = np.random.default_rng(cfg.seed)
    py_rng = random.Random(cfg.seed)
    template = get_template(cfg.model.template)

    def corpus():
        # The texts exactly as the model sees them, roles and separators included, so that
        # e.g. " Yes" after "ASSISTANT:" becomes one token (the verdict reads its logit).
        for gt in gts[: cfg.tokenizer.corpus_images]:
            yield caption(gt, rng)
            turns = conversation(gt, rng)
            for chunk in render_conversation(turns, template, sq_r=0.5, rng=py_rng)[0].text.split("<image>"):
                yield chunk

    tokenizer = train_bpe_tokenizer(corpus(), vocab_size=cfg.tokenizer.vocab_size)
    tokenizer.save(str(path))
    return tokenizer


def vision_config(cfg: TrainConfig) -> CLIPVisionConfig:
    m = cfg.model
    kwargs = dict(
        hidden_size=m.vision_hidden, intermediate_size=4 * m.vision_hidden, num_hidden_layers=m.vision_layers,
        num_attention_heads=m.vision_heads, image_size=cfg.data.image_size, patch_size=m.patch_size,
    )
    if m.vision_stem:
        return ConvStemCLIPVisionConfig(stem_channels=list(m.vision_stem), **kwargs)
    return CLIPVisionConfig(**kwargs)


def model_config(cfg: TrainConfig, tokenizer: Tokenizer) -> SQLlavaConfig:
    m = cfg.model
    ids = special_token_ids(tokenizer)
    text = LlamaConfig(
        vocab_size=tokenizer.get_vocab_size(), hidden_size=m.text_hidden, intermediate_size=int(m.text_hidden * 2.75),
        num_hidden_layers=m.text_layers, num_attention_heads=m.text_heads, num_key_value_heads=m.text_kv_heads,
        max_position_embeddings=1024, bos_token_id=ids["bos"], eos_token_id=ids["eos"], pad_token_id=ids["pad"],
    )
    vision = vision_config(cfg)
    return SQLlavaConfig(
        vision_config=vision.to_dict(), text_config=text.to_dict(), image_token_index=ids["image"],
        image_seq_length=(vision.image_size // vision.patch_size) ** 2, vision_feature_layer=m.vision_feature_layer,
        mm_projector_type=m.projector, num_prototypes=m.num_prototypes, prototype_iters=m.prototype_iters,
    )


def to_device(batch: dict[str, torch.Tensor], device: torch.device) -> dict[str, torch.Tensor]:
    return {k: v.to(device, non_blocking=True) for k, v in batch.items()}


def pad_batch(examples: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    width = max(len(e["input_ids"]) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for i, e in enumerate(examples):
        n = len(e["input_ids"])
        ids[i, :n] = torch.tensor(e["input_ids"])
        labels[i, :n] = torch.tensor(e["labels"])
        mask[i, :n] = 1
    return {"input_ids": ids, "labels": labels, "attention_mask": mask}


class TextBatches:
    """Draws a random batch of images and builds a fresh conversation (or caption) for each.

    With length_group G > 1, steps come in blocks of G: a block draws G batches' worth of
    examples at once, sorts them by length and cuts them into G batches (in random order), so a
    batch pads to a width near its own examples' (stage 2, groups of 8: 3% more tokens than the conversations hold, against 23% with none)."""

    def __init__(self, data: SynthImages, tokenizer: Tokenizer, config: SQLlavaConfig, template: str,
                 batch_size: int, seed: int, sq_r: float = 0.0, answers_only: bool = False, length_group: int = 1):
        self.data, self.tokenizer, self.template = data, tokenizer, template
        self.batch_size, self.seed, self.sq_r, self.answers_only = batch_size, seed, sq_r, answers_only
        if length_group < 1:
            raise ValueError(f"length_group must be at least 1, got {length_group}")
        self.length_group = length_group
        self.image_token_id = config.image_token_index
        self.num_image_tokens = config.image_seq_length
        self.pad_id = special_token_ids(tokenizer)["pad"]
        self._block: tuple[int, list[dict[str, torch.Tensor]]] | None = None

    def __call__(self, step: int) -> dict[str, torch.Tensor]:
        block, slot = divmod(step, self.length_group)
        if self._block is None or self._block[0] != block:
            self._block = (block, self._draw_block(block))
        return self._block[1][slot]

    def _draw_block(self, block: int) -> list[dict[str, torch.Tensor]]:
        rng = random.Random(self.seed * 1_000_003 + block)  # batch k is the same on resume
        index = [rng.randrange(len(self.data)) for _ in range(self.batch_size * self.length_group)]
        text_rng = np.random.default_rng(rng.randrange(2**63))
        examples = []
        for i in index:
            gt = self.data.gts[i]
            if self.template == "plain":
                turns = [{"from": "human", "value": "<image>\n"}, {"from": "gpt", "value": caption(gt, text_rng)}]
            else:
                turns = conversation(gt, text_rng)
            examples.append(build_example(
                turns, self.tokenizer, self.template, image_token_id=self.image_token_id,
                num_image_tokens=self.num_image_tokens, sq_r=self.sq_r, seed=rng.randrange(2**31),
                answers_only=self.answers_only,
            ))
        order = list(range(len(index)))
        if self.length_group > 1:
            order.sort(key=lambda j: len(examples[j]["input_ids"]))
        groups = [order[g:g + self.batch_size] for g in range(0, len(order), self.batch_size)]
        rng.shuffle(groups)  # short and long batches interleave, not a rising length through the block
        batches = []
        for group in groups:
            batch = pad_batch([examples[j] for j in group], self.pad_id)
            batch["pixel_values"] = self.data.pixels[[index[j] for j in group]].float()
            batches.append(batch)
        return batches


def share_stage0(source: Path, work_dir: Path, cfg: TrainConfig) -> None:
    """Start from a finished stage 0 (and its tokenizer): another run's work folder (its data is
    shared too) or a checkpoint that keeps its stage0/ (the data is rendered again from the same
    seeds). The ablations must differ only in what they ablate, not in the vision tower."""
    source = Path(source)
    if not (source / "stage0" / "done.json").exists():
        raise ValueError(f"--stage0-from {source}: has no finished stage 0 to share "
                         "(a work folder, or a checkpoint folder with stage0/)")
    released = not (source / "data").exists()
    if released:
        if not (source / "stage0" / stage0_release.DATA_SPEC).is_file():
            raise ValueError(f"--stage0-from {source}: its stage0/ does not say what data it saw ({stage0_release.DATA_SPEC})")
        stage0_release.check_data(source, cfg)
    else:
        shared = len(read_groundtruth(source / "data" / "train"))
        if shared != cfg.data.train_count:  # ensure_dataset would render over the other run's data
            raise ValueError(f"--stage0-from {source}: its data set has {shared} training images, "
                             f"the config asks for {cfg.data.train_count}")
    work_dir.mkdir(parents=True, exist_ok=True)
    if not (work_dir / "stage0").exists():
        shutil.copytree(source / "stage0", work_dir / "stage0")
        shutil.copy2(source / "tokenizer.json", work_dir / "tokenizer.json")
    if not released and not (work_dir / "data").exists():
        (work_dir / "data").symlink_to((source / "data").resolve(), target_is_directory=True)


def train(config_path: Path, work_dir: Path, out: Path, stage0_from: Path | None = None,
          init_from: Path | None = None, threads: int | None = None, budget_minutes: float | None = None) -> Path:
    """The full pipeline from random init; with `init_from` (a checkpoint folder), stage 2 only."""
    if stage0_from is not None and init_from is not None:
        raise ValueError("--stage0-from and --from exclude each other (a checkpoint has its own vision tower)")
    started = time.time()
    cfg = TrainConfig.load(config_path)
    if threads is not None:  # the machine's, not the recipe's: the model records what it ran on
        cfg.train.threads = threads
    if budget_minutes is not None:  # as the machine: a recipe run on another machine gets its own
        cfg.train.budget_minutes = budget_minutes
    device = distributed.setup()
    torch.manual_seed(cfg.seed)  # the same on every process: replicas start equal
    torch.set_num_threads(cfg.train.threads)
    work_dir = Path(work_dir)
    d = cfg.data
    with distributed.main_first():  # under torchrun: rank 0 renders and writes, the others read
        if stage0_from is not None:
            share_stage0(stage0_from, work_dir, cfg)
        work_dir.mkdir(parents=True, exist_ok=True)
        (work_dir / "config.json").write_text(json.dumps(cfg.to_dict(), indent=2))
        train_dir = ensure_dataset(work_dir / "data" / "train", d.train_count, d.train_seed, d.image_size, d.workers)
        val_dir = ensure_dataset(work_dir / "data" / "val", d.val_count, d.val_seed, d.image_size, d.workers)
        if init_from is None:
            tokenizer = build_tokenizer(cfg, read_groundtruth(train_dir), work_dir / "tokenizer.json")
    if init_from is not None:
        return finetune(cfg, init_from, work_dir, out, train_dir, val_dir, device, started)

    config = model_config(cfg, tokenizer)
    model = SQLlavaForConditionalGeneration(config).to(device)
    grid = cfg.data.image_size // cfg.model.patch_size
    train_data = SynthImages(train_dir, cfg.data.image_size, grid, stem_grids=tuple(cfg.stage0.stem_grids))
    val_data = SynthImages(val_dir, cfg.data.image_size, grid)
    loop = dict(out_dir=work_dir, checkpoint_every=cfg.train.checkpoint_every, log_every=cfg.train.log_every)
    plan = plan_budget(cfg, work_dir, tokenizer, train_data, val_dir, device, started)

    # Stage 0: the vision tower alone, on the ground truth.
    fix_steps(cfg, plan, "stage0", work_dir)
    stage0, heads, taps = vision_stage(model, cfg, train_data, device)
    if stage0_from is not None:
        stage0_release.check_tower(work_dir / "stage0" / "weights.safetensors", model.model.vision_tower, stage0_from)
    stage0.run(**loop)
    taps.remove()
    vision_metrics = {}
    if distributed.is_main():  # under torchrun the replicas are equal: one process measures
        vision_metrics = stage0_metrics(model.model.vision_tower, heads, val_data, cfg.model.vision_feature_layer)
        log.info("stage 0 held-out: %s", vision_metrics)
        (work_dir / "stage0" / "metrics.json").write_text(json.dumps(vision_metrics, indent=2))

    fix_steps(cfg, plan, "stage1", work_dir)
    caption_stage(model, cfg, tokenizer, train_data, device).run(**loop)
    fix_steps(cfg, plan, "stage2", work_dir)
    model = train_stage2(model, cfg, tokenizer, train_data, cfg.model.template, device, loop)

    # Stage times come from their own records, so a resumed run still reports the full training time.
    # A stage 0 taken from a checkpoint's stage0/ carries no time: this run did not spend it.
    done = {s: json.loads((work_dir / s / "done.json").read_text()) for s in ("stage0", "stage1", "stage2")}
    stage_seconds = {s: d["seconds"] for s, d in done.items() if "seconds" in d}
    training = {"stage0_heldout": vision_metrics} | ({"stage0_from": str(stage0_from)} if stage0_from else {}) \
        | ({"budget": plan.summary()} if plan else {})
    return save_checkpoint(model, tokenizer, cfg, out, val_dir, stage_seconds, template=cfg.model.template,
                           preprocessing=preprocessing_spec(cfg.data.image_size),
                           training=training, stage0_dir=work_dir / "stage0")


def fix_steps(cfg: TrainConfig, plan: Plan | None, stage: str, work_dir: Path) -> None:
    """Under a budget, the stage's steps as the plan fixes them when it starts (kept for a resume)."""
    if plan is None or stage not in plan.config_steps:
        return
    getattr(cfg, stage).steps = plan.steps_for(stage, finished_seconds(work_dir))
    if distributed.is_main():
        plan.save(work_dir / PLAN_FILE)


@dataclass
class Stage:
    """One training stage, ready to run: what trains, with which settings, on which batches."""

    name: str
    module: torch.nn.Module
    param_groups: list[dict]
    loss_fn: Callable[[int], dict[str, torch.Tensor]]
    steps: int
    weight_decay: float = 0.0

    def run(self, **loop) -> Path:
        return run_stage(self.name, self.module, self.param_groups, self.loss_fn, steps=self.steps,
                         weight_decay=self.weight_decay, **loop)


def vision_stage(model, cfg: TrainConfig, data: SynthImages, device: torch.device):
    """Stage 0: the vision tower alone on the ground truth, through heads that are dropped after.
    Returns the stage, the heads (for the validation metrics) and the stem taps (remove after)."""
    s0 = cfg.stage0
    stem_grids = tuple(s0.stem_grids)
    tower: CLIPVisionModel = model.model.vision_tower
    taps = StemTaps(tower, cfg.data.image_size, stem_grids)
    heads = VisionPretrainHeads(model.config.vision_config.hidden_size, taps.channels).to(device)
    module = torch.nn.ModuleDict({"tower": tower, "heads": heads})

    def loss_fn(step: int):
        g = torch.Generator().manual_seed(cfg.seed + step)
        idx = torch.randint(len(data), (s0.batch_size,), generator=g)
        batch = {
            "pixels": data.pixels[idx].float(), "patch_labels": data.patch_labels[idx],
            "part": data.part[idx], "material": data.material[idx], "count": data.count[idx],
            "defect_types": data.defect_types[idx], "locations": data.locations[idx],
            "defective": data.defective[idx], "patch_locations": data.patch_locations[idx],
            "patch_defect_locations": data.patch_defect_locations[idx],
        } | {f"stem_labels_{grid}": data.stem_labels[grid][idx] for grid in stem_grids}
        if s0.augment:
            batch = random_dihedral(batch, g)
        return stage0_losses(tower, heads, to_device(batch, device), cfg.model.vision_feature_layer, taps.outputs,
                             s0.defect_patch_weight)

    stage = Stage("stage0", module, [{"params": list(module.parameters()), "lr": s0.lr}], loss_fn,
                  s0.steps, s0.weight_decay)
    return stage, heads, taps


def caption_stage(model, cfg: TrainConfig, tokenizer: Tokenizer, train_data: SynthImages, device: torch.device) -> Stage:
    """Stage 1: captions; the pretrained tower stays frozen, projector + LLM learn to read it."""
    s1 = cfg.stage1
    for p in model.model.vision_tower.parameters():
        p.requires_grad_(False)
    trainable = [p for n, p in model.named_parameters() if not n.startswith("model.vision_tower")]
    captions = TextBatches(train_data, tokenizer, model.config, "plain", s1.batch_size, cfg.seed + 1,
                           length_group=s1.length_group)
    model.train()
    return Stage("stage1", model, [{"params": trainable, "lr": s1.lr}],
                 lambda step: {"loss": model(**to_device(captions(step), device)).loss}, s1.steps)


def instruction_stage(model, cfg: TrainConfig, tokenizer: Tokenizer, train_data: SynthImages, template: str,
                      device: torch.device) -> Stage:
    """Stage 2: self-questioning instruction tuning, LLM + projector fully, the vision tower by
    ViT-LoRA. The stage's module is the model wrapped with the adapters."""
    s2 = cfg.stage2
    lora = LoraSettings(vision_r=s2.vit_lora_r, vision_alpha=s2.vit_lora_alpha, vision_dropout=0.0, llm=False)
    peft_model = apply_lora(model, lora)
    for n, p in peft_model.named_parameters():
        if "vision_tower" not in n:
            p.requires_grad_(True)
    vit = [p for n, p in peft_model.named_parameters() if p.requires_grad and "vision_tower" in n]
    rest = [p for n, p in peft_model.named_parameters() if p.requires_grad and "vision_tower" not in n]
    convs = TextBatches(train_data, tokenizer, model.config, template, s2.batch_size, cfg.seed + 2,
                        sq_r=s2.sq_r, answers_only=s2.answers_only, length_group=s2.length_group)
    peft_model.train()
    return Stage("stage2", peft_model, [{"params": rest, "lr": s2.lr}, {"params": vit, "lr": s2.vision_lr}],
                 lambda step: {"loss": peft_model(**to_device(convs(step), device)).loss}, s2.steps)


def train_stage2(model, cfg: TrainConfig, tokenizer: Tokenizer, train_data: SynthImages, template: str,
                 device: torch.device, loop: dict):
    """Stage 2, run; returns the model with the adapters merged, on the CPU, in eval mode."""
    stage = instruction_stage(model, cfg, tokenizer, train_data, template, device)
    stage.run(**loop)
    return merge_lora(stage.module).eval().cpu()


def finetune(cfg: TrainConfig, source: Path, work_dir: Path, out: Path, train_dir: Path, val_dir: Path,
             device: torch.device, started: float) -> Path:
    """Stage 2 only, on a checkpoint folder: ours, or one `sqinspect convert` made from a released
    SQ-LLaVA / LLaVA. Its vision tower (CLIP) and projector are trained already, so stages 0 and
    1 are skipped; its tokenizer, template and preprocessing are kept. The synthetic parts are
    resized to its image size as the runtime would."""
    source = Path(source)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "sqinspect.json"):
        if not (source / name).is_file():
            raise ValueError(f"{source}: not a checkpoint folder (no {name}); convert a release with `sqinspect convert`")
    meta = json.loads((source / "sqinspect.json").read_text())
    pre = meta["preprocessing"]
    tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
    model = SQLlavaForConditionalGeneration.from_pretrained(source, use_safetensors=True).to(device)
    train_data = SynthImages(train_dir, pre["size"], grid=None, mean=pre["mean"], std=pre["std"])
    loop = dict(out_dir=work_dir, checkpoint_every=cfg.train.checkpoint_every, log_every=cfg.train.log_every)
    template = meta.get("template", cfg.model.template)
    plan = plan_budget(cfg, work_dir, tokenizer, train_data, val_dir, device, started, checkpoint=source)
    fix_steps(cfg, plan, "stage2", work_dir)
    model = train_stage2(model, cfg, tokenizer, train_data, template, device, loop)
    seconds = {"stage2": json.loads((work_dir / "stage2" / "done.json").read_text())["seconds"]}
    with open(source / "model.safetensors", "rb") as f:
        digest = hashlib.file_digest(f, "sha256").hexdigest()
    source_meta = {"path": str(source), "model_sha256": digest, "provenance": meta.get("provenance")}
    training = {"finetuned_from": source_meta} | ({"budget": plan.summary()} if plan else {})
    return save_checkpoint(model, tokenizer, cfg, out, val_dir, seconds, template=template, preprocessing=pre,
                           training=training, inspection=meta.get("inspection", {}))


def write_model_folder(model, tokenizer, cfg: TrainConfig, folder: Path, stage_seconds: dict[str, float], *,
                       template: str, preprocessing: dict, training: dict, inspection: dict | None = None) -> dict:
    """Weights, tokenizer and sqinspect.json (with the default threshold) into `folder`; the metadata."""
    from models.inspect import inspection_defaults

    model.save_pretrained(folder)
    tokenizer.save(str(folder / "tokenizer.json"))
    meta = {
        "template": template,
        "preprocessing": preprocessing,
        "inspection": {**inspection_defaults(), **(inspection or {})},
        "training": {
            "config": cfg.to_dict(), "generator_version": GENERATOR_VERSION,
            "stage_seconds": stage_seconds, "wall_time_s": round(sum(stage_seconds.values()), 1),
            "processes": distributed.world_size(), **training,
        },
    }
    (folder / "sqinspect.json").write_text(json.dumps(meta, indent=2))
    return meta


def save_checkpoint(model, tokenizer, cfg: TrainConfig, out: Path, val_dir: Path, stage_seconds: dict[str, float], *,
                    template: str, preprocessing: dict, training: dict, inspection: dict | None = None,
                    stage0_dir: Path | None = None) -> Path:
    from models.inspect import calibrate

    out = Path(out)
    if not distributed.is_main():  # under torchrun rank 0 writes the model; the replicas are equal
        distributed.barrier()
        return out
    # Written beside OUT and moved in once the threshold is chosen (minutes later), sqinspect.json
    # last: a folder with sqinspect.json is a finished model, never one with the default threshold.
    partial = out.with_name(f".{out.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    meta = write_model_folder(model, tokenizer, cfg, partial, stage_seconds, template=template,
                              preprocessing=preprocessing, training=training, inspection=inspection)
    if stage0_dir is not None:
        stage0_release.write_stage0(stage0_dir, partial, cfg)
    chosen = calibrate(partial, val_dir, recall=cfg.data.val_recall, views=cfg.data.verdict_views)
    meta["inspection"]["threshold"] = chosen.pop("threshold")
    meta["inspection"]["verdict_views"] = chosen["views"]
    meta["inspection"]["threshold_from"] = chosen
    (partial / "sqinspect.json").write_text(json.dumps(meta, indent=2))
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(partial.iterdir(), key=lambda p: p.name == "sqinspect.json"):
        if path.is_dir() and (out / path.name).is_dir():  # a rerun into the same folder: a folder does not replace a folder
            shutil.rmtree(out / path.name)
        path.replace(out / path.name)
    partial.rmdir()
    distributed.barrier()
    return out
