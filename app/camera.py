"""Camera sources through OpenCV: a device index, a video file (looping), an image folder, or a
stream URL (RTSP/HTTP). Qt-free, so that `doctor` and headless tools can read a frame too.

    source = open_source("0")              # /dev/video0; "file.mp4", "folder/", "rtsp://..."
    frame = source.read()                  # HxWx3 uint8 BGR, or CameraLost
    source.close()

Sources that are not live (files, folders) are paced to their frame rate by the caller; each
source says how fast it wants to be read (`fps`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.errors import SQInspectError
from app.runtime.images import IMAGE_SUFFIXES, to_bgr8

log = logging.getLogger(__name__)

_URL = re.compile(r"^(rtsp|rtsps|rtmp|http|https|udp|tcp)://", re.IGNORECASE)
FOLDER_FPS = 30.0      # a folder is shown like a camera: each image for FOLDER_SECONDS
FOLDER_SECONDS = 2.0
DEFAULT_FILE_FPS = 30.0


class CameraError(SQInspectError):
    """The source cannot be opened (wrong index, missing file, unreachable URL)."""


class CameraLost(CameraError):
    """A source that was open stopped delivering frames (unplugged, stream dropped)."""


@dataclass(frozen=True)
class SourceSpec:
    kind: str        # device | file | folder | url
    target: str      # the index as text, the path or the URL
    width: int | None = None
    height: int | None = None

    def __str__(self) -> str:
        size = f" @ {self.width}x{self.height}" if self.width and self.height else ""
        return f"{self.kind} {self.target}{size}"


def parse_source(text: str, *, width: int | None = None, height: int | None = None) -> SourceSpec:
    """'0' -> device 0; a URL -> url; an existing folder -> folder; anything else -> a video file."""
    text = (text or "").strip()
    if not text:
        raise CameraError("no camera source given (a device index, a video file, an image folder or a URL)")
    if (width is None) != (height is None) or (width is not None and (width < 1 or height < 1)):
        raise CameraError("camera resolution needs both a width and a height, each at least 1")
    if text.isdigit():
        return SourceSpec("device", text, width, height)
    if _URL.match(text):
        return SourceSpec("url", text, width, height)
    path = Path(text).expanduser()
    if path.is_dir():
        return SourceSpec("folder", str(path), width, height)
    return SourceSpec("file", str(path), width, height)


class FrameSource:
    """What every source offers."""

    spec: SourceSpec
    fps: float        # how fast to read it; live sources deliver at their own rate
    live: bool        # True: read() blocks until the device has a frame

    def read(self) -> np.ndarray:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class CaptureSource(FrameSource):
    """cv2.VideoCapture over a device, a stream or a video file (files loop at their end)."""

    def __init__(self, spec: SourceSpec):
        import cv2

        self.spec = spec
        self.live = spec.kind != "file"
        if spec.kind == "file" and not Path(spec.target).is_file():
            raise CameraError(f"{spec.target}: no such video file or image folder")
        target = int(spec.target) if spec.kind == "device" else spec.target
        self._cap = cv2.VideoCapture(target)
        if not self._cap.isOpened():
            self._cap.release()
            what = {"device": f"camera device {spec.target}", "url": f"stream {spec.target}",
                    "file": f"video file {spec.target}"}[spec.kind]
            raise CameraError(f"cannot open {what} (unplugged, in use, or not a video OpenCV can read)")
        if spec.width and spec.height:
            self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, spec.width)
            self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, spec.height)
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and 1 <= fps <= 240 else DEFAULT_FILE_FPS
        self._frames_read = 0

    def read(self) -> np.ndarray:
        import cv2

        ok, frame = self._cap.read()
        if not ok and self.spec.kind == "file" and self._frames_read:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)  # loop, for demos and training
            ok, frame = self._cap.read()
        if not ok or frame is None:
            raise CameraLost(f"{self.spec}: no frame (disconnected or end of stream)")
        self._frames_read += 1
        return _fit(to_bgr8(frame), self.spec)

    def close(self) -> None:
        self._cap.release()


class FolderSource(FrameSource):
    """The images of a folder in name order, each held for FOLDER_SECONDS, looping."""

    live = False

    def __init__(self, spec: SourceSpec):
        self.spec = spec
        self.fps = FOLDER_FPS
        self._paths = sorted(p for p in Path(spec.target).iterdir()
                             if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise CameraError(f"{spec.target}: the folder holds no images")
        self._tick = 0
        self._cached: tuple[int, np.ndarray] | None = None

    def read(self) -> np.ndarray:
        import cv2

        per_image = int(FOLDER_SECONDS * self.fps)
        for _ in range(len(self._paths)):
            index = (self._tick // per_image) % len(self._paths)
            if self._cached and self._cached[0] == index:
                self._tick += 1
                return self._cached[1]
            frame = cv2.imread(str(self._paths[index]), cv2.IMREAD_COLOR)
            if frame is not None:
                frame = _fit(frame, self.spec)
                self._cached = (index, frame)
                self._tick += 1
                return frame
            log.warning("camera folder: skipping unreadable image %s", self._paths[index])
            self._tick = (index + 1) * per_image
        raise CameraLost(f"{self.spec.target}: none of the folder's images can be read")


def _fit(frame: np.ndarray, spec: SourceSpec) -> np.ndarray:
    """Files and folders honour a requested resolution too (devices are asked for it)."""
    if spec.width and spec.height and spec.kind in ("file", "folder") \
            and frame.shape[:2] != (spec.height, spec.width):
        import cv2

        frame = cv2.resize(frame, (spec.width, spec.height), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(frame)


def open_source(source: str | SourceSpec, *, width: int | None = None, height: int | None = None) -> FrameSource:
    spec = source if isinstance(source, SourceSpec) else parse_source(source, width=width, height=height)
    if spec.kind == "folder":
        return FolderSource(spec)
    return CaptureSource(spec)
