"""Stage 0: pretrain the vision tower directly on the synthetic ground truth.

Our stand-in for CLIP's pretraining. Trained end to end through the language model from random
init, a small VLM learns to talk but not to see (../shared/TRAINING-NOTES.md): a few answer
tokens are too weak a signal for a random vision encoder. Here every patch token is supervised
with the defect under it, and the mean patch token with part, material, count, defect types,
defect locations and the verdict, so the features the LLM later reads carry all of it.
CLS is not used: LLaVA drops it before the projector.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from transformers import CLIPVisionModel

from models.synth.vocab import DEFECT_TYPES, LOCATIONS, MATERIALS, PART_TYPES
from models.metrics import roc_auc
from models.train.data import MAX_COUNT


def pool(patches: torch.Tensor) -> torch.Tensor:
    """Mean and max over patch tokens: the mean carries shape and colour, the max lets one
    defective patch among 64 clean ones decide the verdict."""
    return torch.cat([patches.mean(1), patches.amax(1)], dim=-1)


class VisionPretrainHeads(nn.Module):
    def __init__(self, hidden: int):
        super().__init__()
        self.patch_defect = nn.Linear(hidden, 1 + len(DEFECT_TYPES))
        hidden = 2 * hidden  # pooled = [mean, max]
        self.part = nn.Linear(hidden, len(PART_TYPES))
        self.material = nn.Linear(hidden, len(MATERIALS))
        self.count = nn.Linear(hidden, MAX_COUNT)
        self.defect_types = nn.Linear(hidden, len(DEFECT_TYPES))
        self.locations = nn.Linear(hidden, len(LOCATIONS))
        self.defective = nn.Linear(hidden, 1)


def patch_features(tower: CLIPVisionModel, pixels: torch.Tensor, layer: int) -> torch.Tensor:
    out = tower(pixel_values=pixels, output_hidden_states=True)
    return out.hidden_states[layer][:, 1:]  # drop CLS, as the LLaVA projector input does


def stage0_losses(tower, heads: VisionPretrainHeads, batch: dict, layer: int) -> dict[str, torch.Tensor]:
    patches = patch_features(tower, batch["pixels"], layer)
    pooled = pool(patches)
    patch_logits = heads.patch_defect(patches)  # [B, N, 1+D]
    # Defect patches are rare: weight them up so a thin scratch is not drowned by clean metal.
    weight = torch.ones(patch_logits.shape[-1], device=patch_logits.device)
    weight[1:] = 5.0
    losses = {
        "patch": F.cross_entropy(patch_logits.flatten(0, 1), batch["patch_labels"].flatten(), weight=weight),
        "part": F.cross_entropy(heads.part(pooled), batch["part"]),
        "material": F.cross_entropy(heads.material(pooled), batch["material"]),
        "count": F.cross_entropy(heads.count(pooled), batch["count"], ignore_index=-100)
        if (batch["count"] >= 0).any() else pooled.sum() * 0,
        "types": F.binary_cross_entropy_with_logits(heads.defect_types(pooled), batch["defect_types"]),
        "locations": F.binary_cross_entropy_with_logits(heads.locations(pooled), batch["locations"]),
        "defective": F.binary_cross_entropy_with_logits(heads.defective(pooled).squeeze(-1), batch["defective"]),
    }
    losses["loss"] = sum(losses.values())
    return losses


@torch.no_grad()
def stage0_metrics(tower, heads: VisionPretrainHeads, data, layer: int, batch_size: int = 128) -> dict[str, float]:
    """Held-out accuracy of the heads: how much the tower sees before any language training."""
    tower.eval()
    device = next(tower.parameters()).device
    part = material = count_ok = count_n = patch_ok = defect_patches = 0
    scores = []
    for start in range(0, len(data), batch_size):
        sl = slice(start, start + batch_size)
        patches = patch_features(tower, data.pixels[sl].float().to(device), layer)
        pooled = pool(patches)
        part += (heads.part(pooled).argmax(-1).cpu() == data.part[sl]).sum().item()
        material += (heads.material(pooled).argmax(-1).cpu() == data.material[sl]).sum().item()
        has_count = data.count[sl] >= 0
        count_ok += (heads.count(pooled).argmax(-1).cpu()[has_count] == data.count[sl][has_count]).sum().item()
        count_n += has_count.sum().item()
        labels = data.patch_labels[sl]
        hit = heads.patch_defect(patches).argmax(-1).cpu()
        patch_ok += ((hit == labels) & (labels > 0)).sum().item()
        defect_patches += (labels > 0).sum().item()
        scores.append(torch.sigmoid(heads.defective(pooled).squeeze(-1)).cpu())
    tower.train()
    n = len(data)
    return {
        "part_acc": part / n,
        "material_acc": material / n,
        "count_acc": count_ok / max(count_n, 1),
        "defect_patch_recall": patch_ok / max(defect_patches, 1),
        "verdict_auc": roc_auc(data.defective.numpy(), torch.cat(scores).numpy()),
    }
