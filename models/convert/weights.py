"""Reading weight files safely: safetensors, or pickled `.bin` through a tensors-only loader.

The authors' release ships pickles. Unpickling runs arbitrary code, so `.bin` files are read with
`torch.load(weights_only=True)`, which accepts only tensors and plain containers, and anything
else is refused with a clear error.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import torch
from safetensors.torch import load_file


class ConversionError(Exception):
    """Bad input to a converter: a one-line message naming the problem."""


def load_tensors(path: Path) -> dict[str, torch.Tensor]:
    path = Path(path)
    if not path.is_file():
        raise ConversionError(f"missing file: {path}")
    if path.suffix == ".safetensors":
        try:
            return load_file(str(path))
        except Exception as exc:  # safetensors raises its own error types
            raise ConversionError(f"{path}: not a valid safetensors file ({exc})") from None
    try:
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unsupported object"
        raise ConversionError(f"{path}: refused, the pickle holds more than tensors ({first})") from None
    except Exception as exc:
        raise ConversionError(f"{path}: cannot read weights ({type(exc).__name__}: {exc})") from None
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items()):
        raise ConversionError(f"{path}: refused, expected a flat mapping of names to tensors")
    return state


def load_folder_weights(folder: Path) -> dict[str, torch.Tensor]:
    """All weights of a Hugging Face style folder: single file, or shards listed in an index."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ConversionError(f"missing folder: {folder}")
    for index_name in ("model.safetensors.index.json", "pytorch_model.bin.index.json"):
        index = folder / index_name
        if index.is_file():
            shards = sorted(set(json.loads(index.read_text())["weight_map"].values()))
            state: dict[str, torch.Tensor] = {}
            for shard in shards:
                state.update(load_tensors(folder / shard))
            return state
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).is_file():
            return load_tensors(folder / name)
    raise ConversionError(f"{folder}: no model.safetensors or pytorch_model.bin (nor a sharded index)")


def read_json(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise ConversionError(f"missing file: {path}")
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        raise ConversionError(f"{path}: invalid JSON ({exc.msg} at line {exc.lineno})") from None
