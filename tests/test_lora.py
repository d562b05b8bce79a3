"""LoRA: the ViT-LoRA really trains (the released code's no_grad bug), ranks, merge-and-unload."""

import torch
from tiny_models import tiny_sqllava

from models.lora import LoraSettings, apply_lora, merge_lora

SETTINGS = LoraSettings(vision_r=4, vision_alpha=8, vision_dropout=0.0, llm_r=8, llm_alpha=16, llm_dropout=0.0)


def batch():
    torch.manual_seed(1)
    ids = torch.tensor([[1, 5] + [399] * 16 + [7, 8, 9, 10]])
    return ids, torch.randn(1, 3, 32, 32)


def lora_layers(model, tower):
    return {n: m for n, m in model.named_modules() if tower in n and hasattr(m, "lora_A") and "default" in m.lora_A}


def test_lora_targets_and_ranks():
    model = apply_lora(tiny_sqllava(), SETTINGS)
    vision = lora_layers(model, "vision_tower")
    llm = lora_layers(model, "language_model")
    assert {n.rsplit(".", 1)[-1] for n in vision} == {"q_proj", "k_proj", "v_proj", "out_proj", "fc1", "fc2"}
    assert {n.rsplit(".", 1)[-1] for n in llm} == {"q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"}
    assert all(m.r["default"] == 4 for m in vision.values()) and all(m.r["default"] == 8 for m in llm.values())
    assert not any("lm_head" in n for n in lora_layers(model, ""))
    # Base weights frozen; adapters and the projector train.
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert all("lora_" in n or "multi_modal_projector" in n for n in trainable)
    assert any("multi_modal_projector" in n for n in trainable)


def test_vit_lora_receives_gradients():
    model = apply_lora(tiny_sqllava(), SETTINGS)
    model.train()
    ids, px = batch()
    model(input_ids=ids, pixel_values=px, labels=ids).loss.backward()
    # Layer -2 feeds the projector, so every layer but the last one is in the graph.
    n_layers = model.base_model.model.config.vision_config.num_hidden_layers
    used = [f"layers.{i}." for i in range(n_layers - 1)]
    grads = {
        n: p.grad for n, p in model.named_parameters()
        if "vision_tower" in n and "lora_B" in n and any(u in n for u in used)
    }
    assert len(grads) == 6 * (n_layers - 1)
    assert all(g is not None and g.abs().sum() > 0 for g in grads.values()), "ViT-LoRA gets no gradient"

    # After one optimiser step lora_B is non-zero, so lora_A gets gradients too.
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    opt.step()
    opt.zero_grad()
    model(input_ids=ids, pixel_values=px, labels=ids).loss.backward()
    a_grads = [p.grad for n, p in model.named_parameters() if "vision_tower" in n and "lora_A" in n and "layers.0." in n]
    assert a_grads and all(g.abs().sum() > 0 for g in a_grads)


def test_merge_and_unload_preserves_outputs():
    model = apply_lora(tiny_sqllava(), SETTINGS)
    # Random adapters, so the merge has something to fold in.
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_B" in n:
                p.normal_(0, 0.05)
    model.eval()
    ids, px = batch()
    with torch.no_grad():
        before = model(input_ids=ids, pixel_values=px).logits
        merged = merge_lora(model)
        after = merged(input_ids=ids, pixel_values=px).logits
    assert not any("lora_" in n for n, _ in merged.named_parameters())
    torch.testing.assert_close(after, before, atol=1e-5, rtol=1e-5)
