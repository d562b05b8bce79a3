"""Stage 0: pretrain the vision tower directly on the synthetic ground truth.

Our stand-in for CLIP's pretraining. Trained end to end through the language model from random
init, a small VLM learns to talk but not to see (../shared/TRAINING-NOTES.md): a few answer
tokens are too weak a signal for a random vision encoder. Here every patch token is supervised
with the defect under it, with the cell of the part it lies in (the 3x3 grid defect locations
are named on) and, on a defect, with the cell that defect is named by; the pooled patch tokens
with part, material, count, defect types, defect locations and the verdict; and the conv stem's
finer maps (stride 4 and 8) with the defects under them. So the features the LLM later reads
carry all of it. CLS is not used: LLaVA drops it before the projector.
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
    def __init__(self, hidden: int, stem_channels: dict[int, int] | None = None):
        super().__init__()
        self.patch_defect = nn.Linear(hidden, 1 + len(DEFECT_TYPES))
        self.patch_location = nn.Linear(hidden, 1 + len(LOCATIONS))  # 0: off the part
        self.patch_defect_location = nn.Linear(hidden, 1 + len(LOCATIONS))  # on defect patches only
        # Deep supervision of the conv stem: a defect map per stem resolution (grid -> channels).
        self.stem_defect = nn.ModuleDict({str(g): nn.Conv2d(c, 1 + len(DEFECT_TYPES), 1)
                                          for g, c in (stem_channels or {}).items()})
        hidden = 2 * hidden  # pooled = [mean, max]
        self.part = nn.Linear(hidden, len(PART_TYPES))
        self.material = nn.Linear(hidden, len(MATERIALS))
        self.count = nn.Linear(hidden, MAX_COUNT)
        self.defect_types = nn.Linear(hidden, len(DEFECT_TYPES))
        self.locations = nn.Linear(hidden, len(LOCATIONS))
        self.defective = nn.Linear(hidden, 1)


def random_dihedral(batch: dict, generator: torch.Generator) -> dict:
    """The batch under one of the 8 turns by 90 degrees with or without a mirror: 8 views of
    every rendered part, so the tower cannot learn a scratch by where it sits."""
    k = int(torch.randint(4, (1,), generator=generator))
    return dihedral(batch, k, mirror=bool(torch.randint(2, (1,), generator=generator)))


def dihedral(batch: dict, k: int, mirror: bool) -> dict:
    """The batch turned k times by 90 degrees (torch.rot90 over height, width), then mirrored
    left-right if asked; labels alike: the defect grids and the 3x3 location flags are row-major
    over the image and move with it. Parts, materials, counts and defect types do not change."""

    def turn(x: torch.Tensor, side: int) -> torch.Tensor:
        grid = x.reshape(*x.shape[:-1], side, side)
        grid = torch.rot90(grid, k, dims=(-2, -1))
        grid = grid.flip(-1) if mirror else grid
        return grid.reshape(x.shape)

    out = dict(batch)
    pixels = torch.rot90(batch["pixels"], k, dims=(-2, -1))
    out["pixels"] = pixels.flip(-1) if mirror else pixels
    grid = int(round(batch["patch_labels"].shape[-1] ** 0.5))
    out["patch_labels"] = turn(batch["patch_labels"], grid)
    out["locations"] = turn(batch["locations"], 3)
    # The part-cell labels name cells of the part, so their values turn too: cell j goes to
    # where turning the 3x3 grid puts it.
    moved_from = turn(torch.arange(len(LOCATIONS)), 3)  # new cell -> old cell
    new_cell = torch.empty_like(moved_from)
    new_cell[moved_from] = torch.arange(len(LOCATIONS))
    lut = torch.cat([torch.zeros(1, dtype=torch.long), new_cell + 1])
    out["patch_locations"] = lut[turn(batch["patch_locations"], grid)]
    out["patch_defect_locations"] = lut[turn(batch["patch_defect_locations"], grid)]
    for name in [name for name in batch if name.startswith("stem_labels_")]:
        out[name] = turn(batch[name], int(name.rsplit("_", 1)[1]))
    return out


class StemTaps:
    """Forward hooks on the conv stem's stages whose output grid is in `grids`: `channels`
    {grid: channels}, and `outputs` {grid: latest output}, refilled on every forward.

    A defect map supervised right at stride 4 and 8 reaches the stem's filters directly. Through
    the transformer alone they learned too slowly to see thin scratches: after 800 steps the
    verdict AUC of the heads was 0.69 without these maps (both with defect weight 20)."""

    def __init__(self, tower, image_size: int, grids: tuple[int, ...]):
        stem = tower.embeddings.patch_embedding
        self.channels: dict[int, int] = {}
        self.outputs: dict[int, torch.Tensor] = {}
        self._handles = []
        for i, end in enumerate(stem.stage_ends):
            grid = image_size // 2 ** (i + 1)
            if grid in grids:
                self.channels[grid] = tower.config.stem_channels[i]
                self._handles.append(stem.layers[end].register_forward_hook(self._keeper(grid)))
        if set(self.channels) != set(grids):
            given = [image_size // 2 ** (i + 1) for i in range(len(stem.stage_ends))]
            raise ValueError(f"stem grids {sorted(grids)}: this stem's stages give the grids {given}")

    def _keeper(self, grid: int):
        def keep(_module, _inputs, output):
            self.outputs[grid] = output
        return keep

    def remove(self) -> None:
        """Detach the hooks (after stage 0: the LLM stages and export need none)."""
        for handle in self._handles:
            handle.remove()
        self._handles.clear()
        self.outputs.clear()


def patch_features(tower: CLIPVisionModel, pixels: torch.Tensor, layer: int) -> torch.Tensor:
    out = tower(pixel_values=pixels, output_hidden_states=True)
    return out.hidden_states[layer][:, 1:]  # drop CLS, as the LLaVA projector input does


def stage0_losses(tower, heads: VisionPretrainHeads, batch: dict, layer: int,
                  stem_outputs: dict[int, torch.Tensor] | None = None,
                  defect_weight: float = 5.0) -> dict[str, torch.Tensor]:
    """All stage-0 losses and their sum. About 2% of patches hold a defect: `defect_weight`
    lets a thin scratch count against the clean metal around it."""
    patches = patch_features(tower, batch["pixels"], layer)
    pooled = pool(patches)
    patch_logits = heads.patch_defect(patches)  # [B, N, 1+D]
    weight = torch.ones(patch_logits.shape[-1], device=patch_logits.device)
    weight[1:] = defect_weight
    losses = {}
    for grid, features in (stem_outputs or {}).items():
        logits = heads.stem_defect[str(grid)](features)  # [B, 1+D, g, g]
        labels = batch[f"stem_labels_{grid}"].long().view(-1, grid, grid)
        losses[f"stem{grid}"] = F.cross_entropy(logits, labels, weight=weight)
    losses |= {
        "patch": F.cross_entropy(patch_logits.flatten(0, 1), batch["patch_labels"].flatten(), weight=weight),
        "patch_location": F.cross_entropy(heads.patch_location(patches).flatten(0, 1),
                                          batch["patch_locations"].flatten()),
        "defect_location": defect_location_loss(heads, patches, batch),
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


def defect_location_loss(heads: VisionPretrainHeads, patches: torch.Tensor, batch: dict) -> torch.Tensor:
    """The named cell of the defect under each defect patch (clean patches are not graded)."""
    labels = batch["patch_defect_locations"]
    logits = heads.patch_defect_location(patches)
    if not (labels > 0).any():
        return logits.sum() * 0  # keeps the graph whole on a batch of good parts
    return F.cross_entropy(logits.flatten(0, 1), labels.flatten(), ignore_index=0)


@torch.no_grad()
def stage0_metrics(tower, heads: VisionPretrainHeads, data, layer: int, batch_size: int = 128) -> dict[str, float]:
    """Held-out accuracy of the heads: how much the tower sees before any language training."""
    tower.eval()
    device = next(tower.parameters()).device
    part = material = count_ok = count_n = patch_ok = patch_found = defect_patches = false_alarms = clean_patches = 0
    location_ok = location_n = defect_location_ok = defect_location_n = 0
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
        patch_found += ((hit > 0) & (labels > 0)).sum().item()
        defect_patches += (labels > 0).sum().item()
        false_alarms += ((hit > 0) & (labels == 0)).sum().item()
        cells = data.patch_locations[sl]
        on_part = cells > 0
        location_ok += (heads.patch_location(patches).argmax(-1).cpu()[on_part] == cells[on_part]).sum().item()
        location_n += on_part.sum().item()
        named = data.patch_defect_locations[sl]
        defect = named > 0
        guess = heads.patch_defect_location(patches)[..., 1:].argmax(-1).cpu() + 1
        defect_location_ok += (guess[defect] == named[defect]).sum().item()
        defect_location_n += defect.sum().item()
        clean_patches += (labels == 0).sum().item()
        scores.append(torch.sigmoid(heads.defective(pooled).squeeze(-1)).cpu())
    tower.train()
    n = len(data)
    return {
        "part_acc": part / n,
        "material_acc": material / n,
        "count_acc": count_ok / max(count_n, 1),
        "defect_patch_recall": patch_ok / max(defect_patches, 1),  # right type
        "defect_patch_found": patch_found / max(defect_patches, 1),  # any type
        "clean_patch_false_alarm": false_alarms / max(clean_patches, 1),
        "patch_location_acc": location_ok / max(location_n, 1),  # cell of the part under each patch
        "defect_patch_location_acc": defect_location_ok / max(defect_location_n, 1),  # its defect's named cell
        "verdict_auc": roc_auc(data.defective.numpy(), torch.cat(scores).numpy()),
    }
