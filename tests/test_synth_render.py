"""The synthetic parts renderer: determinism, ground-truth validity, mask consistency, visibility."""

import collections
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from models.synth import (BACKGROUNDS, DEFECT_TYPES, GENERATOR_VERSION, LOCATIONS, MATERIALS, PART_TYPES,
                          mask_to_grid, mask_to_multilabel, render_part)
from models.synth.geometry import BRACKET_HOLE_COUNTS, PLATE_HOLE_COUNTS, bracket_holes, plate_holes
from models.synth.render import location_of, render_with_reference
from models.synth.vocab import COUNTED_FEATURE, PARTS_WITH_HOLES

N = 300
DESIGN_COUNTS = {"flange": range(4, 9), "gear": range(8, 17), "l_bracket": BRACKET_HOLE_COUNTS,
                 "plate": PLATE_HOLE_COUNTS}


@pytest.fixture(scope="module")
def renders():
    return [render_part(seed) for seed in range(N)]


def test_same_seed_same_bytes_and_gt():
    a_img, a_gt, a_mask = render_part(1234)
    b_img, b_gt, b_mask = render_part(1234)
    assert a_img.tobytes() == b_img.tobytes()
    assert a_mask.tobytes() == b_mask.tobytes()
    assert a_gt == b_gt
    c_img, c_gt, _ = render_part(1235)
    assert c_img.tobytes() != a_img.tobytes()


def test_generator_input_records_a_reproducible_seed():
    img, gt, mask = render_part(np.random.default_rng(7))
    img2, gt2, mask2 = render_part(gt["seed"])
    assert np.array_equal(img, img2) and np.array_equal(mask, mask2)
    assert gt == gt2


def test_rendering_does_not_depend_on_global_numpy_state():
    np.random.seed(0)
    a = render_part(99)[0]
    np.random.seed(1)
    np.random.random(100)
    assert np.array_equal(a, render_part(99)[0])


@pytest.mark.parametrize("bad", [-1, 1.5, "3", None, True])
def test_bad_seed_is_refused(bad):
    with pytest.raises(ValueError):
        render_part(bad)


@pytest.mark.parametrize("bad", [0, 16, 5000, 128.0])
def test_bad_size_is_refused(bad):
    with pytest.raises(ValueError, match="size"):
        render_part(1, size=bad)


@pytest.mark.parametrize("size", [64, 96, 224])
def test_other_sizes(size):
    img, gt, mask = render_part(3, size=size)
    assert img.shape == (size, size, 3) and img.dtype == np.uint8
    assert mask.shape == (size, size) and mask.dtype == np.uint8
    assert gt["size"] == size


def test_gt_schema_and_consistency(renders):
    for img, gt, mask in renders:
        assert img.shape == (128, 128, 3) and img.dtype == np.uint8
        assert json.loads(json.dumps(gt)) == gt
        assert {"id", "seed", "generator_version", "size", "part", "material", "background", "counts",
                "expected_counts", "defects", "defective", "part_bbox"} <= set(gt)
        assert gt["generator_version"] == GENERATOR_VERSION
        assert gt["part"] in PART_TYPES and gt["material"] in MATERIALS and gt["background"] in BACKGROUNDS
        feature = COUNTED_FEATURE.get(gt["part"])
        assert set(gt["counts"]) == set(gt["expected_counts"]) == ({feature} if feature else set())
        if feature:
            assert gt["expected_counts"][feature] in DESIGN_COUNTS[gt["part"]]
        # The part is fully in frame.
        x0, y0, x1, y1 = gt["part_bbox"]
        assert 0 < x0 < x1 < 128 and 0 < y0 < y1 < 128
        assert gt["defective"] == bool(gt["defects"])
        types = [d["type"] for d in gt["defects"]]
        assert len(types) == len(set(types)) <= 2
        for d in gt["defects"]:
            assert d["type"] in DEFECT_TYPES and d["location"] in LOCATIONS
            assert d["severity"] in ("subtle", "clear")
            if d["type"] == "missing_hole":
                assert gt["part"] in PARTS_WITH_HOLES and d["detail"] in ("missing", "extra")
        # Counts differ from the design exactly by the missing or extra hole.
        hole = next((d for d in gt["defects"] if d["type"] == "missing_hole"), None)
        if feature == "holes":
            delta = {None: 0, "missing": -1, "extra": 1}[hole and hole["detail"]]
            assert gt["counts"]["holes"] == gt["expected_counts"]["holes"] + delta
        else:
            assert gt["counts"] == gt["expected_counts"]


