"""Training configuration, read from a TOML file (models/configs/*.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


@dataclass
class DataConfig:
    train_seed: int = 1000
    train_count: int = 12000
    val_seed: int = 2000
    val_count: int = 500
    val_recall: float = 0.96  # the threshold keeps this share of the split's defective parts
    verdict_views: int = 4  # the verdict averaged over the image's four 90-degree turns (app.runtime.preprocess)
    image_size: int = 128
    workers: int = 2


@dataclass
class TokenizerConfig:
    vocab_size: int = 1024
    corpus_images: int = 3000


@dataclass
class ModelConfig:
    patch_size: int = 16
    vision_stem: list[int] | None = None  # conv stem channels (stride 2 each); None: CLIP's patch conv
    vision_hidden: int = 192
    vision_layers: int = 6
    vision_heads: int = 6
    vision_feature_layer: int = -1
    text_hidden: int = 256
    text_layers: int = 4
    text_heads: int = 8
    text_kv_heads: int = 4
    projector: str = "prototype"
    num_prototypes: int = 16
    prototype_iters: int = 2
    template: str = "inspect_sq"


@dataclass
class StageConfig:
    steps: int = 100
    batch_size: int = 16
    lr: float = 1e-3
    weight_decay: float = 0.0
    vision_lr: float = 1e-4
    sq_r: float = 0.5
    answers_only: bool = False
    vit_lora_r: int = 8
    vit_lora_alpha: int = 16
    # Stages 1-2: this many steps draw their batches together and split them by length, so a batch
    # pads little (HF's group_by_length); 1: every batch drawn on its own.
    length_group: int = 1


@dataclass
class VisionStageConfig(StageConfig):
    """Stage 0 (vision tower on the ground truth) has a few settings of its own."""

    defect_patch_weight: float = 5.0  # loss weight of defect patches against clean ones
    stem_grids: list[int] = field(default_factory=list)  # conv-stem resolutions with their own defect map
    augment: bool = False  # random 90-degree turns and mirrors, labels turned alike


@dataclass
class LoopConfig:
    checkpoint_every: int = 250
    log_every: int = 10
    threads: int = 2
    # Minutes the whole run may take on this machine (models/train/budget.py); 0: the steps as given.
    budget_minutes: float = 0.0


@dataclass
class TrainConfig:
    seed: int = 1234
    data: DataConfig = field(default_factory=DataConfig)
    tokenizer: TokenizerConfig = field(default_factory=TokenizerConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    stage0: VisionStageConfig = field(default_factory=VisionStageConfig)
    stage1: StageConfig = field(default_factory=StageConfig)
    stage2: StageConfig = field(default_factory=StageConfig)
    train: LoopConfig = field(default_factory=LoopConfig)

    @classmethod
    def load(cls, path: Path) -> TrainConfig:
        with open(path, "rb") as f:
            raw = tomllib.load(f)
        return cls.from_dict(raw)

    @classmethod
    def from_dict(cls, raw: dict) -> TrainConfig:
        kwargs = {}
        sections = {f.name: f for f in fields(cls)}
        for key, value in raw.items():
            if key not in sections:
                raise ValueError(f"unknown config key {key!r}")
            if isinstance(value, dict):
                section_cls = type(getattr(cls(), key))
                known = {f.name for f in fields(section_cls)}
                unknown = set(value) - known
                if unknown:
                    raise ValueError(f"unknown key(s) in [{key}]: {', '.join(sorted(unknown))}")
                kwargs[key] = section_cls(**value)
            else:
                kwargs[key] = value
        return cls(**kwargs)

    def to_dict(self) -> dict:
        return asdict(self)


DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "configs" / "default.toml"
