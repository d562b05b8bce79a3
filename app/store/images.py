"""Inspection images on disk: encoding, atomic durable writes, and the orphan sweep.

Files are named by the sha256 of their bytes (images/ab/abcd...jpg), so a file's name says what
it must contain, and an image whose database row never committed can be found and removed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from app.store.errors import InvalidInput

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 64 * 1024 * 1024
MAX_SIDE = 16384
JPEG_QUALITY = 95
TMP_PREFIX = ".tmp-"
_MAGIC = {b"\xff\xd8\xff": "jpg", b"\x89PNG\r\n\x1a\n": "png"}


def encode(image: object) -> tuple[bytes, str]:
    """(bytes, extension) from encoded JPEG/PNG bytes or an HxWx3 uint8 BGR array."""
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
        if len(data) > MAX_IMAGE_BYTES:
            raise InvalidInput(f"image: {len(data)} bytes, at most {MAX_IMAGE_BYTES}")
        for magic, ext in _MAGIC.items():
            if data.startswith(magic):
                return data, ext
        raise InvalidInput("image: bytes are neither JPEG nor PNG")
    if type(image).__module__ == "numpy" and type(image).__name__ == "ndarray":
        shape, dtype = image.shape, str(image.dtype)
        if dtype != "uint8" or len(shape) != 3 or shape[2] != 3:
            raise InvalidInput(f"image: expected an HxWx3 uint8 BGR array, got shape {shape} {dtype}")
        if not (1 <= shape[0] <= MAX_SIDE and 1 <= shape[1] <= MAX_SIDE):
            raise InvalidInput(f"image: {shape[1]}x{shape[0]} is outside 1..{MAX_SIDE} pixels a side")
        import cv2  # only here: storing encoded bytes needs no OpenCV

        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        if not ok:
            raise InvalidInput("image: OpenCV could not encode the array as JPEG")
        return buf.tobytes(), "jpg"
    raise InvalidInput(f"image: expected JPEG/PNG bytes or a numpy array, got {type(image).__name__}")


# What image_file may hold; anything else (a hand-edited row) is never followed as a path.
RELATIVE_RE = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{62}\.(jpg|png)")


def relative_path(sha256: str, ext: str) -> str:
    # Two-hex-digit fan-out keeps folders small enough for any file system and tool.
    return f"{sha256[:2]}/{sha256}.{ext}"




def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable. Windows cannot open folders; NTFS
    journals the rename itself."""
    if os.name == "nt":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read it is to set it; put it back at once
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename over `path`, fsync the folder:
    after a crash `path` is either absent or complete, never partial."""
    parent = path.parent
    if not parent.is_dir():
        parent.mkdir(parents=True, exist_ok=True)
        fsync_dir(parent.parent)
    fd, tmp = tempfile.mkstemp(dir=parent, prefix=TMP_PREFIX)
    try:
        if hasattr(os, "fchmod"):
            # mkstemp makes 0600; an image is as readable as any file the user creates, so QA
            # and doctor under other accounts of the station group can open it.
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    fsync_dir(parent)


def store(images_dir: Path, data: bytes, ext: str) -> tuple[str, str]:
    """Make the image durable under its content name; (relative path, sha256)."""
    sha = hashlib.sha256(data).hexdigest()
    rel = relative_path(sha, ext)
    path = images_dir / rel
    if path.exists():
        # Same bytes already there (a re-inspected image). Touch it so the sweep's grace period
        # starts again; the writer re-checks it under the database lock before committing.
        os.utime(path)
    else:
        write_atomic(path, data)
    return rel, sha


def iter_files(images_dir: Path) -> Iterator[Path]:
    if not images_dir.is_dir():
        return
    for sub in sorted(images_dir.iterdir()):
        if sub.is_dir():
            yield from sorted(p for p in sub.iterdir() if p.is_file())


def is_stale(path: Path, grace_s: float, now: float | None = None) -> bool:
    try:
        return (now or time.time()) - path.stat().st_mtime >= grace_s
    except FileNotFoundError:
        return False
