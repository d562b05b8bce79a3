"""LoRA through peft: ViT-LoRA on the vision tower and LLM-LoRA on the language model.

SQ-LLaVA's released adapters: ViT-LoRA r=32, alpha=64, dropout 0.2 on the CLIP attention
projections and both MLP linears; LLM-LoRA r=128, alpha=256, dropout 0.05 on every linear
layer of the LLM but lm_head. Unlike the released code, nothing here wraps the vision tower in
no_grad, so the ViT-LoRA really trains (tests/test_lora.py proves it).
"""

from __future__ import annotations

from dataclasses import dataclass

from peft import LoraConfig, PeftModel, get_peft_model
from torch import nn

VISION_TARGETS = ("q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2")
LLM_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")


@dataclass
class LoraSettings:
    vision_r: int = 32
    vision_alpha: int = 64
    vision_dropout: float = 0.2
    llm_r: int = 128
    llm_alpha: int = 256
    llm_dropout: float = 0.05
    vision: bool = True
    llm: bool = True


def _regex(prefix: str, targets: tuple[str, ...]) -> str:
    return rf"{prefix}\..*\.({'|'.join(targets)})"


def apply_lora(model: nn.Module, settings: LoraSettings, train_projector: bool = True) -> PeftModel:
    """Wrap `model` with LoRA adapters; base weights frozen, adapters (and the projector) trainable.

    One peft adapter covers both towers; `rank_pattern` / `alpha_pattern` give the vision tower
    its own rank. Module names are matched with a full-match regex anchored on the tower.
    """
    patterns = []
    if settings.vision:
        patterns.append(_regex(r"model\.vision_tower", VISION_TARGETS))
    if settings.llm:
        patterns.append(_regex(r"model\.language_model", LLM_TARGETS))
    if not patterns:
        raise ValueError("LoRA on neither the vision tower nor the LLM")
    vision_key = r"vision_tower\..*"
    config = LoraConfig(
        r=settings.llm_r,
        lora_alpha=settings.llm_alpha,
        lora_dropout=settings.llm_dropout,
        target_modules="|".join(f"({p})" for p in patterns),
        rank_pattern={vision_key: settings.vision_r},
        alpha_pattern={vision_key: settings.vision_alpha},
        bias="none",
    )
    # peft has one dropout per adapter; the vision tower's is set on its modules below.
    peft_model = get_peft_model(model, config)
    for name, module in peft_model.named_modules():
        if "vision_tower" in name and hasattr(module, "lora_dropout") and settings.vision_dropout != settings.llm_dropout:
            for key, drop in module.lora_dropout.items():
                module.lora_dropout[key] = nn.Dropout(settings.vision_dropout) if settings.vision_dropout > 0 else nn.Identity()
    if train_projector:
        for param in peft_model.base_model.model.model.multi_modal_projector.parameters():
            param.requires_grad_(True)
    return peft_model


def merge_lora(model: nn.Module) -> nn.Module:
    """Fold the adapters into the base weights (for saving and export); returns the plain model."""
    if isinstance(model, PeftModel):
        return model.merge_and_unload()
    return model
