"""Stage 0's labels and augmentation: the turned picture must carry the labels computed for it."""

import numpy as np
import pytest
import torch

from models.synth.render import location_of, render_part
from models.synth.vocab import DEFECT_TYPES, LOCATIONS
from models.train.data import patch_defect_labels, patch_defect_location_labels, patch_location_labels
from models.train.stage0 import VisionPretrainHeads, defect_location_loss, dihedral

SIZE, GRID = 128, 8
# Edges off patch centres and off the thirds of the box, so no label sits on a boundary.
BBOX = (13, 21, 110, 99)


def turned_bbox(bbox, k: int, mirror: bool, size: int = SIZE):
    """Where torch.rot90(k, dims=(-2, -1)) then flip(-1) moves the box [x0, y0, x1, y1)."""
    x0, y0, x1, y1 = bbox
    for _ in range(k % 4):  # one turn: pixel (y, x) goes to (size - 1 - x, y)
        x0, y0, x1, y1 = y0, size - x1, y1, size - x0
    if mirror:
        x0, x1 = size - x1, size - x0
    return x0, y0, x1, y1


@pytest.mark.parametrize("k", range(4))
@pytest.mark.parametrize("mirror", [False, True])
def test_turned_labels_are_the_labels_of_the_turned_part(k, mirror):
    mask = np.zeros((SIZE, SIZE), np.uint8)
    mask[30:34, 40:90] = 1  # a scratch in the upper half
    mask[80:95, 20:30] = 4  # a patch of rust lower left
    flags = torch.zeros(1, len(LOCATIONS))
    flags[0, LOCATIONS.index(location_of(65, 32, BBOX))] = 1
    defects = [{"type": "scratch", "location": location_of(65, 32, BBOX)},
               {"type": "rust", "location": location_of(25.5, 88, BBOX)}]
    batch = {
        "pixels": torch.from_numpy(mask).float()[None, None].repeat(1, 3, 1, 1),
        "patch_labels": torch.from_numpy(patch_defect_labels(mask, GRID))[None],
        "patch_locations": torch.from_numpy(patch_location_labels(BBOX, SIZE, GRID))[None],
        "patch_defect_locations": torch.from_numpy(
            patch_defect_location_labels(patch_defect_labels(mask, GRID), defects))[None],
        "stem_labels_32": torch.from_numpy(patch_defect_labels(mask, 32)).to(torch.uint8)[None],
        "locations": flags,
        "part": torch.tensor([2]),
    }
    out = dihedral(batch, k, mirror)

    turned = out["pixels"][0, 0].numpy().astype(np.uint8)
    box = turned_bbox(BBOX, k, mirror)
    assert np.array_equal(out["patch_labels"][0].numpy(), patch_defect_labels(turned, GRID))
    assert np.array_equal(out["stem_labels_32"][0].numpy(), patch_defect_labels(turned, 32))
    assert np.array_equal(out["patch_locations"][0].numpy(), patch_location_labels(box, SIZE, GRID))
    ys, xs = np.nonzero(turned == 1)
    expected = LOCATIONS.index(location_of(xs.mean() + 0.5, ys.mean() + 0.5, box))
    assert out["locations"][0].nonzero().flatten().tolist() == [expected]
    # Every defect patch names its own defect's cell of the turned part.
    ys, xs = np.nonzero(turned == 4)
    turned_defects = [{"type": "scratch", "location": LOCATIONS[expected]},
                      {"type": "rust", "location": location_of(xs.mean() + 0.5, ys.mean() + 0.5, box)}]
    assert np.array_equal(out["patch_defect_locations"][0].numpy(),
                          patch_defect_location_labels(patch_defect_labels(turned, GRID), turned_defects))
    assert torch.equal(out["part"], batch["part"])


def test_patch_locations_name_the_cell_of_the_part_under_each_patch():
    labels = patch_location_labels(BBOX, SIZE, GRID).reshape(GRID, GRID)
    assert labels[0].tolist() == [0] * GRID  # row 0 (centres at y=8) is above the box
    assert labels[:, 7].tolist() == [0] * GRID  # column 7 (x=120) is right of it
    assert LOCATIONS[labels[2, 1] - 1] == location_of(24, 40, BBOX)  # a top-left patch
    assert LOCATIONS[labels[5, 6] - 1] == location_of(104, 88, BBOX)  # bottom right
    assert set(np.unique(labels)) == set(range(len(LOCATIONS) + 1))


def test_patch_locations_of_a_rendered_part_cover_its_box():
    _, gt, _ = render_part(3, size=SIZE)
    labels = patch_location_labels(gt["part_bbox"], SIZE, GRID)
    x0, y0, x1, y1 = gt["part_bbox"]
    centres_inside = sum(x0 <= (c + 0.5) * 16 < x1 and y0 <= (r + 0.5) * 16 < y1 for r in range(GRID) for c in range(GRID))
    assert (labels > 0).sum() == centres_inside > 0


def test_defect_patches_name_their_defects_cell_and_only_they_are_graded():
    _, gt, mask = next(r for seed in range(200) if len((r := render_part(seed, size=SIZE))[1]["defects"]) == 2)
    patches = patch_defect_labels(mask, GRID)
    named = patch_defect_location_labels(patches, gt["defects"])
    assert np.array_equal(named > 0, patches > 0)
    for d in gt["defects"]:  # all patches of one defect name that defect's cell, across cell borders too
        own = patches == 1 + DEFECT_TYPES.index(d["type"])
        assert own.any() and set(named[own]) == {1 + LOCATIONS.index(d["location"])}

    heads = VisionPretrainHeads(hidden=8)
    features = torch.randn(1, GRID * GRID, 8)
    labels = torch.from_numpy(named)[None]
    loss = defect_location_loss(heads, features, {"patch_defect_locations": labels})
    logits = heads.patch_defect_location(features)[0]
    on = labels[0] > 0
    assert torch.isclose(loss, torch.nn.functional.cross_entropy(logits[on], labels[0][on]))
    # Clean patches' features do not move the loss; a batch of good parts gives 0 but a graph.
    features[0, ~on] += 5
    assert torch.isclose(defect_location_loss(heads, features, {"patch_defect_locations": labels}), loss)
    clean = defect_location_loss(heads, features, {"patch_defect_locations": torch.zeros_like(labels)})
    assert clean.item() == 0 and clean.requires_grad
