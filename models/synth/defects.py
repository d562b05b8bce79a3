"""Defects: which ones a part gets, where they go, and how each one is drawn.

Every drawing function works on the supersampled canvas, changes the part's colour (or its
silhouette), and returns the boolean mask of the pixels it visibly changed; the renderer turns
those masks into the defect-label mask and the ground truth. A defect is placed by first picking
a target cell of the 3x3 grid over the part's bounding box (so that locations are balanced and
defects sit well inside their cell, not on a cell border), then a point of the part inside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .geometry import fill_circle, fill_polygon
from .vocab import DEFECT_TYPES, PARTS_WITH_HOLES

P_DEFECTIVE = 0.5
P_TWO_DEFECTS = 0.15
P_SUBTLE = 0.35

SURFACE_DEFECTS = ("scratch", "crack", "dent", "rust", "stain")
# Bare metal shows through a damaged coating: scratches and cracks on these look bright.
COATED = ("black_oxide", "blue_anodised")


@dataclass
class Canvas:
    """The state of one part being drawn (canvas pixel units)."""

    rng: np.random.Generator
    size: int
    material: str
    surface: np.ndarray  # uint8 0/255: where the part's material is now
    outer: np.ndarray  # uint8 0/255: filled outer contour (no bores, no holes)
    bbox: tuple[float, float, float, float]  # design bounding box x0, y0, x1, y1 (exclusive)
    colour: np.ndarray | None = None  # float32 HxWx3, the shaded part (set before surface defects)
    light: tuple[float, float] = (0.0, -1.0)

    @property
    def part_size(self) -> float:
        return max(self.bbox[2] - self.bbox[0], self.bbox[3] - self.bbox[1])


def choose_defects(part: str, rng: np.random.Generator) -> list[tuple[str, str]]:
    """[(type, severity)]: empty for a good part, else one or two defects of different types."""
    if rng.random() >= P_DEFECTIVE:
        return []
    allowed = [t for t in DEFECT_TYPES if t != "missing_hole" or part in PARTS_WITH_HOLES]
    n = 2 if rng.random() < P_TWO_DEFECTS else 1
    types = rng.choice(allowed, size=n, replace=False)
    return [(str(t), "subtle" if rng.random() < P_SUBTLE else "clear") for t in types]


def cell_window(bbox, cell: int, inner: float = 0.15) -> tuple[int, int, int, int]:
    """Pixel window of the inner part of grid cell (row-major 0..8) of bbox."""
    x0, y0, x1, y1 = bbox
    r, c = divmod(cell, 3)
    w, h = (x1 - x0) / 3, (y1 - y0) / 3
    return (int(x0 + (c + inner) * w), int(y0 + (r + inner) * h),
            int(math.ceil(x0 + (c + 1 - inner) * w)), int(math.ceil(y0 + (r + 1 - inner) * h)))


def pick_point(allowed: np.ndarray, bbox, cell: int, rng: np.random.Generator) -> tuple[int, int] | None:
    xa, ya, xb, yb = cell_window(bbox, cell)
    sub = allowed[max(ya, 0):yb, max(xa, 0):xb]
    idx = np.flatnonzero(sub)
    if idx.size == 0:
        return None
    k = int(idx[rng.integers(idx.size)])
    return max(xa, 0) + k % sub.shape[1], max(ya, 0) + k // sub.shape[1]


def _contrast_sign(cv: Canvas) -> str:
    return "bright" if cv.material in COATED else "dark"


def _apply(cv: Canvas, alpha: np.ndarray, target: np.ndarray | None = None, gain: float | None = None) -> None:
    """Blend the part colour where alpha > 0: towards a target colour, or scaled by gain."""
    a = alpha[..., None]
    if target is not None:
        cv.colour[:] = cv.colour * (1 - a) + np.asarray(target, np.float32) * a
    else:
        cv.colour[:] = cv.colour * (1 + (gain - 1) * a)


# --- geometric defects (before shading) ------------------------------------------------------

def missing_hole_region(x: float, y: float, r: float, size: int) -> np.ndarray:
    """A hole of the pattern that was not drilled: the label covers where it should be."""
    m = np.zeros((size, size), np.uint8)
    fill_circle(m, x, y, r * 1.15, 255)
    return m > 0


def extra_hole(cv: Canvas, hole_r: float, holes: list, cell: int) -> np.ndarray | None:
    """Drill a hole off the pattern, away from edges and other holes."""
    dist = cv2.distanceTransform(cv.surface, cv2.DIST_L2, 3)
    allowed = dist >= 2.4 * hole_r
    yy, xx = np.mgrid[0:cv.size, 0:cv.size]
    for (hx, hy, hr) in holes:  # keep clear of the pattern so it reads as an extra hole
        allowed &= (xx - hx) ** 2 + (yy - hy) ** 2 > (3.5 * hr) ** 2
    p = pick_point(allowed, cv.bbox, cell, cv.rng)
    if p is None:
        return None
    m = np.zeros_like(cv.surface)
    fill_circle(m, p[0], p[1], hole_r, 255)
    cv.surface[m > 0] = 0
    return m > 0


def chip(cv: Canvas, severity: str, cell: int) -> np.ndarray | None:
    """Bite an irregular notch out of the outer edge (a chipped edge)."""
    dist = cv2.distanceTransform(cv.outer, cv2.DIST_L2, 3)
    edge = (dist > 0.5) & (dist < 1.5) & (cv.surface > 0)
    p = pick_point(edge, cv.bbox, cell, cv.rng)
    if p is None:
        return None
    rng = cv.rng
    r = (rng.uniform(0.045, 0.055) if severity == "subtle" else rng.uniform(0.06, 0.08)) * cv.part_size
    n = int(rng.integers(5, 8))
    ang = np.sort(rng.uniform(0, 2 * math.pi, n))
    rad = r * rng.uniform(0.6, 1.1, n)
    pts = np.stack([p[0] + rad * np.cos(ang), p[1] + rad * np.sin(ang)], axis=1)
    notch = np.zeros_like(cv.surface)
    fill_polygon(notch, pts, 255)
    notch = (notch > 0) & (cv.surface > 0)
    if not notch.any():
        return None
    cv.surface[notch] = 0
    return notch


# --- surface defects (after shading) ---------------------------------------------------------

def _line_mask(cv: Canvas, pts: np.ndarray, thickness: int) -> np.ndarray:
    m = np.zeros_like(cv.surface)
    cv2.polylines(m, [np.round(pts * 16).astype(np.int32)], False, 255, thickness, cv2.LINE_AA, shift=4)
    return m.astype(np.float32) / 255.0 * (cv.surface > 0)


def _on_part(cv: Canvas, pts: np.ndarray, need: float = 0.85) -> bool:
    """Whether most of a polyline's vertices lie on the part (lines should not mostly fall
    into holes or off the edge, where they would leave only a stub)."""
    ix = np.clip(np.round(pts).astype(int), 0, cv.size - 1)
    return float((cv.surface[ix[:, 1], ix[:, 0]] > 0).mean()) >= need


def _stroke(cv: Canvas, make, tries: int = 8) -> np.ndarray:
    """Draw-candidate polylines from make() until one lies on the part (else the last one)."""
    for _ in range(tries):
        pts = make()
        if _on_part(cv, pts):
            break
    return pts


def scratch(cv: Canvas, p, severity: str) -> np.ndarray:
    rng = cv.rng
    length = rng.uniform(0.15, 0.35) * cv.part_size
    t = np.linspace(-0.5, 0.5, 9)[:, None]

    def make():
        a = rng.uniform(0, math.pi)
        d = np.array([math.cos(a), math.sin(a)])
        n = np.array([-d[1], d[0]])
        bow = rng.uniform(-0.08, 0.08) * length  # a gently curved stroke
        return np.asarray(p, float) + t * length * d + (1 - 4 * t * t) * bow * n

    pts = _stroke(cv, make)
    alpha = _line_mask(cv, pts, 2 if severity == "subtle" else 3)
    if _contrast_sign(cv) == "bright":
        amp = 0.45 if severity == "subtle" else 0.75
        _apply(cv, alpha * amp, target=(0.80, 0.80, 0.80))
    else:
        _apply(cv, alpha, gain=0.72 if severity == "subtle" else 0.5)
    return alpha > 0.3


def crack_path(rng: np.random.Generator, p, length: float) -> np.ndarray:
    """A zig-zag through p: 3-5 straight runs, each turning sharply against the last.

    Cracks run along grain boundaries, so their path kinks. Up to synth-1.1 a crack was a random
    walk of 5-8 steps (1.5-4.5 output pixels on parts of 60-95 px) with turns of up to 0.7 rad: at
    128 px that blurred into a bent line, and model 0.7 named crack and scratch for each other (the
    most frequent type error on 400 validation parts). Runs of 2-10 output pixels (4-6 on a median
    part) with alternating turns of 0.6-1.1 rad keep the kinks visible after the camera's blur."""
    runs = int(rng.integers(3, 6))
    main = rng.uniform(0, 2 * math.pi)
    side = rng.choice([-1.0, 1.0])
    seg = rng.uniform(0.7, 1.3, runs)
    seg *= length / seg.sum()
    pts = [np.zeros(2)]
    for k in range(runs):
        a = main + side * (1 if k % 2 == 0 else -1) * rng.uniform(0.3, 0.55)
        pts.append(pts[-1] + seg[k] * np.array([math.cos(a), math.sin(a)]))
    pts = np.array(pts)
    return pts - pts.mean(axis=0) + np.asarray(p, float)


