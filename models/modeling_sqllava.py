"""SQ-LLaVA on transformers: LLaVA whose projector is the prototype extractor + MLP.

Everything but the projector is transformers' own LlavaModel / LlavaForConditionalGeneration
(vision tower, feature selection, image-token splicing, language model, generation, caching).
"""

from __future__ import annotations

from torch import nn
from transformers import AutoConfig, AutoModelForImageTextToText
from transformers.models.llava.modeling_llava import (
    LlavaForConditionalGeneration,
    LlavaModel,
    LlavaMultiModalProjector,
    LlavaPreTrainedModel,
)

from models import vision_tower  # noqa: F401  (registers the conv-stem tower with AutoModel)
from models.configuration_sqllava import SQLlavaConfig
from models.prototype_projector import PrototypeProjector


def build_projector(config: SQLlavaConfig) -> nn.Module:
    if config.mm_projector_type == "mlp2x_gelu":
        return LlavaMultiModalProjector(config)  # LLaVA-1.5: Linear -> GELU -> Linear
    return PrototypeProjector(
        vision_dim=config.vision_config.hidden_size,
        text_dim=config.text_config.hidden_size,
        num_prototypes=config.num_prototypes,
        iters=config.prototype_iters,
        bias=config.multimodal_projector_bias,
    )


class SQLlavaPreTrainedModel(LlavaPreTrainedModel):
    config_class = SQLlavaConfig
    config: SQLlavaConfig

    def _init_weights(self, module):
        super()._init_weights(module)
        if isinstance(module, PrototypeProjector):
            nn.init.ones_(module.sim_alpha)
            nn.init.zeros_(module.sim_beta)


class SQLlavaModel(SQLlavaPreTrainedModel, LlavaModel):
    def __init__(self, config: SQLlavaConfig):
        SQLlavaPreTrainedModel.__init__(self, config)
        from transformers import AutoModel

        self.vision_tower = AutoModel.from_config(config.vision_config)
        self.multi_modal_projector = build_projector(config)
        self.language_model = AutoModel.from_config(config.text_config)
        self.post_init()


class SQLlavaForConditionalGeneration(SQLlavaPreTrainedModel, LlavaForConditionalGeneration):
    def __init__(self, config: SQLlavaConfig):
        SQLlavaPreTrainedModel.__init__(self, config)
        self.model = SQLlavaModel(config)
        self.lm_head = nn.Linear(config.text_config.hidden_size, config.text_config.vocab_size, bias=False)
        self.post_init()


AutoConfig.register(SQLlavaConfig.model_type, SQLlavaConfig, exist_ok=True)
AutoModelForImageTextToText.register(SQLlavaConfig, SQLlavaForConditionalGeneration, exist_ok=True)