# Each outline's symmetries in its unit frame: the pose may show the part turned either way.
OUTLINE_SYMMETRIES = {
    "plate": [lambda x, y: (x, y), lambda x, y: (-x, y), lambda x, y: (x, -y), lambda x, y: (-x, -y)],
    "l_bracket": [lambda x, y: (x, y), lambda x, y: (-y, -x)],
}
HOLE_DESIGNS = {"plate": (plate_holes, PLATE_HOLE_COUNTS, (0.60, 0.78)),
                "l_bracket": (bracket_holes, BRACKET_HOLE_COUNTS, (0.50, 0.62))}


def same_pattern(a, b, tol):
    return len(a) == len(b) and all(min(math.dist(p, q) for q in b) < tol for p in a)


@pytest.mark.parametrize("part", sorted(HOLE_DESIGNS))
def test_a_missing_hole_always_breaks_the_design(part):
    """No design equals another with one hole taken away (nor, read backwards, with one
    added), so a missing or extra hole is visible in the picture without the drawing."""
    holes_of, counts, (lo, hi) = HOLE_DESIGNS[part]
    for size in np.linspace(lo, hi, 5):  # the outline parameter the layout depends on
        designs = {n: holes_of(n, size) for n in counts}
        for n, holes in designs.items():
            assert len(holes) == n
            for k in range(n):
                left = holes[:k] + holes[k + 1:]
                for other in designs.values():
                    for turn in OUTLINE_SYMMETRIES[part]:
                        # 0.2 part units: two hole radii, far more than rendering can blur.
                        assert not same_pattern(left, [turn(*q) for q in other], tol=0.2), (n, k)


def test_mask_matches_defects(renders):
    for _, gt, mask in renders:
        expected_values = {DEFECT_TYPES.index(d["type"]) + 1 for d in gt["defects"]}
        assert set(np.unique(mask)) - {0} == expected_values
        for d in gt["defects"]:
            ys, xs = np.nonzero(mask == DEFECT_TYPES.index(d["type"]) + 1)
            assert d["bbox"] == [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1]
            # The location is the grid cell of the labelled pixels' centroid within the part box.
            assert d["location"] == location_of(xs.mean() + 0.5, ys.mean() + 0.5, gt["part_bbox"])
            x0, y0, x1, y1 = gt["part_bbox"]
            assert x0 - 1 <= xs.mean() <= x1 + 1 and y0 - 1 <= ys.mean() <= y1 + 1


def test_data_set_statistics(renders):
    gts = [gt for _, gt, _ in renders]
    clean = sum(not gt["defective"] for gt in gts) / len(gts)
    assert 0.40 <= clean <= 0.60
    assert {gt["part"] for gt in gts} == set(PART_TYPES)
    assert len({gt["material"] for gt in gts}) >= 5
    assert {gt["background"] for gt in gts} == set(BACKGROUNDS)
    defects = [d for gt in gts for d in gt["defects"]]
    assert {d["type"] for d in defects} == set(DEFECT_TYPES)
    assert {d["severity"] for d in defects} == {"subtle", "clear"}
    assert len({d["location"] for d in defects}) >= 8  # the centre is absent on parts with a bore
    defective = [gt for gt in gts if gt["defective"]]
    two = sum(len(gt["defects"]) == 2 for gt in defective) / len(defective)
    assert 0.05 <= two <= 0.30
    by_feature = collections.defaultdict(set)
    for gt in gts:
        for k, v in gt["expected_counts"].items():
            by_feature[(gt["part"], k)].add(v)
    assert len(by_feature[("flange", "holes")]) >= 4 and len(by_feature[("gear", "teeth")]) >= 6


