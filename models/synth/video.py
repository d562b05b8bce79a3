"""A conveyor-belt video from rendered part images: the camera source for demos and training.

Each part slides in, rests under the camera (the resting frames are the rendered image, scaled
up, so an inspection sees what the model was trained on), then slides out for the next one.

    python -m models.synth.video assets/samples assets/samples/line.mp4
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

log = logging.getLogger(__name__)


def _ease(t: float) -> float:
    return t * t * (3.0 - 2.0 * t)


def belt_frames(images: list[np.ndarray], size: int, fps: float, rest_s: float, move_s: float):
    """Frames of a belt carrying `images` (BGR) past a size x size camera, looping seamlessly."""
    tiles = [cv2.resize(im, (size, size), interpolation=cv2.INTER_CUBIC) for im in images]
    strip = np.concatenate(tiles + tiles[:1], axis=1)  # the first again at the end: the loop is seamless
    rest, move = round(rest_s * fps), round(move_s * fps)
    for i in range(len(tiles)):
        for _ in range(rest):
            yield strip[:, i * size:(i + 1) * size]
        for k in range(1, move + 1):
            x = round((i + _ease(k / (move + 1))) * size)
            yield strip[:, x:x + size]


def write_video(image_dir: Path, out: Path, *, size: int = 320, fps: float = 30.0, rest_s: float = 2.0,
                move_s: float = 0.5) -> int:
    paths = sorted(p for p in Path(image_dir).glob("*.png"))
    images = [cv2.imread(str(p), cv2.IMREAD_COLOR) for p in paths]
    if not images or any(im is None for im in images):
        raise SystemExit(f"{image_dir}: no readable PNG images")
    out.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, (size, size))
    if not writer.isOpened():
        raise SystemExit(f"{out}: OpenCV cannot write MPEG-4 video here")
    total = len(images) * (round(rest_s * fps) + round(move_s * fps))
    n = 0
    for frame in tqdm(belt_frames(images, size, fps, rest_s, move_s), total=total, desc="video", unit="frame"):
        writer.write(np.ascontiguousarray(frame))
        n += 1
    writer.release()
    log.info("%s: %d frames at %g fps", out, n, fps)
    return n


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("images", type=Path, help="folder of rendered part images (PNG)")
    p.add_argument("out", type=Path, help="video file to write (.mp4)")
    p.add_argument("--size", type=int, default=320)
    p.add_argument("--fps", type=float, default=30.0)
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_video(args.images, args.out, size=args.size, fps=args.fps)


if __name__ == "__main__":
    main()
