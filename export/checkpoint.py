"""Load a checkpoint folder for export: model (safetensors only, LoRA merged), tokenizer, metadata,
and everything the manifest needs to know about ids and prompts."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

from export.errors import ExportError

log = logging.getLogger(__name__)


@dataclass
class Checkpoint:
    path: Path
    model: object  # SQLlavaForConditionalGeneration, eval mode, fp32
    tokenizer: object  # tokenizers.Tokenizer
    meta: dict  # sqinspect.json
    template: dict  # Template.to_dict()
    settings: dict  # inspection defaults overlaid with sqinspect.json "inspection"
    special: dict  # bos, eos, pad, image ids
    yes_id: int
    no_id: int
    weights_sha256: str

    @property
    def image_seq_length(self) -> int:
        return self.model.config.image_seq_length


def _weight_files(folder: Path) -> list[Path]:
    index = folder / "model.safetensors.index.json"
    if index.is_file():
        shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        return [folder / s for s in shards]
    single = folder / "model.safetensors"
    return [single] if single.is_file() else []


def weights_sha256(files: list[Path]) -> str:
    """sha256 over the safetensors file(s) in order (one file: that file's plain sha256)."""
    h = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def load_checkpoint(path: Path) -> Checkpoint:
    import torch
    from tokenizers import Tokenizer

    from models.conversation import Prompt, get_template, tokenize_prompt
    from models.inspect import inspection_defaults, reply_token_id
    from models.lora import merge_lora
    from models.modeling_sqllava import SQLlavaForConditionalGeneration

    path = Path(path)
    for name in ("config.json", "tokenizer.json", "sqinspect.json"):
        if not (path / name).is_file():
            raise ExportError(f"{path}: not a checkpoint folder ({name} missing)")
    files = _weight_files(path)
    if not files:
        raise ExportError(f"{path}: no model.safetensors (only safetensors weights are exported)")
    model = SQLlavaForConditionalGeneration.from_pretrained(path, use_safetensors=True, dtype=torch.float32)
    if (path / "adapter_config.json").is_file():
        # An unmerged PEFT adapter beside the base weights: fold it in, the graphs carry no LoRA.
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, path)
    model = merge_lora(model).eval()
    if any("lora_" in n for n, _ in model.named_parameters()):
        raise ExportError(f"{path}: LoRA layers are still present after merging")

    tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
    meta = json.loads((path / "sqinspect.json").read_text())
    template = get_template(meta["template"]).to_dict()
    settings = {**inspection_defaults(), **meta.get("inspection", {})}
    eos = tokenizer.token_to_id("</s>")
    pad = tokenizer.token_to_id("<pad>")
    # BOS as the label builder adds it (models.conversation), whatever the tokenizer calls it.
    bos_ids, _ = tokenize_prompt(Prompt(text=""), tokenizer, image_token_id=model.config.image_token_index,
                                 num_image_tokens=model.config.image_seq_length)
    special = {
        "bos": bos_ids[0] if bos_ids else None,
        "eos": eos,
        "pad": pad if pad is not None else eos,  # as models.inspect.Inspector
        "image": model.config.image_token_index,
    }
    try:
        yes, no = (reply_token_id(tokenizer, template["roles"]["assistant"], settings[k]) for k in ("yes_token", "no_token"))
    except ValueError as exc:
        raise ExportError(f"{path / 'sqinspect.json'}: verdict token: {exc}") from None
    return Checkpoint(
        path=path, model=model, tokenizer=tokenizer, meta=meta, template=template, settings=settings,
        special=special, yes_id=yes, no_id=no, weights_sha256=weights_sha256(files),
    )
