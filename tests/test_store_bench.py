"""Logging throughput with 640x480 JPEG images at the store's real durability (WAL,
synchronous=FULL, image fsync + rename). pytest-benchmark reports it; nothing here asserts a
speed, which depends on the disk. For the figure in inspections/s: `sqinspect db bench`."""

from __future__ import annotations

import itertools

import pytest
from store_helpers import new_store

from app.store.bench import frames, sample_result

cv2 = pytest.importorskip("cv2")


def test_record_inspection_with_jpeg(benchmark, tmp_path):
    store = new_store(tmp_path / "bench.db")
    jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 95])[1].tobytes() for f in frames(60)]
    counter = itertools.count()

    def record_one():
        i = next(counter)
        return store.record_inspection(sample_result(i), jpegs[i], operator="ins", station="bench")

    benchmark.pedantic(record_one, rounds=50, warmup_rounds=5, iterations=1)
    assert store.find_inspections(limit=1).total == 55
    store.verify()
    store.close()
