"""write_dataset: render a numbered synthetic data set to disk.

Layout of OUT:
  images/NNNNNN.png     the rendered photo (lossless PNG of the JPEG-degraded picture)
  masks/NNNNNN.png      uint8 defect labels: 0 = none, k = 1 + DEFECT_TYPES.index(type)
  groundtruth.jsonl     one gt dict per line, in index order, with "image" and "mask" paths
                        relative to OUT
  info.json             generator version, seed, count, size, and the label/vocabulary lists
Image i is rendered from image_seed(seed, i), so it can be re-rendered alone.
"""

from __future__ import annotations

import json
import logging
import shutil
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np
from tqdm import tqdm

from .render import MAX_SIZE, MIN_SIZE, render_part
from .vocab import BACKGROUNDS, DEFECT_TYPES, GENERATOR_VERSION, LOCATIONS, MATERIALS, PART_TYPES

log = logging.getLogger(__name__)

GT_FILE = "groundtruth.jsonl"
INFO_FILE = "info.json"
_OWN = ("images", "masks", GT_FILE, INFO_FILE)


def read_groundtruth(folder: Path) -> list[dict]:
    """The ground-truth records of a data set written by write_dataset, in index order."""
    with open(Path(folder) / GT_FILE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_origin(folder: Path) -> dict:
    """How a data set was made (generator version, seed, count, from its info.json); {} for a
    folder `sqinspect synth` did not write."""
    path = Path(folder) / INFO_FILE
    if not path.is_file():
        return {}
    info = json.loads(path.read_text(encoding="utf-8"))
    return {k: info[k] for k in ("generator_version", "seed", "count") if k in info}


def read_image(path: Path) -> np.ndarray:
    """A data set's image as BGR uint8, as training and evaluation read it."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{path}: not a readable image")
    return image


def image_seed(seed: int, index: int) -> int:
    """The render seed of image `index` of a data set made with `seed` (independent streams per
    index, so neighbouring images are not correlated and any one can be rendered alone)."""
    ss = np.random.SeedSequence(entropy=int(seed), spawn_key=(int(index),))
    return int(ss.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def image_name(index: int) -> str:
    return f"{index:06d}.png"


def _render_one(job: tuple[str, int, int, int]) -> dict:
    out, seed, index, size = job
    image, gt, mask = render_part(image_seed(seed, index), size=size, image_id=f"{index:06d}")
    name = image_name(index)
    for sub, arr in (("images", image), ("masks", mask)):
        if not cv2.imwrite(str(Path(out) / sub / name), arr):
            raise OSError(f"could not write {Path(out) / sub / name}")
    gt["image"] = f"images/{name}"
    gt["mask"] = f"masks/{name}"
    return gt


def _worker_init() -> None:
    # One process per core: keep OpenCV from starting its own thread pool in each.
    cv2.setNumThreads(1)


def write_dataset(out_dir, count: int, seed: int, size: int = 128, workers: int = 1,
                  overwrite: bool = False, progress: bool = True) -> dict:
    """Render `count` parts into out_dir. Returns summary statistics (also logged).

    Raises ValueError for bad arguments and FileExistsError when out_dir holds files and
    overwrite is False (with overwrite, this module's own outputs are removed first).
    """
    if not isinstance(count, int) or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size must be an integer in [{MIN_SIZE}, {MAX_SIZE}], got {size!r}")
    if not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be a positive integer, got {workers!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        if not overwrite:
            raise FileExistsError(f"{out} is not empty (use --overwrite to replace the data set in it)")
        for name in _OWN:
            p = out / name
            if p.is_dir():
                shutil.rmtree(p)
            elif p.exists():
                p.unlink()
    (out / "images").mkdir(parents=True, exist_ok=True)
    (out / "masks").mkdir(parents=True, exist_ok=True)

    jobs = [(str(out), seed, i, size) for i in range(count)]
    stats = _Stats()
    bar = tqdm(total=count, desc="synth", unit="img", disable=not progress)
    with open(out / GT_FILE, "w", encoding="utf-8") as f:
        if workers == 1:
            results = map(_render_one, jobs)
            pool = None
        else:
            pool = get_context("spawn").Pool(workers, initializer=_worker_init)
            results = pool.imap(_render_one, jobs, chunksize=16)
        try:
            for gt in results:
                f.write(json.dumps(gt, separators=(",", ":")) + "\n")
                stats.add(gt)
                bar.update(1)
        finally:
            bar.close()
            if pool is not None:
                pool.terminate()
                pool.join()

    info = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "count": count,
        "size": size,
        "mask_values": {str(i + 1): t for i, t in enumerate(DEFECT_TYPES)},
        "defect_types": list(DEFECT_TYPES),
        "part_types": list(PART_TYPES),
        "materials": list(MATERIALS),
        "backgrounds": list(BACKGROUNDS),
        "locations": list(LOCATIONS),
        "stats": stats.summary(),
    }
    (out / INFO_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    log.info("wrote %d images to %s: %s", count, out, info["stats"])
    return info["stats"]


class _Stats:
    """Counts of what a data set holds, for the summary line and info.json."""

    def __init__(self) -> None:
        self.n = 0
        self.defective = 0
        self.parts: dict[str, int] = {}
        self.materials: dict[str, int] = {}
        self.defects: dict[str, int] = {}
        self.two_defects = 0

    def add(self, gt: dict) -> None:
        self.n += 1
        self.defective += gt["defective"]
        self.two_defects += len(gt["defects"]) > 1
        self.parts[gt["part"]] = self.parts.get(gt["part"], 0) + 1
        self.materials[gt["material"]] = self.materials.get(gt["material"], 0) + 1
        for d in gt["defects"]:
            self.defects[d["type"]] = self.defects.get(d["type"], 0) + 1

    def summary(self) -> dict:
        return {
            "images": self.n,
            "defect_free": self.n - self.defective,
            "defective": self.defective,
            "two_defects": self.two_defects,
            "parts": dict(sorted(self.parts.items())),
            "materials": dict(sorted(self.materials.items())),
            "defects": dict(sorted(self.defects.items())),
        }
