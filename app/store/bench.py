"""`db bench`: inspections stored per second, with images, at the store's real durability."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import time
from pathlib import Path

from app.store.store import Store

BENCH_USER = "bench"


def sample_result(i: int) -> dict:
    """A result record shaped like the pipeline's, with realistic text sizes."""
    return {
        "image": f"camera0/frame-{i:06d}",
        "image_sha256": hashlib.sha256(str(i).encode()).hexdigest(),
        "description": "A machined aluminium bracket with two bores and a chamfered edge, "
                       "photographed from above on a grey fixture under diffuse light. " * 3,
        "qa": [
            {"question": q, "answer": a}
            for q, a in [
                ("Is there a scratch near the bore?", "No, the surface around both bores is clean."),
                ("How many holes does the bracket have?", "Two."),
                ("Is the chamfer continuous along the edge?", "Yes."),
                ("Is there any burr on the cut face?", "A small burr is visible at the lower left corner."),
                ("Is the part seated correctly in the fixture?", "Yes, it is flush with the stops."),
            ]
        ],
        "verdict": "fail" if i % 7 == 0 else "pass",
        "defect_probability": (i % 100) / 100,
        "threshold": 0.5,
        "latency_ms": {"vision": 12.5, "prefill": 30.1, "describe": 210.0, "questions": 120.4,
                       "answers": 180.2, "verdict": 8.3, "total": 561.5},
        "bundle": {"name": "sq-llava-parts-int8", "sha256": "ab" * 32},
    }


def frames(n: int, width: int = 640, height: int = 480):
    """n different BGR frames: a grey part on a background, with a changing patch so that no two
    JPEGs are the same (the store keeps one file per distinct image)."""
    import cv2
    import numpy as np

    rng = np.random.default_rng(0)
    base = np.full((height, width, 3), 90, np.uint8)
    cv2.rectangle(base, (160, 120), (480, 360), (170, 170, 175), -1)
    cv2.circle(base, (260, 240), 40, (40, 40, 40), -1)
    cv2.circle(base, (380, 240), 40, (40, 40, 40), -1)
    base = cv2.add(base, rng.integers(0, 12, base.shape, dtype=np.uint8))
    for i in range(n):
        frame = base.copy()
        frame[10:42, 10:42] = rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)
        cv2.putText(frame, str(i), (500, 460), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)
        yield frame


def run(n: int = 500, *, directory: Path | None = None, arrays: bool = False) -> dict:
    """Store n inspections with 640x480 images in a new database under `directory` (a temporary
    folder on that disk, removed afterwards). With arrays=True the timing includes the JPEG
    encoding of BGR arrays; otherwise images arrive as JPEG bytes, encoded beforehand."""
    import cv2

    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="sqinspect-bench-", dir=directory))
    try:
        inputs = list(frames(n))
        if not arrays:
            inputs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes() for f in inputs]
        image_bytes = sum(len(x) for x in inputs) if not arrays else None
        with Store(work / "bench.db") as store:
            store.add_user(BENCH_USER, "admin", "bench-password", actor=None)
            results = [sample_result(i) for i in range(n)]
            start = time.perf_counter()
            for result, image in zip(results, inputs):
                store.record_inspection(result, image, operator=BENCH_USER, serial="S-1", lot="L-1",
                                        station="bench")
            seconds = time.perf_counter() - start
        return {"inspections": n, "seconds": seconds, "per_second": n / seconds, "directory": str(work.parent),
                "mean_jpeg_bytes": image_bytes // n if image_bytes else None, "arrays": arrays}
    finally:
        shutil.rmtree(work, ignore_errors=True)
