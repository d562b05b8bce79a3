"""Defect masks -> patch grids, for supervised vision pretraining (stage 0).

Subtle defects are thin (a 1-2 px scratch covers a few percent of a 16 px patch), so a cell is
labelled as soon as it holds `min_pixels` defect pixels, not by majority vote.
"""

from __future__ import annotations

import numpy as np

from .vocab import DEFECT_TYPES


def mask_to_multilabel(mask: np.ndarray, grid: int) -> np.ndarray:
    """(len(DEFECT_TYPES), grid, grid) float32: fraction of each cell covered by each defect type.
    The mask side must be a multiple of grid."""
    h, w = mask.shape
    if h % grid or w % grid:
        raise ValueError(f"mask {h}x{w} does not divide into a {grid}x{grid} grid")
    cells = mask.reshape(grid, h // grid, grid, w // grid)
    out = np.stack([(cells == k + 1).mean(axis=(1, 3)) for k in range(len(DEFECT_TYPES))])
    return out.astype(np.float32)


def mask_to_grid(mask: np.ndarray, grid: int, min_pixels: int = 1) -> np.ndarray:
    """(grid, grid) uint8 cell labels: 0 = no defect, else the mask value (1 + type index) that
    covers the most pixels of the cell, if it covers at least min_pixels."""
    h, w = mask.shape
    frac = mask_to_multilabel(mask, grid)
    pixels = frac * (h // grid) * (w // grid)
    best = pixels.argmax(axis=0)
    return np.where(pixels.max(axis=0) >= min_pixels, best + 1, 0).astype(np.uint8)
