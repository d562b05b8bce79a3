"""Loading inspection images robustly: one clear ImageError per bad file, never a crash.

Files are decoded as the training side and the PyTorch reference read them
(cv2.IMREAD_COLOR): 8-bit BGR, grayscale replicated to three channels, alpha dropped, 16-bit
reduced to 8-bit, EXIF orientation applied. Before decoding:
  - empty files, files over MAX_FILE_BYTES, and folders are refused;
  - the pixel count is read from the header (PNG, JPEG, BMP, GIF, WebP, TIFF) and images over
    the pixel limit (default 64 MP; $SQINSPECT_MAX_IMAGE_PIXELS) are refused without decoding;
    for other formats OpenCV's own cap is set to the same limit ($OPENCV_IO_MAX_IMAGE_PIXELS,
    which takes effect if this module is imported before OpenCV) and the size is checked after;
  - truncated PNG (no IEND chunk) and JPEG (no end-of-image marker after the scan data) are
    refused: OpenCV would decode them silently with the missing part grey.
"""

from __future__ import annotations

import hashlib
import os
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.runtime.errors import ImageError

ENV_MAX_PIXELS = "SQINSPECT_MAX_IMAGE_PIXELS"
DEFAULT_MAX_PIXELS = 64 * 1024 * 1024
MAX_FILE_BYTES = 512 * 1024 * 1024
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp", ".jp2", ".pgm", ".ppm", ".pnm", ".gif")


def max_pixels() -> int:
    env = os.environ.get(ENV_MAX_PIXELS)
    try:
        return int(env) if env else DEFAULT_MAX_PIXELS
    except ValueError:
        return DEFAULT_MAX_PIXELS


os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(max_pixels()))
import cv2  # noqa: E402  (after the cap above, so OpenCV reads it)


@dataclass
class LoadedImage:
    path: str
    data: bytes  # the file's bytes (what the store keeps when it is PNG or JPEG)
    sha256: str
    format: str  # png, jpeg, bmp, gif, webp, tiff or "other"
    bgr: np.ndarray  # HxWx3 uint8

    @property
    def storable(self) -> bytes | np.ndarray:
        """What the store accepts: the original bytes if PNG/JPEG, else the decoded array."""
        return self.data if self.format in ("png", "jpeg") else self.bgr


def header_info(data: bytes) -> tuple[str, tuple[int, int] | None]:
    """(format, (width, height) or None) from the first bytes, without decoding pixels."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        if len(data) >= 24 and data[12:16] == b"IHDR":
            return "png", struct.unpack(">II", data[16:24])
        return "png", None
    if data.startswith(b"\xff\xd8"):
        return "jpeg", _jpeg_size(data)
    if data.startswith(b"BM") and len(data) >= 26:
        w, h = struct.unpack("<ii", data[18:26])
        return "bmp", (abs(w), abs(h))
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return "gif", struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", _webp_size(data)
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff", _tiff_size(data)
    return "other", None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
            if i + 9 <= len(data):
                h, w = struct.unpack(">HH", data[i + 5:i + 9])
                return w, h
            return None
        if marker == 0xDA:
            return None
        i += 2 + length
    return None


def _jpeg_complete(data: bytes) -> bool:
    """An end-of-image marker after the first start-of-scan (entropy-coded data never holds FF D9)."""
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return False
        marker = data[i + 1]
        if marker == 0xFF or marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", data[i + 2:i + 4])
        if marker == 0xDA:
            return data.find(b"\xff\xd9", i + 2 + length) != -1
        i += 2 + length
    return False


def _webp_size(data: bytes) -> tuple[int, int] | None:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8 " and len(data) >= 30:
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _tiff_size(data: bytes) -> tuple[int, int] | None:
    order = "<" if data[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack(order + "I", data[4:8])
        (count,) = struct.unpack(order + "H", data[ifd:ifd + 2])
        found = {}
        for n in range(count):
            entry = data[ifd + 2 + 12 * n: ifd + 14 + 12 * n]
            tag, kind = struct.unpack(order + "HH", entry[:4])
            if tag in (256, 257):
                value = struct.unpack(order + ("H" if kind == 3 else "I"), entry[8:10] if kind == 3 else entry[8:12])[0]
                found[tag] = value
        return (found[256], found[257]) if len(found) == 2 else None
    except (struct.error, KeyError):
        return None


def decode(data: bytes, name: str = "image") -> tuple[str, np.ndarray]:
    """(format, BGR uint8) from encoded bytes; ImageError with the reason otherwise."""
    if not data:
        raise ImageError(f"{name}: empty file")
    fmt, size = header_info(data)
    limit = max_pixels()
    if size is not None:
        w, h = size
        if w <= 0 or h <= 0:
            raise ImageError(f"{name}: {fmt} header gives an invalid size {w}x{h}")
        if w * h > limit:
            raise ImageError(f"{name}: {w}x{h} pixels is over the limit of {limit} "
                             f"(set ${ENV_MAX_PIXELS} to raise it); not decoded")
    if fmt == "png" and data.rfind(b"IEND") == -1:
        raise ImageError(f"{name}: truncated or corrupt PNG (no IEND chunk)")
    if fmt == "jpeg" and not _jpeg_complete(data):
        raise ImageError(f"{name}: truncated or corrupt JPEG (no end-of-image marker)")
    try:
        image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:
        raise ImageError(f"{name}: OpenCV cannot decode it ({str(exc).strip().splitlines()[-1][:120]})") from None
    if image is None:
        what = "a corrupt or unsupported " + fmt.upper() if fmt != "other" else "not an image OpenCV can read"
        raise ImageError(f"{name}: {what}")
    h, w = image.shape[:2]
    if w * h > limit:
        raise ImageError(f"{name}: {w}x{h} pixels is over the limit of {limit} (set ${ENV_MAX_PIXELS} to raise it)")
    return fmt, to_bgr8(image)


def load_image(path: str | Path) -> LoadedImage:
    path = Path(path)
    name = str(path)
    try:
        if path.is_dir():
            raise ImageError(f"{name}: is a folder")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImageError(f"{name}: {size} bytes, over the {MAX_FILE_BYTES}-byte limit for an image file")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImageError(f"{name}: no such file") from None
    except PermissionError:
        raise ImageError(f"{name}: permission denied") from None
    except OSError as exc:
        raise ImageError(f"{name}: cannot read ({exc.strerror or exc})") from None
    fmt, bgr = decode(data, name)
    return LoadedImage(name, data, hashlib.sha256(data).hexdigest(), fmt, bgr)


def to_bgr8(image: np.ndarray) -> np.ndarray:
    """Any OpenCV-style frame (gray, BGRA, 16-bit, float 0..1) -> HxWx3 uint8 BGR, as IMREAD_COLOR
    would give: alpha dropped, 16-bit reduced to its high byte."""
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype in (np.float32, np.float64):
        image = np.clip(np.rint(image * 255.0), 0, 255).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise ImageError(f"unsupported pixel type {image.dtype}")
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 1):
        return cv2.cvtColor(image.reshape(image.shape[:2]), cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image)
    raise ImageError(f"unsupported image shape {image.shape}")


def folder_images(folder: Path) -> list[Path]:
    """The image files under a folder (by suffix, recursive, sorted)."""
    return sorted(f for f in Path(folder).rglob("*") if f.is_file() and f.suffix.lower() in IMAGE_SUFFIXES)


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files as given (whatever their name), folders as their image files."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(folder_images(p) if p.is_dir() else [p])
    return out
