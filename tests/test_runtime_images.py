"""Robust image loading: every bad file is one clear ImageError; good ones read as IMREAD_COLOR does."""

from __future__ import annotations

import struct
import time
import zlib

import cv2
import numpy as np
import pytest

from app.runtime.errors import ImageError
from app.runtime.images import decode, expand_paths, load_image, to_bgr8


def _png(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", img)
    assert ok
    return buf.tobytes()


def _jpeg(img: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".jpg", img)
    assert ok
    return buf.tobytes()


def _huge_png(width: int, height: int) -> bytes:
    """A valid 1-bit grayscale PNG of width x height (a few hundred kB: all rows are zero)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    comp = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)
    body = b"".join(comp.compress(row * 1000) for _ in range(height // 1000)) + comp.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.fixture
def colour():
    return np.random.default_rng(0).integers(0, 256, (48, 64, 3), dtype=np.uint8)


def test_good_png_and_jpeg_read_like_imread(tmp_path, colour):
    for name, data in (("a.png", _png(colour)), ("b.jpg", _jpeg(colour))):
        path = tmp_path / name
        path.write_bytes(data)
        loaded = load_image(path)
        assert np.array_equal(loaded.bgr, cv2.imread(str(path), cv2.IMREAD_COLOR))
        assert loaded.format in ("png", "jpeg") and loaded.storable == data
        assert len(loaded.sha256) == 64


def test_rgba_grayscale_and_16_bit_become_8_bit_bgr(tmp_path, colour):
    rgba = np.dstack([colour, np.full(colour.shape[:2], 90, np.uint8)])
    gray = colour[..., 1].copy()
    deep = colour.astype(np.uint16) * 256 + 100  # high byte = colour
    for name, img in (("rgba.png", rgba), ("gray.png", gray), ("deep.png", deep), ("gray16.png", deep[..., 0].copy())):
        path = tmp_path / name
        path.write_bytes(_png(img))
        bgr = load_image(path).bgr
        assert bgr.shape == (48, 64, 3) and bgr.dtype == np.uint8
        assert np.array_equal(bgr, cv2.imread(str(path), cv2.IMREAD_COLOR))
    assert np.array_equal(load_image(tmp_path / "deep.png").bgr, colour)  # high byte of 16-bit


@pytest.mark.parametrize("make, reason", [
    (lambda c: b"", "empty file"),
    (lambda c: b"this is not an image at all\n" * 10, "not an image"),
    (lambda c: _png(c)[: len(_png(c)) // 2], "truncated or corrupt PNG"),
    (lambda c: _png(c)[:-12], "truncated or corrupt PNG"),
    (lambda c: _jpeg(c)[: len(_jpeg(c)) * 2 // 3], "truncated or corrupt JPEG"),
    (lambda c: _png(c)[:40] + bytes(range(256)) * 4 + _png(c)[-12:], "corrupt"),
    (lambda c: b"\xff\xd8\xff\xe0" + bytes(200), "JPEG"),
])
def test_bad_files_are_one_line_errors(tmp_path, colour, make, reason):
    path = tmp_path / "bad.png"
    path.write_bytes(make(colour))
    with pytest.raises(ImageError, match=reason) as err:
        load_image(path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)


def test_20000_square_is_refused_from_the_header_without_decoding(tmp_path):
    data = _huge_png(20000, 20000)
    path = tmp_path / "huge.png"
    path.write_bytes(data)
    t0 = time.perf_counter()
    with pytest.raises(ImageError, match="20000x20000 pixels is over the limit"):
        load_image(path)
    assert time.perf_counter() - t0 < 1.0  # decoding 400 MP would take far longer


def test_pixel_limit_is_configurable(tmp_path, colour, monkeypatch):
    path = tmp_path / "a.png"
    path.write_bytes(_png(colour))
    monkeypatch.setenv("SQINSPECT_MAX_IMAGE_PIXELS", str(64 * 48 - 1))
    with pytest.raises(ImageError, match="64x48 pixels is over the limit"):
        load_image(path)
    # A JPEG's size comes from its SOF marker.
    (tmp_path / "a.jpg").write_bytes(_jpeg(colour))
    with pytest.raises(ImageError, match="64x48"):
        load_image(tmp_path / "a.jpg")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match="no such file"):
        load_image(tmp_path / "nope.png")
    with pytest.raises(ImageError, match="is a folder"):
        load_image(tmp_path)


def test_bmp_and_frames_from_cameras(tmp_path, colour):
    ok, buf = cv2.imencode(".bmp", colour)
    path = tmp_path / "a.bmp"
    path.write_bytes(buf.tobytes())
    loaded = load_image(path)
    assert np.array_equal(loaded.bgr, colour)
    assert loaded.format == "bmp" and isinstance(loaded.storable, np.ndarray)
    assert np.array_equal(to_bgr8(colour[..., 0]), cv2.cvtColor(colour[..., 0], cv2.COLOR_GRAY2BGR))
    assert np.array_equal(to_bgr8(np.dstack([colour, colour[..., :1]])), colour)
    assert np.array_equal(to_bgr8(colour.astype(np.uint16) << 8), colour)


def test_decode_rejects_an_absurd_header_size():
    ok, buf = cv2.imencode(".png", np.zeros((4, 4, 3), np.uint8))
    data = bytearray(buf.tobytes())
    data[16:24] = struct.pack(">II", 0, 4)
    with pytest.raises(ImageError, match="invalid size"):
        decode(bytes(data), "x.png")


def test_folders_expand_to_their_images(tmp_path, colour):
    (tmp_path / "sub").mkdir()
    for name in ("b.png", "a.JPG", "sub/c.bmp", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    got = [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])]
    assert got == ["a.JPG", "b.png", "sub/c.bmp"]