def test_surface_defects_survive_the_capture():
    """Compared with the same capture without the defect, every labelled scratch/crack/dent/rust/
    stain changes its pixels well above the sensor noise (sigma <= 4 grey levels)."""
    seen = set()
    for seed in range(160):
        img, gt, mask, ref = render_with_reference(seed)
        diff = np.abs(img.astype(int) - ref.astype(int)).max(axis=2)
        for d in gt["defects"]:
            if d["type"] in ("chip", "missing_hole"):
                continue
            sel = mask == DEFECT_TYPES.index(d["type"]) + 1
            seen.add((d["type"], d["severity"]))
            assert diff[sel].mean() >= 8, (seed, d)
            assert np.percentile(diff[sel], 90) >= 20, (seed, d)
        if not gt["defective"]:
            assert np.array_equal(img, ref)
    assert {s for _, s in seen} == {"subtle", "clear"}


def test_holes_show_the_background_through_an_extra_hole():
    # An extra hole is drilled through: its pixels look like the background, not the part.
    for seed in range(3000):
        img, gt, mask = render_part(seed)
        hole = next((d for d in gt["defects"] if d["type"] == "missing_hole" and d["detail"] == "extra"), None)
        if hole and hole["severity"] == "clear":
            break
    else:
        pytest.fail("no extra hole in 3000 renders")
    assert gt["counts"]["holes"] == gt["expected_counts"]["holes"] + 1
    sel = mask == DEFECT_TYPES.index("missing_hole") + 1
    assert sel.sum() >= 9


def test_mask_to_grid():
    mask = np.zeros((128, 128), np.uint8)
    mask[3, 5] = 1  # one scratch pixel in cell (0, 0)
    mask[40:44, 100:110] = 4  # rust in cell (2, 6)
    mask[40, 96] = 1  # and a little scratch in the same cell: rust covers more
    grid = mask_to_grid(mask, 8)
    assert grid.shape == (8, 8)
    assert grid[0, 0] == 1 and grid[2, 6] == 4 and grid.sum() == 5
    assert mask_to_grid(mask, 8, min_pixels=2)[0, 0] == 0
    ml = mask_to_multilabel(mask, 8)
    assert ml.shape == (len(DEFECT_TYPES), 8, 8)
    assert ml[3, 2, 6] == pytest.approx(40 / 256)
    with pytest.raises(ValueError):
        mask_to_grid(mask, 7)


def test_synth_imports_without_torch():
    code = ("import sys; sys.modules['torch'] = None; import models.synth as s; "
            "s.render_part(1); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=str(Path(__file__).resolve().parents[1]))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_a_crack_zig_zags_in_runs_long_enough_to_see():
    """A crack turns sharply at every kink, each time against the last turn, in runs of several
    output pixels: the shape that tells it from a scratch's gentle bow (synth-1.2)."""
    from models.synth.defects import crack_path

    rng = np.random.default_rng(0)
    for _ in range(200):
        pts = crack_path(rng, (50.0, 60.0), 40.0)
        runs = np.diff(pts, axis=0)
        assert 3 <= len(runs) <= 5
        assert np.isclose(np.linalg.norm(runs, axis=1).sum(), 40.0)
        assert np.linalg.norm(runs, axis=1).min() >= 0.7 / 1.3 * 40.0 / len(runs) - 1e-9
        assert np.allclose(pts.mean(axis=0), (50.0, 60.0))
        heading = np.arctan2(runs[:, 1], runs[:, 0])
        turns = (np.diff(heading) + np.pi) % (2 * np.pi) - np.pi
        assert np.all(np.abs(turns) >= 0.6 - 1e-9) and np.all(np.abs(turns) <= 1.1 + 1e-9)
        assert np.all(np.sign(turns[1:]) == -np.sign(turns[:-1]))
