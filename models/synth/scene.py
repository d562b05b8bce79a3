"""Looks of the scene: material colours and finishes, background textures, lighting, and the
camera's degradations (tilt, blur, sensor noise, JPEG).

All colour work is float32 BGR in [0, 1] on the supersampled canvas; the capture step turns it
into the final uint8 picture.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

# Base colours (B, G, R) and finish parameters. Each sample jitters the base so that a material
# is a range of colours, not one value, but the ranges of different materials do not meet.
MATERIAL_LOOK = {
    #               base BGR              spec   texture
    "steel":        ((0.56, 0.53, 0.50), 0.20, 0.040),
    "aluminium":    ((0.72, 0.72, 0.71), 0.12, 0.025),
    "brass":        ((0.30, 0.62, 0.78), 0.25, 0.030),
    "copper":       ((0.27, 0.41, 0.73), 0.22, 0.030),
    "black_oxide":  ((0.21, 0.19, 0.19), 0.10, 0.025),
    "blue_anodised": ((0.68, 0.38, 0.19), 0.12, 0.020),
}


def material_colour(material: str, rng: np.random.Generator) -> np.ndarray:
    base = np.array(MATERIAL_LOOK[material][0], np.float32)
    # Brightness varies more than hue: lot-to-lot finish and exposure differences.
    bright = rng.uniform(0.9, 1.08)
    tint = rng.uniform(-0.025, 0.025, 3).astype(np.float32)
    return np.clip(base * bright + tint, 0.0, 1.0)


def luminance(bgr: np.ndarray) -> float:
    return float(0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2])


def _noise(rng: np.random.Generator, h: int, w: int, sigma: float) -> np.ndarray:
    """Smooth random field with unit standard deviation."""
    n = rng.standard_normal((h, w)).astype(np.float32)
    if sigma > 0:
        n = cv2.GaussianBlur(n, (0, 0), sigma)
    return n / max(float(n.std()), 1e-6)


def background(kind: str, rng: np.random.Generator, size: int) -> np.ndarray:
    """A size x size BGR texture of the surface the part lies on."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    if kind == "belt":
        # Grey rubber conveyor belt with fine transverse ribs and worn patches.
        base = np.array([0.35, 0.34, 0.33], np.float32) * rng.uniform(0.85, 1.15)
        period = rng.uniform(5, 9) * size / 256
        axis = yy if rng.random() < 0.5 else xx
        ribs = 0.035 * np.sin(2 * math.pi * axis / period + rng.uniform(0, 6.3))
        lum = 1 + ribs + 0.05 * _noise(rng, size, size, 6) + 0.03 * _noise(rng, size, size, 0.7)
        img = lum[..., None] * base
    elif kind == "tray":
        # Light blue moulded plastic tray: smooth, with a raised cell wall crossing the frame.
        base = np.array([0.78, 0.68, 0.58], np.float32) * rng.uniform(0.9, 1.08)
        lum = 1 + 0.03 * _noise(rng, size, size, 12) + 0.015 * _noise(rng, size, size, 0.8)
        img = lum[..., None] * base
        pos = rng.uniform(0.05, 0.2) * size if rng.random() < 0.5 else rng.uniform(0.8, 0.95) * size
        axis = xx if rng.random() < 0.5 else yy
        wall = np.clip(1 - np.abs(axis - pos) / (0.025 * size), 0, 1)
        img = img * (1 + 0.12 * wall[..., None]) - 0.08 * np.clip(1 - np.abs(axis - pos - 0.04 * size) / (0.02 * size), 0, 1)[..., None]
    elif kind == "mat":
        # Green rubber cutting mat with a printed grid.
        base = np.array([0.30, 0.42, 0.18], np.float32) * rng.uniform(0.85, 1.15)
        period = rng.uniform(0.1, 0.16) * size
        ox, oy = rng.uniform(0, period, 2)
        gx = np.abs(((xx - ox) % period) - period / 2) > period / 2 - 0.008 * size
        gy = np.abs(((yy - oy) % period) - period / 2) > period / 2 - 0.008 * size
        lum = 1 + 0.04 * _noise(rng, size, size, 1.0)
        img = lum[..., None] * base
        img[gx | gy] = img[gx | gy] * 0.7 + np.array([0.35, 0.45, 0.35], np.float32) * 0.3
    elif kind == "wood":
        # Dark wooden workbench: grain as stretched, wavy stripes.
        base = np.array([0.20, 0.30, 0.42], np.float32) * rng.uniform(0.85, 1.15)
        ang = rng.uniform(0, math.pi)
        u = xx * math.cos(ang) + yy * math.sin(ang)
        warp = 6.0 * _noise(rng, size, size, 18) * size / 256
        grain = np.sin(2 * math.pi * (u + warp) / (rng.uniform(6, 12) * size / 256))
        lum = 1 + 0.08 * grain + 0.05 * _noise(rng, size, size, 10) + 0.02 * _noise(rng, size, size, 0.7)
        img = lum[..., None] * base
    else:
        raise ValueError(f"unknown background {kind!r}")
    return np.clip(img, 0, 1).astype(np.float32)


