"""transformers' own LlavaForConditionalGeneration checkpoints (llava-hf/*) -> our checkpoint."""

from __future__ import annotations

from pathlib import Path

from tokenizers import Tokenizer
from transformers import LlavaConfig

from models.configuration_sqllava import SQLlavaConfig
from models.convert.common import atomic_output, clip_preprocessing, require_new_output, write_checkpoint
from models.convert.weights import ConversionError, load_folder_weights, read_json

# Checkpoints saved before transformers 4.52 nest the LLM and CLIP differently; first match wins.
KEY_RULES = (
    ("language_model.model.", "model.language_model."),
    ("language_model.lm_head.", "lm_head."),
    ("model.vision_tower.vision_model.", "model.vision_tower."),
    ("vision_tower.vision_model.", "model.vision_tower."),
    ("vision_tower.", "model.vision_tower."),
    ("multi_modal_projector.", "model.multi_modal_projector."),
    ("model.", "model."),
    ("lm_head.", "lm_head."),
)


def map_key(key: str) -> str:
    for old, new in KEY_RULES:
        if key.startswith(old):
            return new + key[len(old):]
    raise ConversionError(f"unknown weight {key!r} in a llava-hf checkpoint")


def convert_llava_hf(src: Path, out: Path, **_: object) -> Path:
    src = Path(src)
    require_new_output(out)
    raw = read_json(src / "config.json")
    if raw.get("model_type") != "llava":
        raise ConversionError(f"{src}/config.json: model_type is {raw.get('model_type')!r}, expected 'llava'")
    fields = LlavaConfig.from_dict(raw).to_dict()
    for key in ("model_type", "architectures", "transformers_version"):
        fields.pop(key, None)
    config = SQLlavaConfig(**fields, mm_projector_type="mlp2x_gelu")
    weights = {map_key(k): v for k, v in load_folder_weights(src).items()}
    tokenizer_path = src / "tokenizer.json"
    if not tokenizer_path.is_file():
        raise ConversionError(f"missing file: {tokenizer_path}")
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    meta = {
        "source": {"format": "llava-hf", "path": str(src)},
        "template": "v1",
        "preprocessing": clip_preprocessing(src, config.vision_config.image_size),
    }
    with atomic_output(out) as tmp:
        write_checkpoint(tmp, config, weights, tokenizer, meta)
    return Path(out)