def crack(cv: Canvas, p, severity: str) -> np.ndarray:
    """A zig-zag dark fracture line (bare-metal bright on coated parts), maybe branched."""
    rng = cv.rng
    length = rng.uniform(0.18, 0.32) * cv.part_size
    pts = _stroke(cv, lambda: crack_path(rng, p, length))
    thick = 2 if severity == "subtle" else 3
    alpha = _line_mask(cv, pts, thick)
    if severity == "clear" and rng.random() < 0.5:
        k = int(rng.integers(1, len(pts) - 1))  # a branch from a kink
        a = math.atan2(pts[k][1] - pts[k - 1][1], pts[k][0] - pts[k - 1][0])
        b = a + rng.choice([-1, 1]) * rng.uniform(0.6, 1.2)
        end = pts[k] + 0.3 * length * np.array([math.cos(b), math.sin(b)])
        alpha = np.maximum(alpha, _line_mask(cv, np.array([pts[k], end]), 2))
    if _contrast_sign(cv) == "bright":
        _apply(cv, alpha * (0.55 if severity == "subtle" else 0.8), target=(0.72, 0.72, 0.74))
    else:
        _apply(cv, alpha, gain=0.35 if severity == "subtle" else 0.15)
    return alpha > 0.3


def dent(cv: Canvas, p, severity: str) -> np.ndarray:
    """A pit: a dark bowl with a bright crescent on the side away from the light."""
    rng = cv.rng
    r = (rng.uniform(0.035, 0.045) if severity == "subtle" else rng.uniform(0.05, 0.07)) * cv.part_size
    x0, y0 = int(p[0] - r - 2), int(p[1] - r - 2)
    x1, y1 = int(p[0] + r + 3), int(p[1] + r + 3)
    x0, y0 = max(x0, 0), max(y0, 0)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    dx, dy = (xx - p[0]) / r, (yy - p[1]) / r
    rr = np.hypot(dx, dy)
    inside = np.clip((1.0 - rr) * r, 0, 1)  # anti-aliased disc
    facing = -(dx * cv.light[0] + dy * cv.light[1])  # +1 on the side facing the light
    amp = 0.45 if severity == "subtle" else 0.7
    shade = np.where(facing > 0, -amp * (0.5 + 0.5 * facing), amp * 0.6 * (-facing))
    shade = shade - amp * 0.35 * np.clip(1 - rr, 0, 1)
    alpha = np.zeros(cv.surface.shape, np.float32)
    alpha[y0:y1, x0:x1] = inside
    alpha *= cv.surface > 0
    sub = cv.colour[y0:y1, x0:x1]
    sub += (shade * alpha[y0:y1, x0:x1])[..., None] * max(0.35, float(sub.mean()))
    np.clip(sub, 0, 1, out=sub)
    return alpha > 0.3