def surface_texture(turned: bool, centre: tuple[float, float], rng: np.random.Generator, size: int,
                    amplitude: float) -> np.ndarray:
    """Multiplicative machining marks: concentric rings on turned parts, brushing on flat stock."""
    if turned:
        yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
        d = np.hypot(xx - centre[0], yy - centre[1])
        rings = np.sin(2 * math.pi * d / rng.uniform(2.5, 4.5) + rng.uniform(0, 6.3))
        tex = 0.6 * rings + 0.4 * _noise(rng, size, size, 0.8)
    else:
        n = rng.standard_normal((size, size)).astype(np.float32)
        n = cv2.GaussianBlur(n, (0, 0), sigmaX=6.0, sigmaY=0.6)
        rot = cv2.getRotationMatrix2D((size / 2, size / 2), float(rng.uniform(0, 180)), 1.0)
        n = cv2.warpAffine(n, rot, (size, size), borderMode=cv2.BORDER_REFLECT)
        tex = n / max(float(n.std()), 1e-6)
    return 1 + amplitude * tex


def bevel(part_alpha: np.ndarray, light: tuple[float, float], strength: float) -> np.ndarray:
    """Additive edge lighting: edges (outer contour and hole rims) facing the light brighten,
    the others darken. It gives the flat silhouette some thickness."""
    soft = cv2.GaussianBlur(part_alpha, (0, 0), 1.6)
    gx = cv2.Sobel(soft, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(soft, cv2.CV_32F, 0, 1, ksize=3)
    # The gradient points into the part; an edge whose inward normal points away from the
    # light faces it.
    shade = -(gx * light[0] + gy * light[1])
    peak = float(np.abs(shade).max())
    if peak > 0:
        shade *= strength / peak
    return shade * part_alpha


def specular(centre: tuple[float, float], radius: float, size: int, amplitude: float) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    d2 = (xx - centre[0]) ** 2 + (yy - centre[1]) ** 2
    return amplitude * np.exp(-d2 / (2 * radius * radius))


def drop_shadow(part_alpha: np.ndarray, light: tuple[float, float], offset: float, strength: float) -> np.ndarray:
    """Multiplier for the background: the part's shadow, cast away from the light."""
    m = np.float32([[1, 0, -light[0] * offset], [0, 1, -light[1] * offset]])
    sh = cv2.warpAffine(part_alpha, m, part_alpha.shape[::-1])
    sh = cv2.GaussianBlur(sh, (0, 0), offset * 0.8 + 1)
    return 1 - strength * sh


def tilt_matrix(rng: np.random.Generator, size: int, amount: float) -> np.ndarray:
    """A small camera tilt: the four corners move by up to amount * size."""
    src = np.float32([[0, 0], [size, 0], [size, size], [0, size]])
    dst = src + rng.uniform(-amount, amount, (4, 2)).astype(np.float32) * size
    return cv2.getPerspectiveTransform(src, dst)


def lighting_gradient(rng: np.random.Generator, size: int) -> np.ndarray:
    """Uneven illumination across the frame, as from a lamp off to one side."""
    yy, xx = (np.mgrid[0:size, 0:size].astype(np.float32) / size) - 0.5
    a = rng.uniform(0, 2 * math.pi)
    ramp = xx * math.cos(a) + yy * math.sin(a)
    return (1.0 + rng.uniform(0.15, 0.35) * ramp + rng.uniform(-0.05, 0.08)).astype(np.float32)


def camera_params(rng: np.random.Generator, size: int) -> dict:
    """The random draws of one capture: blur, sensor noise, JPEG quality. Drawn once, so that a
    reference render (the same scene without defects) gets exactly the same capture."""
    sigma = rng.uniform(0.006, 0.016)
    # Mostly luminance noise plus a little chroma noise, like a small CMOS sensor.
    noise = rng.standard_normal((size, size, 1)).astype(np.float32) * sigma
    noise = noise + rng.standard_normal((size, size, 3)).astype(np.float32) * (sigma * 0.4)
    return {"blur": float(rng.uniform(0.35, 0.7)), "noise": noise, "quality": int(rng.integers(60, 93))}


def camera(img: np.ndarray, params: dict) -> np.ndarray:
    """Lens blur, sensor noise and JPEG compression on the output-resolution picture.
    Takes float BGR in [0, 1], returns uint8 BGR."""
    img = cv2.GaussianBlur(img, (0, 0), params["blur"])
    out = np.clip((img + params["noise"]) * 255.0 + 0.5, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, params["quality"]])
    if not ok:  # pragma: no cover - cv2 always encodes a valid uint8 BGR array
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)
