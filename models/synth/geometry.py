"""Part shapes: each part type as outline, bores, counted holes and surface relief.

Shapes are built in a part-local unit frame (the part spans roughly [-1, 1]) and then placed
on the canvas by a similarity transform (rotation, uniform scale, translation). Circles stay
circles under that transform, so holes can be drawn exactly; the small camera tilt is applied
later to the whole picture.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

# cv2 drawing takes fixed-point coordinates with this many fractional bits: sub-pixel edges.
SHIFT = 4
_ONE = 1 << SHIFT


@dataclass
class Shape:
    """A part in its unit frame."""

    outline: np.ndarray  # (N, 2) polygon of the outer contour
    bores: list = field(default_factory=list)  # (x, y, r) through-holes that are not counted
    holes: list = field(default_factory=list)  # (x, y, r) counted holes (the design pattern)
    teeth: int = 0
    # (x, y, r0, r1, gain): annulus whose brightness is multiplied by (1 + gain).
    relief: list = field(default_factory=list)
    keyway: np.ndarray | None = None  # polygon cut from the bore of a gear
    turned: bool = False  # lathe-turned parts get concentric machining marks, flat stock is brushed


def _circle(r: float, n: int = 96, cx: float = 0.0, cy: float = 0.0) -> np.ndarray:
    a = np.linspace(0, 2 * math.pi, n, endpoint=False)
    return np.stack([cx + r * np.cos(a), cy + r * np.sin(a)], axis=1)


def washer(rng: np.random.Generator) -> Shape:
    inner = rng.uniform(0.40, 0.55)
    return Shape(outline=_circle(1.0), bores=[(0.0, 0.0, inner)], turned=True,
                 relief=[(0.0, 0.0, inner, inner + 0.06, -0.10), (0.0, 0.0, 0.93, 1.0, -0.08)])


def hex_nut(rng: np.random.Generator) -> Shape:
    a = np.arange(6) * math.pi / 3 + math.pi / 6
    bore = rng.uniform(0.42, 0.50)
    return Shape(
        outline=np.stack([np.cos(a), np.sin(a)], axis=1),
        bores=[(0.0, 0.0, bore)],
        turned=True,
        # The chamfer makes the corners outside the inscribed circle darker; the thread
        # shows as a dark ring round the bore.
        relief=[(0.0, 0.0, 0.84, 1.2, -0.16), (0.0, 0.0, bore, bore + 0.08, -0.22)],
    )


def gear(rng: np.random.Generator) -> Shape:
    teeth = int(rng.integers(8, 17))
    root = rng.uniform(0.78, 0.84)
    pitch = 2 * math.pi / teeth
    pts = []
    for i in range(teeth):
        a0 = i * pitch
        # Trapezoid teeth: narrower at the tip than at the root, like an involute profile.
        for frac, r in ((0.0, root), (0.12, 1.0), (0.42, 1.0), (0.54, root)):
            a = a0 + frac * pitch
            pts.append((r * math.cos(a), r * math.sin(a)))
    bore = rng.uniform(0.18, 0.24)
    key = np.array([[-0.05, -bore - 0.06], [0.05, -bore - 0.06], [0.05, 0.0], [-0.05, 0.0]])
    return Shape(outline=np.array(pts), bores=[(0.0, 0.0, bore)], teeth=teeth, keyway=key,
                 turned=True,
                 relief=[(0.0, 0.0, bore, 0.42, 0.07), (0.0, 0.0, root - 0.06, root, -0.06)])


def flange(rng: np.random.Generator) -> Shape:
    n = int(rng.integers(4, 9))
    bore = rng.uniform(0.28, 0.36)
    pcd = rng.uniform(0.70, 0.76)  # pitch circle of the bolt holes
    r = 0.11 if n <= 6 else 0.09
    phase = rng.uniform(0, 2 * math.pi)
    holes = [(pcd * math.cos(phase + 2 * math.pi * k / n), pcd * math.sin(phase + 2 * math.pi * k / n), r)
             for k in range(n)]
    # Raised hub round the bore catches more light than the flange face.
    return Shape(outline=_circle(1.0), bores=[(0.0, 0.0, bore)], holes=holes, turned=True,
                 relief=[(0.0, 0.0, bore, bore + 0.18, 0.10), (0.0, 0.0, 0.95, 1.0, -0.08)])


# Hole designs. An inspector sees a missing or extra hole only as a broken pattern, so no design
# may equal another with one hole taken away (up to the outline's symmetries): a 3-hole plate
# row without its middle hole would be a perfect 2-hole plate, a label the image does not carry.
# tests/test_synth_render.py checks this for every design.
BRACKET_HOLE_COUNTS = (2, 4)
PLATE_HOLE_COUNTS = (2, 3, 4, 6)


def bracket_holes(n: int, w: float) -> list[tuple[float, float]]:
    """Hole centres of an L-bracket with arm width w: one per arm end, or two per arm."""
    cx, cy = -1 + w / 2, 1 - w / 2  # centre lines of the two arms
    return {
        2: [(cx, -0.65), (0.65, cy)],
        4: [(cx, -0.70), (cx, 0.05 - w / 2), (0.05 + w / 4, cy), (0.70, cy)],
    }[n]


def plate_holes(n: int, b: float) -> list[tuple[float, float]]:
    """Hole centres of a plate of half-height b: a row of two, a triangle, corners, a 2x3 grid."""
    gx, gy = 0.62, b * 0.5
    return {
        2: [(-gx, 0), (gx, 0)],
        3: [(-gx, -gy), (gx, -gy), (0, gy)],
        4: [(-gx, -gy), (gx, -gy), (-gx, gy), (gx, gy)],
        6: [(-gx, -gy), (0, -gy), (gx, -gy), (-gx, gy), (0, gy), (gx, gy)],
    }[n]


def l_bracket(rng: np.random.Generator) -> Shape:
    w = rng.uniform(0.50, 0.62)  # arm width
    outline = np.array([[-1, -1], [-1 + w, -1], [-1 + w, 1 - w], [1, 1 - w], [1, 1], [-1, 1]], float)
    n = int(rng.choice(BRACKET_HOLE_COUNTS))
    r = rng.uniform(0.10, 0.12)
    return Shape(outline=outline, holes=[(x, y, r) for x, y in bracket_holes(n, w)])


def plate(rng: np.random.Generator) -> Shape:
    n = int(rng.choice(PLATE_HOLE_COUNTS))
    b = rng.uniform(0.60, 0.78)
    rc = 0.15  # rounded corners
    pts = []
    for (x, y, a0) in ((1 - rc, b - rc, 0), (-1 + rc, b - rc, 90), (-1 + rc, -b + rc, 180), (1 - rc, -b + rc, 270)):
        for a in np.radians(np.linspace(a0, a0 + 90, 6)):
            pts.append((x + rc * math.cos(a), y + rc * math.sin(a)))
    r = rng.uniform(0.09, 0.11)
    return Shape(outline=np.array(pts), holes=[(x, y, r) for x, y in plate_holes(n, b)])


BUILDERS = {"washer": washer, "hex_nut": hex_nut, "l_bracket": l_bracket, "gear": gear,
            "flange": flange, "plate": plate}


@dataclass
class Placement:
    """Similarity transform unit frame -> canvas pixels."""

    angle: float
    scale: float
    cx: float
    cy: float

    def points(self, pts: np.ndarray) -> np.ndarray:
        c, s = math.cos(self.angle), math.sin(self.angle)
        x, y = pts[:, 0], pts[:, 1]
        return np.stack([self.cx + self.scale * (c * x - s * y), self.cy + self.scale * (s * x + c * y)], axis=1)

    def circle(self, x: float, y: float, r: float) -> tuple[float, float, float]:
        p = self.points(np.array([[x, y]]))[0]
        return float(p[0]), float(p[1]), r * self.scale


def place(shape: Shape, rng: np.random.Generator, canvas: int, margin: float) -> Placement:
    """Random pose, with the part's rotated outline filling 45-75% of the frame and fully inside
    the margin (the margin leaves room for the later camera tilt)."""
    angle = rng.uniform(0, 2 * math.pi)
    unit = Placement(angle, 1.0, 0.0, 0.0).points(shape.outline)
    lo, hi = unit.min(axis=0), unit.max(axis=0)
    extent = float((hi - lo).max())
    scale = rng.uniform(0.45, 0.75) * canvas / extent
    free = canvas - 2 * margin - scale * (hi - lo)
    free = np.maximum(free, 0.0)
    off = margin + rng.uniform(0, 1, 2) * free - scale * lo
    return Placement(angle, scale, float(off[0]), float(off[1]))


def _fix(pts: np.ndarray) -> np.ndarray:
    return np.round(pts * _ONE).astype(np.int32)


def fill_polygon(img: np.ndarray, pts: np.ndarray, value: int) -> None:
    cv2.fillPoly(img, [_fix(pts)], value, lineType=cv2.LINE_8, shift=SHIFT)


def fill_circle(img: np.ndarray, x: float, y: float, r: float, value: int) -> None:
    cv2.circle(img, (round(x * _ONE), round(y * _ONE)), max(1, round(r * _ONE)), value, -1,
               lineType=cv2.LINE_8, shift=SHIFT)


def draw_outline(shape: Shape, pl: Placement, canvas: int) -> np.ndarray:
    """Outer contour minus the (uncounted) bores: the part as designed, before its counted
    holes are drilled. uint8 0/255."""
    mask = np.zeros((canvas, canvas), np.uint8)
    fill_polygon(mask, pl.points(shape.outline), 255)
    for b in shape.bores:
        fill_circle(mask, *pl.circle(*b), 0)
    if shape.keyway is not None:
        fill_polygon(mask, pl.points(shape.keyway), 0)
    return mask


def relief_map(shape: Shape, pl: Placement, canvas: int) -> np.ndarray:
    """Multiplicative brightness of raised/chamfered zones (1.0 = flat face)."""
    out = np.ones((canvas, canvas), np.float32)
    yy, xx = np.mgrid[0:canvas, 0:canvas].astype(np.float32)
    for (x, y, r0, r1, gain) in shape.relief:
        px, py, _ = pl.circle(x, y, 0.0)
        d = np.hypot(xx - px, yy - py)
        out[(d >= r0 * pl.scale) & (d < r1 * pl.scale)] *= 1.0 + gain
    return out