def _blob(cv: Canvas, p, r: float, roughness: float) -> np.ndarray:
    """Irregular blob alpha (0..1) of radius ~r round p, clipped to the part."""
    rng = cv.rng
    pad = int(r * 1.6) + 2
    x0, y0 = max(int(p[0]) - pad, 0), max(int(p[1]) - pad, 0)
    x1, y1 = min(int(p[0]) + pad + 1, cv.size), min(int(p[1]) + pad + 1, cv.size)
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    sx, sy = rng.uniform(0.7, 1.3, 2)
    rr = np.hypot((xx - p[0]) / (r * sx), (yy - p[1]) / (r * sy))
    n = rng.standard_normal(rr.shape).astype(np.float32)
    n = cv2.GaussianBlur(n, (0, 0), max(r / 4, 1.0))
    n /= max(float(n.std()), 1e-6)
    field = 1.0 - rr + roughness * 0.25 * n
    alpha = np.zeros(cv.surface.shape, np.float32)
    alpha[y0:y1, x0:x1] = np.clip(field * 3.0, 0, 1)
    return alpha * (cv.surface > 0)


def rust(cv: Canvas, p, severity: str) -> np.ndarray:
    """Corrosion: a rough, mottled patch; orange-brown on steels and aluminium, verdigris green on
    copper alloys (their real corrosion colour, and it keeps the contrast on a reddish part)."""
    rng = cv.rng
    r = (rng.uniform(0.05, 0.07) if severity == "subtle" else rng.uniform(0.08, 0.14)) * cv.part_size
    alpha = _blob(cv, p, r, roughness=1.0)
    if cv.material in ("copper", "brass"):
        c1, c2 = np.float32([0.50, 0.55, 0.22]), np.float32([0.35, 0.42, 0.15])
    else:
        c1, c2 = np.float32([0.10, 0.28, 0.58]), np.float32([0.06, 0.16, 0.36])
    mottle = np.clip(0.5 + 0.5 * rng.standard_normal(alpha.shape).astype(np.float32), 0, 1)
    mottle = cv2.GaussianBlur(mottle, (0, 0), 1.2)[..., None]
    colour = c1 * mottle + c2 * (1 - mottle)
    a = (alpha * (0.75 if severity == "subtle" else 0.95))[..., None]
    cv.colour[:] = cv.colour * (1 - a) + colour * a
    return alpha > 0.35


