"""The authors' SQ-LLaVA release -> our checkpoint, with both LoRAs merged.

Release folder (SQ-LLaVA.md): config.json, adapter_model.bin + adapter_config.json (LLM LoRA),
non_lora_trainables.bin (prototype extractor + MLP under `...mm_projector.*`),
Vit-lora/adapter_model.bin + Vit-lora/adapter_config.json. The base LLM (Vicuna v1.5, a
LlamaForCausalLM folder with tokenizer.json) and the CLIP folder are given separately.
Every `.bin` is a pickle and is read with the tensors-only loader.
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from models.conversation import SQ_LLAVA_SYSTEM
from models.convert.common import (
    atomic_output,
    require_new_output,
    llama_config,
    load_clip_vision,
    tokenizer_with_image_token,
    write_checkpoint,
)
from models.convert.llava_original import llava_style_config, llm_key
from models.convert.weights import ConversionError, load_folder_weights, load_tensors, read_json

PROJECTOR_PARAMS = ("sim_alpha", "sim_beta", "c.", "v.", "f.", "mlp.0.", "mlp.2.")
UNUSED_PROJECTOR_PARAMS = ("ln_1.",)  # present in the release, never used in its forward
LORA_KEY = re.compile(r"^(?P<module>.+)\.lora_(?P<ab>[AB])(?:\.default)?\.weight$")


def projector_weights(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    weights = {}
    for key, tensor in state.items():
        if ".mm_projector." not in key:
            raise ConversionError(f"unknown weight {key!r} in non_lora_trainables.bin")
        name = key.split(".mm_projector.", 1)[1]
        if name.startswith(UNUSED_PROJECTOR_PARAMS):
            continue
        if not name.startswith(PROJECTOR_PARAMS):
            raise ConversionError(f"unknown projector weight {key!r}")
        weights[f"model.multi_modal_projector.{name}"] = tensor
    return weights


def lora_pairs(state: dict[str, torch.Tensor], path: Path) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """peft adapter state -> {module path as saved: (A, B)}."""
    halves: dict[str, dict[str, torch.Tensor]] = {}
    for key, tensor in state.items():
        match = LORA_KEY.match(key)
        if not match:
            raise ConversionError(f"{path}: unknown adapter weight {key!r}")
        halves.setdefault(match["module"], {})[match["ab"]] = tensor
    incomplete = [m for m, h in halves.items() if set(h) != {"A", "B"}]
    if incomplete:
        raise ConversionError(f"{path}: adapter {incomplete[0]!r} lacks its lora_A or lora_B")
    return {m: (h["A"], h["B"]) for m, h in halves.items()}


def lora_scale(config_path: Path) -> float:
    cfg = read_json(config_path)
    if "r" not in cfg or "lora_alpha" not in cfg:
        raise ConversionError(f"{config_path}: lacks r or lora_alpha")
    if cfg.get("use_rslora"):
        return cfg["lora_alpha"] / cfg["r"] ** 0.5
    return cfg["lora_alpha"] / cfg["r"]


def merge_into(weights: dict[str, torch.Tensor], target: str, a: torch.Tensor, b: torch.Tensor, scale: float) -> None:
    """W <- W + scale * B @ A, computed in float32 and stored back in W's dtype."""
    if target not in weights:
        raise ConversionError(f"LoRA targets {target!r}, which the base model does not have")
    base = weights[target]
    if (b.shape[0], a.shape[1]) != tuple(base.shape) or a.shape[0] != b.shape[1]:
        raise ConversionError(f"wrong LoRA shapes for {target!r}: A {tuple(a.shape)}, B {tuple(b.shape)}, W {tuple(base.shape)}")
    weights[target] = (base.float() + scale * (b.float() @ a.float())).to(base.dtype)


def llm_lora_target(module: str) -> str:
    """`base_model.model.model.layers.0.self_attn.q_proj` -> `model.language_model.layers.0.self_attn.q_proj.weight`."""
    if "layers." not in module:
        raise ConversionError(f"LLM LoRA on an unexpected module {module!r}")
    return "model.language_model.layers." + module.split("layers.", 1)[1] + ".weight"


def vit_lora_target(module: str) -> str:
    """`...vision_tower.vision_model.encoder.layers.0.self_attn.q_proj` -> ours."""
    if "encoder.layers." not in module:
        raise ConversionError(f"ViT LoRA on an unexpected module {module!r}")
    return "model.vision_tower.encoder.layers." + module.split("encoder.layers.", 1)[1] + ".weight"


def convert_sq_llava(
    src: Path,
    out: Path,
    *,
    base_llm: Path | None = None,
    clip: Path | None = None,
    num_prototypes: int | None = None,
    prototype_iters: int | None = None,
    **_: object,
) -> Path:
    src = Path(src)
    require_new_output(out)
    if base_llm is None or clip is None:
        raise ConversionError("the sq-llava format needs --base-llm DIR (Vicuna v1.5) and --clip DIR")
    for name in ("config.json", "adapter_model.bin", "adapter_config.json", "non_lora_trainables.bin",
                 "Vit-lora/adapter_model.bin", "Vit-lora/adapter_config.json"):
        if not (src / name).is_file():
            raise ConversionError(f"missing file: {src / name}")
    raw = read_json(src / "config.json")
    vision_config, vision_weights, preprocessing = load_clip_vision(clip)
    text_config = llama_config(read_json(Path(base_llm) / "config.json"))
    tokenizer, image_token_id = tokenizer_with_image_token(base_llm)

    weights = {f"model.vision_tower.{k}": v for k, v in vision_weights.items()}
    for key, tensor in load_folder_weights(base_llm).items():
        mapped = llm_key(key)
        if mapped is not None:
            weights[mapped] = tensor
    weights.update(projector_weights(load_tensors(src / "non_lora_trainables.bin")))

    llm_scale = lora_scale(src / "adapter_config.json")
    for module, (a, b) in lora_pairs(load_tensors(src / "adapter_model.bin"), src / "adapter_model.bin").items():
        merge_into(weights, llm_lora_target(module), a, b, llm_scale)
    vit_scale = lora_scale(src / "Vit-lora/adapter_config.json")
    vit_path = src / "Vit-lora/adapter_model.bin"
    for module, (a, b) in lora_pairs(load_tensors(vit_path), vit_path).items():
        merge_into(weights, vit_lora_target(module), a, b, vit_scale)

    config = llava_style_config(
        raw, vision_config, text_config, image_token_id, weights, projector="prototype",
        num_prototypes=num_prototypes or raw.get("num_prototypes", raw.get("mm_num_clusters", 256)),
        prototype_iters=prototype_iters or raw.get("prototype_iters", raw.get("mm_cluster_iters", 2)),
    )
    meta = {
        "source": {"format": "sq-llava", "path": str(src), "base_llm": str(base_llm), "clip": str(clip)},
        "template": "v1_sq",
        "system": SQ_LLAVA_SYSTEM,
        "preprocessing": preprocessing,
    }
    with atomic_output(out) as tmp:
        write_checkpoint(tmp, config, weights, tokenizer, meta)
    return Path(out)
