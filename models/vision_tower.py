"""A CLIP vision tower with a convolutional stem, for our small from-scratch models.

CLIP embeds each 16x16 patch with one linear filter bank. Trained from random init on a CPU
budget, that tower never learned to see a 1-px scratch (stage-0 defect-patch recall 0.002 after
500 steps). A few stride-2 convolutions in front of the transformer ("early convolutions",
as in hybrid ViTs) give it local edge and texture detectors from the start. The rest is
transformers' CLIPVisionModel unchanged: same encoder, same hidden-state outputs, same LoRA
targets, so LLaVA's feature selection and our projector work as for CLIP.
"""

from __future__ import annotations

from huggingface_hub.dataclasses import strict
from torch import nn
from transformers import AutoConfig, AutoModel, CLIPVisionConfig, CLIPVisionModel


@strict
class ConvStemCLIPVisionConfig(CLIPVisionConfig):
    model_type = "sq_conv_clip_vision"

    # Output channels of the stride-2 3x3 convolutions; their count sets the stride, 2**len.
    stem_channels: list[int] | None = None

    def __post_init__(self, **kwargs):
        super().__post_init__(**kwargs)
        if self.stem_channels is None:
            # transformers also builds this class with all defaults (patch 32) to diff configs.
            n = max(self.patch_size.bit_length() - 1, 0)
            self.stem_channels = [min(32 * 2**i, 128) for i in range(n)]
        if 2 ** len(self.stem_channels) != self.patch_size:
            raise ValueError(f"{len(self.stem_channels)} stride-2 stem convolutions give stride "
                             f"{2 ** len(self.stem_channels)}, but patch_size is {self.patch_size}")


class ConvStem(nn.Module):
    """[B, 3, S, S] -> [B, hidden, S/p, S/p]: stride-2 conv, GroupNorm, GELU, ..., then 1x1 to hidden."""

    def __init__(self, in_channels: int, channels: list[int], hidden: int):
        super().__init__()
        layers: list[nn.Module] = []
        c = in_channels
        self.stage_ends: list[int] = []  # index in `layers` of each stride's last module
        for out in channels:
            layers += [nn.Conv2d(c, out, 3, stride=2, padding=1, bias=False), nn.GroupNorm(8, out), nn.GELU()]
            self.stage_ends.append(len(layers) - 1)
            c = out
        layers.append(nn.Conv2d(c, hidden, 1))
        self.layers = nn.Sequential(*layers)

    @property
    def weight(self):
        # CLIPVisionEmbeddings casts pixels to `patch_embedding.weight.dtype`.
        return self.layers[0].weight

    def forward(self, pixel_values):
        return self.layers(pixel_values)


class ConvStemCLIPVisionModel(CLIPVisionModel):
    config_class = ConvStemCLIPVisionConfig
    config: ConvStemCLIPVisionConfig

    def __init__(self, config: ConvStemCLIPVisionConfig):
        super().__init__(config)
        # CLIPVisionEmbeddings flattens whatever patch_embedding returns into tokens.
        self.embeddings.patch_embedding = ConvStem(config.num_channels, config.stem_channels, config.hidden_size)

    def _init_weights(self, module):
        if isinstance(module, (ConvStem, nn.GroupNorm)) or (
            isinstance(module, nn.Conv2d) and module.kernel_size != (self.config.patch_size,) * 2
        ):
            return  # PyTorch's own init for the stem
        super()._init_weights(module)


AutoConfig.register(ConvStemCLIPVisionConfig.model_type, ConvStemCLIPVisionConfig, exist_ok=True)
AutoModel.register(ConvStemCLIPVisionConfig, ConvStemCLIPVisionModel, exist_ok=True)
