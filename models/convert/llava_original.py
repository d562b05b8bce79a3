"""The original LLaVA-1.5 repository layout -> our checkpoint.

Source folder: config.json (LLaMA fields + mm_* fields), weights with keys `model.layers.*`,
`model.mm_projector.{0,2}.*`, `lm_head.weight` (optionally `model.vision_tower.vision_tower.*`),
tokenizer.json. The CLIP named by `mm_vision_tower` is given as a local folder (`clip`).
"""

from __future__ import annotations

from pathlib import Path

from models.configuration_sqllava import SQLlavaConfig
from models.convert.common import (
    add_image_token_rows,
    atomic_output,
    require_new_output,
    llama_config,
    load_clip_vision,
    tokenizer_with_image_token,
    write_checkpoint,
)
from models.convert.weights import ConversionError, load_folder_weights, read_json


def vision_select(raw: dict) -> tuple[int, str]:
    layer = raw.get("mm_vision_select_layer", -2)
    feature = raw.get("mm_vision_select_feature", "patch")
    if feature not in ("patch", "cls_patch"):
        raise ConversionError(f"unsupported mm_vision_select_feature {feature!r}")
    return layer, "default" if feature == "patch" else "full"


def llava_style_config(raw: dict, vision_config, text_config, image_token_id: int, weights: dict,
                       **projector) -> SQLlavaConfig:
    """Our config for a LLaVA-layout model; grows the vocabulary (and `weights`) by the image token."""
    vocab = max(text_config.vocab_size, image_token_id + 1)
    add_image_token_rows(weights, "model.language_model.embed_tokens.weight", "lm_head.weight", vocab)
    text_config.vocab_size = vocab
    layer, strategy = vision_select(raw)
    return SQLlavaConfig(
        vision_config=vision_config.to_dict(),
        text_config=text_config.to_dict(),
        image_token_index=image_token_id,
        image_seq_length=(vision_config.image_size // vision_config.patch_size) ** 2,
        vision_feature_layer=layer,
        vision_feature_select_strategy=strategy,
        mm_projector_type=projector.pop("projector"),
        **projector,
    )


def llm_key(key: str) -> str | None:
    """LLaMA keys of a LlamaForCausalLM-style state dict -> ours; None for non-LLM keys."""
    if key.startswith("model.mm_projector.") or key.startswith("model.vision_tower."):
        return None
    if key.startswith("model."):
        return "model.language_model." + key[len("model."):]
    if key == "lm_head.weight":
        return key
    raise ConversionError(f"unknown weight {key!r}")


def convert_llava_original(src: Path, out: Path, *, clip: Path | None = None, **_: object) -> Path:
    src = Path(src)
    require_new_output(out)
    if clip is None:
        raise ConversionError("the llava format needs --clip DIR (the CLIP vision tower the model was trained with)")
    raw = read_json(src / "config.json")
    projector = raw.get("mm_projector_type", "linear")
    if projector != "mlp2x_gelu":
        raise ConversionError(f"mm_projector_type {projector!r} not supported (LLaVA-1.5 uses mlp2x_gelu)")
    vision_config, vision_weights, preprocessing = load_clip_vision(clip)
    if raw.get("mm_hidden_size", vision_config.hidden_size) != vision_config.hidden_size:
        raise ConversionError(
            f"CLIP hidden size {vision_config.hidden_size} does not match mm_hidden_size {raw['mm_hidden_size']}"
        )
    text_config = llama_config(raw)
    tokenizer, image_token_id = tokenizer_with_image_token(src)

    weights = {f"model.vision_tower.{k}": v for k, v in vision_weights.items()}
    for key, tensor in load_folder_weights(src).items():
        if key.startswith("model.mm_projector."):
            index, _, rest = key[len("model.mm_projector."):].partition(".")
            name = {"0": "linear_1", "2": "linear_2"}.get(index)
            if name is None:
                raise ConversionError(f"unknown weight {key!r}")
            weights[f"model.multi_modal_projector.{name}.{rest}"] = tensor
        elif key.startswith("model.vision_tower.vision_tower."):
            # A fine-tuned tower saved with the model overrides the CLIP folder's.
            weights["model.vision_tower." + key.split("vision_model.", 1)[-1]] = tensor
        else:
            weights[llm_key(key)] = tensor

    config = llava_style_config(raw, vision_config, text_config, image_token_id, weights, projector="mlp2x_gelu")
    meta = {"source": {"format": "llava", "path": str(src), "clip": str(clip)}, "template": "v1", "preprocessing": preprocessing}
    with atomic_output(out) as tmp:
        write_checkpoint(tmp, config, weights, tokenizer, meta)
    return Path(out)
