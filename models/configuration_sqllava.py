"""Configuration of SQ-LLaVA: a LlavaConfig plus the prototype-extractor projector settings."""

from __future__ import annotations

from typing import Literal

from huggingface_hub.dataclasses import strict
from transformers import LlavaConfig

from models import vision_tower  # noqa: F401  (registers our vision tower config with AutoConfig)

PROJECTOR_TYPES = ("prototype", "mlp2x_gelu")


@strict
class SQLlavaConfig(LlavaConfig):
    r"""
    Extends `LlavaConfig` with the fields SQ-LLaVA adds:

    mm_projector_type: `"prototype"` (SQ-LLaVA's prototype extractor followed by the MLP) or
        `"mlp2x_gelu"` (LLaVA-1.5's two-layer MLP, for converted LLaVA checkpoints).
    num_prototypes: number of prototypes K (256 in the released 7B/13B models).
    prototype_iters: soft k-means iterations (2 in the released models).

    The vision feature layer (default -2) and CLS dropping (`vision_feature_select_strategy`
    "default") are LlavaConfig's own fields.
    """

    model_type = "sq_llava"

    mm_projector_type: Literal["prototype", "mlp2x_gelu"] = "prototype"
    num_prototypes: int = 256
    prototype_iters: int = 2

    def __post_init__(self, **kwargs):
        super().__post_init__(**kwargs)
        if self.mm_projector_type not in PROJECTOR_TYPES:
            raise ValueError(f"mm_projector_type must be one of {PROJECTOR_TYPES}, got {self.mm_projector_type!r}")
        if self.num_prototypes < 1 or self.prototype_iters < 0:
            raise ValueError("num_prototypes must be >= 1 and prototype_iters >= 0")
