"""Training data from a synthetic data set folder (images/, masks/, groundtruth.jsonl).

Images are decoded once and kept in memory as preprocessed tensors (12k x 3 x 128 x 128 float16
is 1.2 GB), so the 2 cores spend their time on the model, not on PNG decoding.
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import torch
from tqdm import tqdm

from models.synth.masks import mask_to_grid
from models.synth.render import location_of
from models.synth.dataset import read_groundtruth  # noqa: F401 (re-exported for training)
from models.synth.vocab import DEFECT_TYPES, LOCATIONS, MATERIALS, PART_TYPES
from models.train.preprocess import MEAN, STD, preprocess

log = logging.getLogger(__name__)
MAX_COUNT = 24  # count head classes 0..MAX_COUNT-1


def count_of(gt: dict) -> int | None:
    counts = gt.get("counts") or {}
    return next(iter(counts.values())) if counts else None


class SynthImages:
    """Preprocessed pixels, per-patch defect labels and global labels of every image."""

    def __init__(self, folder: Path, image_size: int, grid: int | None, limit: int | None = None,
                 stem_grids: tuple[int, ...] = (), mean=MEAN, std=STD):
        """grid: the tower's patch grid for stage 0's patch labels (None: no labels, as when
        fine-tuning a checkpoint whose tower is trained already); mean/std: its preprocessing."""
        self.folder = Path(folder)
        self.gts = read_groundtruth(self.folder)[:limit]
        n = len(self.gts)
        self.pixels = torch.empty(n, 3, image_size, image_size, dtype=torch.float16)
        cells = grid * grid if grid else 0
        self.patch_labels = torch.zeros(n, cells, dtype=torch.long)
        self.patch_locations = torch.zeros(n, cells, dtype=torch.long)
        self.patch_defect_locations = torch.zeros(n, cells, dtype=torch.long)
        # Finer defect maps for the conv stem's own supervision (stage 0), uint8 to keep them small.
        self.stem_labels = {g: torch.zeros(n, g * g, dtype=torch.uint8) for g in stem_grids}
        for i, gt in enumerate(tqdm(self.gts, desc=f"loading {self.folder.name}", unit="img", leave=False)):
            image = cv2.imread(str(self.folder / gt["image"]), cv2.IMREAD_COLOR)
            mask = cv2.imread(str(self.folder / gt["mask"]), cv2.IMREAD_UNCHANGED)
            if image is None or mask is None:
                raise ValueError(f"cannot read image or mask of {gt['image']}")
            self.pixels[i] = torch.from_numpy(preprocess(image, image_size, mean, std))
            if grid:
                self.patch_labels[i] = torch.from_numpy(patch_defect_labels(mask, grid))
                # part_bbox is in the rendered image's pixels, the grid spans the same picture.
                self.patch_locations[i] = torch.from_numpy(patch_location_labels(gt["part_bbox"], mask.shape[0], grid))
                self.patch_defect_locations[i] = torch.from_numpy(
                    patch_defect_location_labels(self.patch_labels[i].numpy(), gt["defects"]))
            for g, labels in self.stem_labels.items():
                labels[i] = torch.from_numpy(patch_defect_labels(mask, g))
        self.part = torch.tensor([PART_TYPES.index(g["part"]) for g in self.gts])
        self.material = torch.tensor([MATERIALS.index(g["material"]) for g in self.gts])
        self.defective = torch.tensor([float(g["defective"]) for g in self.gts])
        self.count = torch.tensor([c if (c := count_of(g)) is not None and c < MAX_COUNT else -100 for g in self.gts])
        self.defect_types = torch.zeros(n, len(DEFECT_TYPES))
        self.locations = torch.zeros(n, len(LOCATIONS))
        for i, gt in enumerate(self.gts):
            for d in gt["defects"]:
                self.defect_types[i, DEFECT_TYPES.index(d["type"])] = 1
                self.locations[i, LOCATIONS.index(d["location"])] = 1

    def __len__(self) -> int:
        return len(self.gts)


def patch_defect_labels(mask: np.ndarray, grid: int) -> np.ndarray:
    """Mask (0 = clean, k = DEFECT_TYPES[k-1]) -> one label per patch, row-major: the defect
    covering most of the patch, or 0. Any defect pixel counts: a 1-px scratch must still mark
    its patch."""
    return mask_to_grid(mask, grid, min_pixels=1).reshape(-1).astype(np.int64)


def patch_defect_location_labels(patch_labels: np.ndarray, defects: list[dict]) -> np.ndarray:
    """Per patch: 0 where no defect, else 1 + the LOCATIONS index of the defect under it (its
    ground-truth cell: where its visible pixels centre). A scratch across two cells marks the cell
    it is named by on all its patches, so the token the LLM finds a defect in says where the
    answer puts it. (Model 0.7 misplaced 156 defects in its descriptions of 400 defective
    validation parts: each token knew its own cell, not its defect's.)"""
    by_type = {1 + DEFECT_TYPES.index(d["type"]): 1 + LOCATIONS.index(d["location"]) for d in defects}
    return np.array([by_type.get(int(t), 0) for t in patch_labels], dtype=np.int64)


def patch_location_labels(part_bbox, image_size: int, grid: int) -> np.ndarray:
    """Per patch, row-major: 0 off the part's bounding box, else 1 + the LOCATIONS index of the
    3x3 cell of the part (the grid the ground truth names defect locations on) under the patch
    centre. A token that knows where on the part it sits lets the LLM name a defect's location
    by finding the defect's token."""
    step = image_size / grid
    labels = np.zeros(grid * grid, dtype=np.int64)
    if not part_bbox:
        return labels
    x0, y0, x1, y1 = part_bbox
    for r in range(grid):
        for c in range(grid):
            cx, cy = (c + 0.5) * step, (r + 0.5) * step
            if x0 <= cx < x1 and y0 <= cy < y1:
                labels[r * grid + c] = 1 + LOCATIONS.index(location_of(cx, cy, part_bbox))
    return labels
