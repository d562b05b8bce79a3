"""The station's two worker threads: capture (camera -> latest frame) and inference (frame ->
inspection -> store). They talk to the GUI only by signals."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, Signal, Slot

from app.camera import CameraError, open_source

log = logging.getLogger(__name__)

BACKOFF_START_S = 0.5
BACKOFF_MAX_S = 8.0


class CaptureThread(QThread):
    """Reads the camera as fast as it delivers (files and folders at their frame rate) and keeps
    only the newest frame: the view paints what is current, never a queue of stale frames. A lost
    camera is reopened with exponential back-off."""

    frame_ready = Signal()             # a new frame is in latest()
    state_changed = Signal(str, str)   # state (connecting | live | lost), detail

    def __init__(self, source: str, width: int = 0, height: int = 0, parent=None):
        super().__init__(parent)
        self.source, self.width, self.height = source, width or None, height or None
        self._lock = threading.Lock()
        self._frame: np.ndarray | None = None
        self._seq = 0
        self._stop = threading.Event()
        self.state = "connecting"

    def latest(self) -> tuple[int, np.ndarray | None]:
        with self._lock:
            return self._seq, self._frame

    def stop(self) -> None:
        self._stop.set()
        self.wait()

    def _set_state(self, state: str, detail: str) -> None:
        if state != self.state or state == "lost":
            self.state = state
            self.state_changed.emit(state, detail)

    def run(self) -> None:
        backoff = BACKOFF_START_S
        while not self._stop.is_set():
            self._set_state("connecting", self.source)
            try:
                source = open_source(self.source, width=self.width, height=self.height)
            except CameraError as exc:
                self._set_state("lost", f"{exc} - retrying in {backoff:.0f} s" if backoff >= 1
                                else f"{exc} - retrying")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                continue
            try:
                self._stream(source)
                backoff = BACKOFF_START_S  # it was live: start the back-off afresh
            except CameraError as exc:
                self._set_state("lost", f"{exc} - reconnecting")
                self._stop.wait(BACKOFF_START_S)
            finally:
                source.close()

    def _stream(self, source) -> None:
        period = 0.0 if source.live else 1.0 / source.fps
        next_at = time.monotonic()
        while not self._stop.is_set():
            frame = source.read()
            with self._lock:
                self._frame, self._seq = frame, self._seq + 1
            if self.state != "live":
                self._set_state("live", str(source.spec))
            self.frame_ready.emit()
            if period:
                next_at += period
                delay = next_at - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    next_at = time.monotonic()  # fell behind: do not try to catch up


def frame_record(frame: np.ndarray, inspection, bundle: dict, source: str, threshold: float) -> dict:
    """The result record of a camera frame, as `inspect` makes for a file (record.result_record)."""
    return {
        "image": f"camera:{source}",
        "image_sha256": hashlib.sha256(np.ascontiguousarray(frame).tobytes()).hexdigest(),
        "description": inspection.description,
        "qa": inspection.qa,
        "verdict": "fail" if inspection.defect_probability >= threshold else "pass",
        "defect_probability": round(inspection.defect_probability, 6),
        "threshold": threshold,
        "latency_ms": dict(inspection.latency_ms),
        "questions_sampled": inspection.questions_sampled,
        "bundle": bundle,
    }


class InferenceWorker(QObject):
    """Lives in its own QThread: loads the engine, inspects frames, stores each result (image
    first, then the row; see Store.record_inspection) with its own Store connection."""

    engine_ready = Signal(dict)      # bundle name, provider, threshold, questions
    engine_failed = Signal(str)
    inspected = Signal(dict)         # the record + inspection_id
    failed = Signal(str)             # one-line reason for this inspection

    def __init__(self, db_path: Path):
        super().__init__()
        self.db_path = Path(db_path)
        self._pipeline = None
        self._engine = None
        self._store = None
        self._inspections = 0

    @Slot(str, int)
    def load(self, bundle: str, threads: int) -> None:
        from app.runtime import Engine, Pipeline

        try:
            engine = Engine(Path(bundle) if bundle else None, threads=threads or None)
        except Exception as exc:  # noqa: BLE001 - any load failure is shown, the GUI stays up
            log.error("model bundle failed to load: %s", exc)
            self.engine_failed.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        self._engine, self._pipeline = engine, Pipeline(engine)
        info = engine.describe()
        info.update(threshold=self._pipeline.threshold, questions=self._pipeline.num_questions)
        self.engine_ready.emit(info)

    @Slot(object, dict)
    def inspect(self, frame: np.ndarray, job: dict) -> None:
        """job: operator, serial, lot, station, source, questions, threshold (0 = the bundle's), seed."""
        from app.runtime.record import for_store
        from app.store import Store, StoreError

        if self._pipeline is None:
            self.failed.emit("the model is not loaded")
            return
        try:
            threshold = job.get("threshold") or self._pipeline.threshold
            inspection = self._pipeline.inspect(frame, num_questions=job.get("questions"), seed=job.get("seed", 0))
            record = frame_record(frame, inspection, self._engine.describe().get("bundle", {}), job["source"], threshold)
            if self._store is None:
                self._store = Store(self.db_path)
            t0 = time.perf_counter()
            record["inspection_id"] = self._store.record_inspection(
                for_store(record), frame, operator=job["operator"], serial=job.get("serial") or None,
                lot=job.get("lot") or None, station=job.get("station") or None)
            record["store_ms"] = round((time.perf_counter() - t0) * 1000.0, 1)
        except StoreError as exc:
            log.error("inspection not stored: %s", exc)
            self.failed.emit(f"not stored: {exc}")
            return
        except Exception as exc:  # noqa: BLE001 - the station keeps running; the reason is shown
            log.exception("inspection failed")
            self.failed.emit(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
            return
        self._inspections += 1
        self.inspected.emit(record)

    @Slot()
    def shutdown(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
