"""The three exported graphs as torch modules with flat tensor I/O (what torch.onnx sees).

vision:    pixel_values [B, 3, S, S] -> image_features [B, N_img, H]   (tower + feature select + projector)
embedding: input_ids [B, T] -> inputs_embeds [B, T, H]
decoder:   inputs_embeds, attention_mask [B, P+T], position_ids [B, T], past K/V per layer
           -> logits [B, T, V], present K/V per layer [B, KV, P+T, D]

The decoder takes embeddings, not ids: the runtime splices image features into the embedded
prompt itself (numpy), as ONNX Runtime GenAI's vision-language layout does.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import DynamicCache


class VisionGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.inner = model.model
        self.layer = model.config.vision_feature_layer
        self.strategy = model.config.vision_feature_select_strategy

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        # LlavaModel.get_image_features' steps, minus its per-image list (iterating over the batch
        # would make torch.export fix the batch size).
        out = self.inner.vision_tower(pixel_values, output_hidden_states=True, return_dict=True)
        if isinstance(self.layer, int):
            features = out.hidden_states[self.layer]
            if self.strategy == "default":
                features = features[:, 1:]  # drop CLS
        else:
            pool = [out.hidden_states[i] for i in self.layer]
            if self.strategy == "default":
                pool = [h[:, 1:] for h in pool]
            features = torch.cat(pool, dim=-1)
        return self.inner.multi_modal_projector(features)


class EmbeddingGraph(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.embed = model.get_input_embeddings()

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.embed(input_ids)


class DecoderGraph(nn.Module):
    """Language model + lm_head over a KV cache passed as flat per-layer tensors."""

    def __init__(self, model):
        super().__init__()
        self.lm = model.model.language_model
        self.lm_head = model.lm_head
        self.num_layers = model.config.text_config.num_hidden_layers

    def forward(self, inputs_embeds, attention_mask, position_ids, *past: torch.Tensor):
        cache = DynamicCache(ddp_cache_data=[(past[2 * i], past[2 * i + 1]) for i in range(self.num_layers)])
        out = self.lm(
            inputs_embeds=inputs_embeds, attention_mask=attention_mask, position_ids=position_ids,
            cache=cache, use_cache=True,
        )
        logits = self.lm_head(out.last_hidden_state)
        presents = []
        for layer in out.cache.layers:
            presents += [layer.keys, layer.values]
        return (logits, *presents)
