"""PyTorch side of SQ-Inspect: the SQ-LLaVA model on Hugging Face transformers and its tooling.

The model classes load lazily, so light submodules (models.synth) import without torch.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "SQLlavaConfig": "models.configuration_sqllava",
    "SQLlavaForConditionalGeneration": "models.modeling_sqllava",
    "SQLlavaModel": "models.modeling_sqllava",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")
