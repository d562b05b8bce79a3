"""render_part: one procedurally rendered part photo, its ground truth and its defect mask.

Pipeline (all randomness from one numpy Generator seeded by an int, so a seed reproduces the
image bit for bit for a given GENERATOR_VERSION):
  part type, material, background -> shape and pose -> defects chosen -> holes drilled,
  geometric defects cut (extra hole, chip) -> shading (texture, relief, bevel, highlight) ->
  surface defects painted -> shadow and composite on the background -> camera tilt ->
  downsample to the output size -> lighting gradient, blur, noise, JPEG.
The ground truth (bounding boxes, 3x3 locations) is measured on the final, tilted masks, so
it describes what the picture shows.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from . import defects as D
from .geometry import BUILDERS, draw_outline, fill_circle, fill_polygon, place, relief_map
from .scene import (MATERIAL_LOOK, background, bevel, camera, camera_params, drop_shadow, lighting_gradient,
                    material_colour, specular, surface_texture, tilt_matrix)
from .vocab import BACKGROUNDS, COUNTED_FEATURE, DEFECT_TYPES, GENERATOR_VERSION, LOCATION_GRID, MATERIALS, PART_TYPES

SUPERSAMPLE = 2  # draw at 2x and area-downsample: anti-aliased edges and sub-pixel thin lines
TILT = 0.025  # camera tilt: corners move by up to this fraction of the frame
MARGIN = 0.09  # free border round the placed part, larger than the tilt can move it
MIN_SIZE, MAX_SIZE = 64, 1024
MASK_COVERAGE = 0.25  # an output pixel is labelled when a defect covers this much of it


def seed_of(rng_or_seed) -> int:
    """The int seed a render uses: the int itself, or one drawn from a Generator."""
    if isinstance(rng_or_seed, np.random.Generator):
        return int(rng_or_seed.integers(0, 2**32))
    if isinstance(rng_or_seed, (int, np.integer)) and not isinstance(rng_or_seed, bool) and 0 <= rng_or_seed < 2**63:
        return int(rng_or_seed)
    raise ValueError(f"render_part needs a non-negative int seed or a numpy Generator, got {rng_or_seed!r}")


def location_of(cx: float, cy: float, bbox) -> str:
    """Name of the 3x3 cell of bbox (x0, y0, x1, y1; x1/y1 exclusive) that holds point (cx, cy)."""
    x0, y0, x1, y1 = bbox
    col = min(2, max(0, int(3 * (cx - x0) / max(x1 - x0, 1e-6))))
    row = min(2, max(0, int(3 * (cy - y0) / max(y1 - y0, 1e-6))))
    return LOCATION_GRID[row][col]


def _bbox(mask: np.ndarray) -> list[int] | None:
    ys, xs = np.nonzero(mask)
    if xs.size == 0:
        return None
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def _down(mask_f: np.ndarray, size: int) -> np.ndarray:
    return cv2.resize(mask_f, (size, size), interpolation=cv2.INTER_AREA)


def render_part(rng_or_seed, size: int = 128, image_id: str | None = None):
    """Render one part photo.

    Returns (image, gt, defect_mask): image uint8 BGR (size, size, 3); gt a JSON-serialisable
    dict (schema in models/synth/__init__.py); defect_mask uint8 (size, size) with 0 = no defect
    and k = 1 + DEFECT_TYPES.index(type).
    """
    image, gt, mask, _ = _render(seed_of(rng_or_seed), size, image_id, reference=False)
    return image, gt, mask


def render_with_reference(rng_or_seed, size: int = 128, image_id: str | None = None):
    """Diagnostics: render_part's outputs plus a reference picture of the same part, pose and
    capture (same noise, same JPEG quality) without its surface defects (scratch, crack, dent,
    rust, stain; chips and hole defects change the silhouette and stay). The difference between
    the two shows how much of each defect survives the capture degradations."""
    return _render(seed_of(rng_or_seed), size, image_id, reference=True)


def _render(seed: int, size: int, image_id: str | None, reference: bool):
    if not isinstance(size, (int, np.integer)) or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size must be an int in [{MIN_SIZE}, {MAX_SIZE}], got {size!r}")
    size = int(size)
    rng = np.random.default_rng(seed)
    S = size * SUPERSAMPLE

    part = str(rng.choice(PART_TYPES))
    material = str(rng.choice(MATERIALS))
    bg_kind = str(rng.choice(BACKGROUNDS))
    shape = BUILDERS[part](rng)
    pl = place(shape, rng, S, MARGIN * S)
    planned = D.choose_defects(part, rng)
    light_angle = rng.uniform(0, 2 * math.pi)
    light = (math.cos(light_angle), math.sin(light_angle))

    # --- silhouette: outline, bores, counted holes (one may be left undrilled) ---------------
    outline = draw_outline(shape, pl, S)
    outer = np.zeros_like(outline)
    fill_polygon(outer, pl.points(shape.outline), 255)
    holes = [pl.circle(*h) for h in shape.holes]
    omitted = None
    if any(t == "missing_hole" for t, _ in planned) and holes and rng.random() < 0.6:
        omitted = int(rng.integers(len(holes)))
    surface = outline.copy()
    for j, h in enumerate(holes):
        if j != omitted:
            fill_circle(surface, *h, 0)
    ys, xs = np.nonzero(outline)
    design_bbox = (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))
    cv = D.Canvas(rng=rng, size=S, material=material, surface=surface, outer=outer, bbox=design_bbox, light=light)

    # Each placed defect: (type, severity, boolean canvas mask, extra detail).
    placed: list[tuple[str, str, np.ndarray, dict]] = []
    cells = [int(c) for c in rng.permutation(9)]

    def next_cells():
        # Target cells not used by an earlier defect of this part, so two defects stay apart.
        return [c for c in cells if c not in used]

    used: set[int] = set()
    for dtype, sev in planned:
        if dtype == "missing_hole":
            if omitted is not None:
                m = D.missing_hole_region(*holes[omitted], S)
                placed.append((dtype, sev, m, {"detail": "missing"}))
                continue
            for c in next_cells():
                m = D.extra_hole(cv, holes[0][2], holes, c)
                if m is not None:
                    used.add(c)
                    placed.append((dtype, sev, m, {"detail": "extra"}))
                    break
        elif dtype == "chip":
            for c in next_cells():
                m = D.chip(cv, sev, c)
                if m is not None:
                    used.add(c)
                    placed.append((dtype, sev, m, {}))
                    break

    # --- shading --------------------------------------------------------------------------
    base = material_colour(material, rng)
    _, spec_amp, tex_amp = MATERIAL_LOOK[material]
    part_alpha = (cv.surface > 0).astype(np.float32)
    centre = pl.circle(0.0, 0.0, 0.0)[:2]
    shade = relief_map(shape, pl, S) * surface_texture(shape.turned, centre, rng, S, tex_amp)
    colour = shade[..., None] * base
    colour += bevel(part_alpha, light, 0.22)[..., None]
    hx = centre[0] + rng.uniform(-0.3, 0.3) * cv.part_size
    hy = centre[1] + rng.uniform(-0.3, 0.3) * cv.part_size
    colour += specular((hx, hy), rng.uniform(0.12, 0.25) * cv.part_size, S, spec_amp * rng.uniform(0.6, 1.0))[..., None]
    np.clip(colour, 0, 1, out=colour)
    cv.colour = colour.astype(np.float32)

    # Broken edges of chips show fresh metal: a bright rim round the notch.
    for dtype, sev, m, _ in placed:
        if dtype == "chip":
            rim = cv2.dilate(m.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & (cv.surface > 0)
            D._apply(cv, rim.astype(np.float32) * (0.5 if sev == "subtle" else 0.7), target=(0.85, 0.85, 0.85))
            m |= rim

    clean_colour = cv.colour.copy() if reference else None

    # --- surface defects ------------------------------------------------------------------
    dist = cv2.distanceTransform(cv.surface, cv2.DIST_L2, 3)
    for dtype, sev in planned:
        if dtype not in D.SURFACE_DRAW:
            continue
        allowed = dist >= max(2.0, D.EDGE_CLEARANCE[dtype] * cv.part_size)
        for c in next_cells():
            p = D.pick_point(allowed, cv.bbox, c, rng)
            if p is None:
                continue
            m = D.SURFACE_DRAW[dtype](cv, p, sev)
            if m.any():
                used.add(c)
                placed.append((dtype, sev, m, {}))
            break

    # --- composite on the background --------------------------------------------------------
    bg = background(bg_kind, rng, S)
    bg *= drop_shadow(part_alpha, light, rng.uniform(0.012, 0.03) * S, rng.uniform(0.3, 0.5))[..., None]
    a = part_alpha[..., None]

    # --- camera: tilt at canvas resolution, then downsample and degrade ------------------------
    H = tilt_matrix(rng, S, TILT)
    gradient = lighting_gradient(rng, size)[..., None]
    capture = camera_params(rng, size)

    def photograph(part_colour: np.ndarray) -> np.ndarray:
        scene = bg * (1 - a) + part_colour * a
        scene = cv2.warpPerspective(scene, H, (S, S), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        img = cv2.resize(scene, (size, size), interpolation=cv2.INTER_AREA) * gradient
        return camera(np.clip(img, 0, 1), capture)

    image = photograph(cv.colour)
    reference_image = photograph(clean_colour) if reference else None

    def to_output(m: np.ndarray) -> np.ndarray:
        w = cv2.warpPerspective(m.astype(np.float32), H, (S, S), flags=cv2.INTER_LINEAR, borderValue=0)
        return _down(w, size)

    part_bbox = _bbox(to_output(outer > 0) >= 0.5)
    mask = np.zeros((size, size), np.uint8)
    out_defects = []
    for dtype, sev, m, extra in placed:
        cover = to_output(m)
        dm = cover >= MASK_COVERAGE
        if not dm.any():  # a thin line may cover no output pixel by a quarter: keep its core
            dm = cover >= 0.5 * float(cover.max())
        # Defects sit in different grid cells, so overlaps are rare; the first one keeps a pixel.
        mask[dm & (mask == 0)] = DEFECT_TYPES.index(dtype) + 1
        out_defects.append((dtype, sev, dm, extra))

    gt_defects = []
    for dtype, sev, dm, extra in out_defects:
        visible = mask == DEFECT_TYPES.index(dtype) + 1
        ys, xs = np.nonzero(visible)
        if xs.size == 0:
            continue
        cx, cy = float(xs.mean()) + 0.5, float(ys.mean()) + 0.5
        d = {"type": dtype, "location": location_of(cx, cy, part_bbox), "severity": sev, "bbox": _bbox(visible)}
        d.update(extra)
        gt_defects.append(d)

    feature = COUNTED_FEATURE.get(part)
    counts, expected = {}, {}
    if feature == "holes":
        expected["holes"] = len(holes)
        # What the picture shows: the design pattern, less an undrilled hole, plus an extra one.
        counts["holes"] = len(holes) - (omitted is not None) + sum(
            1 for d in gt_defects if d["type"] == "missing_hole" and d.get("detail") == "extra")
    elif feature == "teeth":
        expected["teeth"] = counts["teeth"] = shape.teeth

    gt = {
        "id": image_id if image_id is not None else f"seed-{seed}",
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "size": size,
        "part": part,
        "material": material,
        "background": bg_kind,
        "counts": counts,
        "expected_counts": expected,
        "defects": gt_defects,
        "defective": bool(gt_defects),
        "part_bbox": part_bbox,
    }
    return image, gt, mask, reference_image
