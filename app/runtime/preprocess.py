"""Image preprocessing as in training (models/train/preprocess.py), from the manifest's settings.

BGR uint8 HxWx3 -> resize to size x size with INTER_AREA (skipped when already that size, as in
training) -> the manifest's colour order -> [0, 1] -> (x - mean) / std -> CHW float32.
"""

from __future__ import annotations

import cv2
import numpy as np


class Preprocessor:
    def __init__(self, spec: dict):
        self.size = int(spec["size"])
        self.rgb = spec.get("colour_order", "RGB") == "RGB"
        self.mean = np.asarray(spec["mean"], np.float32)
        self.std = np.asarray(spec["std"], np.float32)

    def __call__(self, image_bgr: np.ndarray) -> np.ndarray:
        """[3, size, size] float32 for one BGR uint8 image."""
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.dtype != np.uint8:
            raise ValueError(f"expected an HxWx3 uint8 BGR image, got {image_bgr.shape} {image_bgr.dtype}")
        if image_bgr.shape[:2] != (self.size, self.size):
            image_bgr = cv2.resize(image_bgr, (self.size, self.size), interpolation=cv2.INTER_AREA)
        image = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB) if self.rgb else image_bgr
        # The same float32 operation order as training, so results agree to the last bit.
        x = image.astype(np.float32) / 255.0
        x = (x - self.mean) / self.std
        return np.ascontiguousarray(x.transpose(2, 0, 1))

    def batch(self, images: list[np.ndarray]) -> np.ndarray:
        return np.stack([self(img) for img in images])


MAX_VERDICT_VIEWS = 8


def check_verdict_views(n: int) -> int:
    if not 1 <= n <= MAX_VERDICT_VIEWS:
        raise ValueError(f"verdict views must be 1..{MAX_VERDICT_VIEWS}, not {n}")
    return n


def verdict_views(pixels: np.ndarray, n: int) -> np.ndarray:
    """[n, 3, H, W]: the preprocessed image and its turns the verdict is averaged over.

    View k is the image turned by k x 90 degrees, mirrored left-right first from k = 4 on; view 0
    is the image itself. The tower was pretrained on turned and mirrored parts (stage 0); a part's
    turns are the same part, and the mean of their verdicts separates good from defective better
    than one view (model 0.5.1 on 2000 validation parts: verdict AUC 0.978 with one view, 0.988
    with four turns, 0.987 with all eight views)."""
    check_verdict_views(n)
    if pixels.ndim != 3 or pixels.shape[1] != pixels.shape[2]:
        raise ValueError(f"expected a square [3, S, S] image, got {pixels.shape}")
    views = []
    for k in range(n):
        x = pixels[:, :, ::-1] if k >= 4 else pixels
        views.append(np.rot90(x, k % 4, axes=(1, 2)))
    return np.ascontiguousarray(np.stack(views))
