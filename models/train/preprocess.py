"""Image preprocessing, identical on the training side and in the runtime (numpy + OpenCV).

BGR uint8 -> resize to size x size (INTER_AREA) -> RGB -> [0, 1] -> (x - mean) / std -> CHW float32.
The runtime reads the same parameters from the bundle manifest.
"""

from __future__ import annotations

import cv2
import numpy as np

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)


def preprocessing_spec(size: int) -> dict:
    return {"size": size, "mean": list(MEAN), "std": list(STD), "resize": "area_square", "colour_order": "RGB"}


def preprocess(image_bgr: np.ndarray, size: int, mean=MEAN, std=STD) -> np.ndarray:
    if image_bgr.shape[:2] != (size, size):
        image_bgr = cv2.resize(image_bgr, (size, size), interpolation=cv2.INTER_AREA)
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB).astype(np.float32) / 255.0
    rgb = (rgb - np.asarray(mean, np.float32)) / np.asarray(std, np.float32)
    return np.ascontiguousarray(rgb.transpose(2, 0, 1))