def stain(cv: Canvas, p, severity: str) -> np.ndarray:
    """Discolouration: a smooth, soft-edged patch or water-mark ring; dark oil on bare metal,
    a pale residue on coated parts."""
    rng = cv.rng
    r = (rng.uniform(0.07, 0.09) if severity == "subtle" else rng.uniform(0.10, 0.16)) * cv.part_size
    alpha = _blob(cv, p, r, roughness=0.25)
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(r / 5, 1.0)) * (cv.surface > 0)
    if rng.random() < 0.35:  # water mark: darker rim than middle
        alpha = alpha * (0.55 + 0.45 * np.clip(1 - np.abs(alpha - 0.5) * 2, 0, 1))
    amp = 0.45 if severity == "subtle" else 0.65
    if _contrast_sign(cv) == "bright":
        _apply(cv, alpha * amp, target=(0.70, 0.72, 0.72))
    else:
        tint = np.float32([0.10, 0.13, 0.16]) if rng.random() < 0.5 else np.float32([0.16, 0.12, 0.10])
        _apply(cv, alpha * amp, target=tint)
    return alpha > 0.3


SURFACE_DRAW = {"scratch": scratch, "crack": crack, "dent": dent, "rust": rust, "stain": stain}
# Minimum distance (canvas px, relative to part size) of a surface defect's anchor from any edge.
EDGE_CLEARANCE = {"scratch": 0.04, "crack": 0.04, "dent": 0.08, "rust": 0.06, "stain": 0.08}
