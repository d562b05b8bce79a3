"""Shared pieces of the converters: assembling our model from parts, the image token, writing OUT."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import torch
from safetensors.torch import save_file
from tokenizers import AddedToken, Tokenizer
from transformers import CLIPVisionConfig, LlamaConfig

from models.configuration_sqllava import SQLlavaConfig
from models.convert.weights import ConversionError, load_folder_weights, read_json
from models.modeling_sqllava import SQLlavaForConditionalGeneration

log = logging.getLogger(__name__)

IMAGE_TOKEN = "<image>"
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
# Parts of a full CLIPModel that a vision tower does not use.
CLIP_UNUSED = ("text_model.", "text_projection.", "visual_projection.", "logit_scale")


def require_new_output(out: Path) -> None:
    """Checked first, so a slow conversion never runs only to find OUT taken."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ConversionError(f"output folder {out} exists and is not empty")


@contextmanager
def atomic_output(out: Path):
    """Yield a temporary folder beside OUT; it becomes OUT only if the block succeeds."""
    out = Path(out)
    require_new_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        yield tmp
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def load_clip_vision(folder: Path) -> tuple[CLIPVisionConfig, dict[str, torch.Tensor], dict]:
    """A CLIP folder (CLIPModel or CLIPVisionModel layout) -> vision config, weights, preprocessing."""
    folder = Path(folder)
    raw = read_json(folder / "config.json")
    if raw.get("model_type") == "clip":
        vision_dict = raw.get("vision_config") or {}
    elif raw.get("model_type") == "clip_vision_model":
        vision_dict = raw
    else:
        raise ConversionError(f"{folder}/config.json: not a CLIP model (model_type {raw.get('model_type')!r})")
    vision_dict = {k: v for k, v in vision_dict.items() if k not in ("model_type", "architectures", "transformers_version")}
    config = CLIPVisionConfig(**vision_dict)
    weights = {}
    for key, tensor in load_folder_weights(folder).items():
        if key.startswith(CLIP_UNUSED):
            continue
        weights[key.removeprefix("vision_model.")] = tensor
    preprocessing = clip_preprocessing(folder, config.image_size)
    return config, weights, preprocessing


def clip_preprocessing(folder: Path, image_size: int) -> dict:
    """Image preprocessing for the manifest, from preprocessor_config.json when present."""
    pre = {}
    path = Path(folder) / "preprocessor_config.json"
    if path.is_file():
        pre = read_json(path)
    return {
        "size": image_size,
        "mean": pre.get("image_mean", CLIP_MEAN),
        "std": pre.get("image_std", CLIP_STD),
        "resize": "shortest_edge_then_center_crop",
        "colour_order": "RGB",
    }


def llama_config(raw: dict) -> LlamaConfig:
    keys = (
        "vocab_size hidden_size intermediate_size num_hidden_layers num_attention_heads num_key_value_heads "
        "max_position_embeddings rms_norm_eps rope_theta rope_scaling hidden_act attention_bias "
        "bos_token_id eos_token_id pad_token_id tie_word_embeddings head_dim"
    ).split()
    missing = [k for k in ("vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads") if k not in raw]
    if missing:
        raise ConversionError(f"config.json lacks LLaMA fields: {', '.join(missing)}")
    kwargs = {k: raw[k] for k in keys if k in raw and raw[k] is not None}
    # transformers 5 keeps rope settings under rope_parameters.
    theta = kwargs.pop("rope_theta", None)
    kwargs.pop("rope_scaling", None)
    if theta is not None:
        kwargs["rope_parameters"] = {"rope_type": "default", "rope_theta": theta}
    return LlamaConfig(**kwargs)


def tokenizer_with_image_token(folder: Path) -> tuple[Tokenizer, int]:
    """The source tokenizer, with `<image>` added as a special token if it lacks one."""
    path = Path(folder) / "tokenizer.json"
    if not path.is_file():
        raise ConversionError(f"missing file: {path} (convert tokenizer.model to tokenizer.json first)")
    tokenizer = Tokenizer.from_file(str(path))
    token_id = tokenizer.token_to_id(IMAGE_TOKEN)
    if token_id is None:
        tokenizer.add_special_tokens([AddedToken(IMAGE_TOKEN, special=True, normalized=False)])
        token_id = tokenizer.token_to_id(IMAGE_TOKEN)
    return tokenizer, token_id


def check_weights(config: SQLlavaConfig, weights: dict[str, torch.Tensor]) -> None:
    """Names and shapes of `weights` (our key names) must be exactly the model's.

    The model is built on the meta device, so checking a 7B conversion allocates nothing.
    """
    with torch.device("meta"):
        expected = SQLlavaForConditionalGeneration(config).state_dict()
    if config.tie_word_embeddings:
        expected.pop("lm_head.weight", None)
    unknown = sorted(set(weights) - set(expected))
    if unknown:
        raise ConversionError(f"unknown weight {unknown[0]!r}" + _more(unknown))
    missing = sorted(set(expected) - set(weights))
    if missing:
        raise ConversionError(f"missing weight {missing[0]!r}" + _more(missing))
    for key, tensor in weights.items():
        if tuple(tensor.shape) != tuple(expected[key].shape):
            raise ConversionError(f"wrong shape for {key!r}: {tuple(tensor.shape)}, expected {tuple(expected[key].shape)}")


def _more(items: list) -> str:
    return f" (and {len(items) - 1} more)" if len(items) > 1 else ""


def add_image_token_rows(weights: dict[str, torch.Tensor], embed_key: str, head_key: str, new_vocab: int) -> None:
    """Grow embedding and LM-head rows for added tokens, initialised to the mean of existing rows
    (the image token's embedding is always replaced by image features; its head row must stay
    an unremarkable logit)."""
    for key in (embed_key, head_key):
        if key not in weights:
            continue
        old = weights[key]
        if old.shape[0] >= new_vocab:
            continue
        extra = old.float().mean(0, keepdim=True).expand(new_vocab - old.shape[0], -1).to(old.dtype)
        weights[key] = torch.cat([old, extra], 0)


def write_checkpoint(
    out: Path, config: SQLlavaConfig, weights: dict[str, torch.Tensor], tokenizer: Tokenizer, meta: dict
) -> None:
    """Our checkpoint folder: model.safetensors + config.json + tokenizer.json + sqinspect.json
    (template, preprocessing, provenance). Weights are checked, then written as they are."""
    check_weights(config, weights)
    out = Path(out)
    config.save_pretrained(out)
    save_file({k: v.contiguous() for k, v in weights.items()}, str(out / "model.safetensors"), metadata={"format": "pt"})
    tokenizer.save(str(out / "tokenizer.json"))
    (out / "sqinspect.json").write_text(json.dumps(meta, indent=2))
    log.info("wrote %s", out)
