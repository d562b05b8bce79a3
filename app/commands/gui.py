"""`sqinspect gui`: the inspector station (and, for qa/admin users, the QA review)."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from pathlib import Path

from app.errors import SQInspectError

log = logging.getLogger(__name__)

ENV_USER = "SQINSPECT_USER"
ENV_PASSWORD = "SQINSPECT_PASSWORD"


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "gui", help="open the inspector station window (QA review and settings by role)",
        description="The station: live camera, INSPECT (Space / Enter / barcode + Enter), verdict, "
                    "self-questions and answers, accept / override / reject, recent parts. Options "
                    "override the saved settings for this run only.")
    p.add_argument("--bundle", metavar="DIR", help="model bundle (default: settings, else the default bundle)")
    p.add_argument("--camera", metavar="SRC",
                   help="device index, video file, image folder or rtsp/http URL (default: settings, else the sample video)")
    p.add_argument("--db", type=Path, metavar="PATH", help="station database (default: in the data folder)")
    p.add_argument("--station", metavar="NAME", help="station name recorded with each inspection")
    p.add_argument("--lang", choices=("en", "ja"), help="language of the window")
    p.add_argument("--settings", type=Path, metavar="FILE", help="settings file (default: the platform's config folder)")
    p.add_argument("--threads", type=int, default=0, metavar="N", help="ONNX Runtime threads (default: $SQINSPECT_THREADS or 1)")
    p.add_argument("--user", metavar="NAME",
                   help=f"sign in as NAME with the password in ${ENV_PASSWORD} (kiosk and --smoke); "
                        f"default ${ENV_USER}")
    p.add_argument("--smoke", action="store_true",
                   help="start the station, inspect one frame from the camera, store it, exit 0 (station check)")
    p.add_argument("--smoke-timeout", type=float, default=120.0, metavar="S", help="give up the smoke run after S seconds")
    p.add_argument("--smoke-seconds", type=float, default=0.0, metavar="S",
                   help="after the first inspection, inspect back to back for S seconds and report the view's "
                        "frame rate meanwhile (a load check)")
    p.set_defaults(func=run)


def _db_path(args, settings) -> Path:
    from app.store import default_db_path
    from app.store.paths import DB_FILE

    if args.db:
        return args.db
    if settings.data_dir:
        return Path(settings.data_dir).expanduser() / DB_FILE
    return default_db_path()


def run(args) -> int:
    from app import settings as settings_mod

    if args.smoke:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a station check needs no screen
    elif sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                                                   or os.environ.get("QT_QPA_PLATFORM")):
        raise SQInspectError("no display: start the station from the desktop session, or check it headless with "
                             "`sqinspect gui --smoke`")
    settings = settings_mod.load(args.settings)
    overrides = {k: v for k, v in (("bundle", args.bundle), ("camera", args.camera), ("station", args.station),
                                   ("language", args.lang)) if v is not None}
    settings = replace(settings, **overrides).validate()
    db_path = _db_path(args, settings)

    from PySide6.QtWidgets import QApplication

    from app.gui import i18n, theme
    from app.gui.login import sign_in
    from app.gui.station import StationWindow
    from app.store import Store, StoreError

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("SQ-Inspect")
    app.setOrganizationName("SQ-Inspect")
    theme.apply(app)
    i18n.set_language(settings.language)

    try:
        store = Store(db_path)
    except StoreError as exc:
        raise SQInspectError(f"station database: {exc}") from None
    try:
        username = args.user or os.environ.get(ENV_USER)
        password = os.environ.get(ENV_PASSWORD)
        if args.smoke and not (username and password):
            raise SQInspectError(f"--smoke signs in without a dialog: give --user NAME (or ${ENV_USER}) and the "
                                 f"password in ${ENV_PASSWORD}")
        if username and password:
            try:
                user = store.authenticate(username, password)
            except StoreError as exc:
                raise SQInspectError(f"sign-in as {username!r}: {exc}") from None
        else:
            user = sign_in(store, None, username or "")
            if user is None:
                return 1
    finally:
        store.close()

    window = StationWindow(settings, db_path, user, threads=args.threads, settings_file=args.settings)
    window.show()
    if args.smoke:
        return _smoke(app, window, args.smoke_timeout, args.smoke_seconds)
    return app.exec()


def _smoke(app, window, timeout_s: float, load_s: float = 0.0) -> int:
    """One inspection from the configured camera, stored; then a one-line report. With load_s,
    inspections go on back to back for that long and the view's frame rate is sampled meanwhile
    (what the inspector sees while the model works)."""
    import statistics
    import time

    from PySide6.QtCore import QTimer

    outcome: dict = {"ids": []}
    fps_samples: list[float] = []
    started = time.monotonic()
    first_at: list[float] = []

    def poll() -> None:
        if outcome.get("done"):
            return
        now = time.monotonic()
        if not first_at and now - started > timeout_s:
            why = ("the model did not load" if window.engine_info is None else
                   f"no camera picture ({window.camera_detail or window.capture.state})"
                   if window.capture.state != "live" else "the inspection did not finish")
            finish(error=f"smoke: {why} within {timeout_s:.0f} s")
            return
        if window.engine_info is None and window.message.text():
            finish(error=f"smoke: {window.message.text()}")
            return
        if first_at and now - first_at[0] >= load_s:
            if not window.busy:  # let the inspection in flight land first, so every one is counted
                finish()
            return
        if first_at and now - first_at[0] >= 2.0:  # the view's 2-s window is all under load
            fps_samples.append(window.video.fps())
        if not window.busy and window.engine_info is not None and window.capture.state == "live":
            window.trigger()

    def stored(inspection_id: int) -> None:
        outcome["ids"].append(inspection_id)
        if not first_at:
            first_at.append(time.monotonic())
            outcome["fps"] = window.video.fps()
        if load_s <= 0:
            finish()

    def finish(error: str | None = None) -> None:
        outcome.update(done=True, error=error)
        window.close()
        app.quit()

    window.inspection_stored.connect(stored)
    window.inspection_failed.connect(lambda reason: finish(error=f"smoke: inspection failed: {reason}"))
    timer = QTimer(window)
    timer.timeout.connect(poll)
    timer.start(100)
    app.exec()
    if outcome.get("error") or not outcome["ids"]:
        raise SQInspectError(outcome.get("error") or "smoke: the window closed before an inspection")
    result = window.result_panel.result or {}
    print(f"smoke: inspection {outcome['ids'][0]} stored in {window.db_path}: {result.get('verdict')} "
          f"(defect probability {result.get('defect_probability', 0):.4g}, model "
          f"{(result.get('latency_ms') or {}).get('total', 0):.0f} ms, camera {window.camera_detail}, "
          f"view {outcome['fps']:.0f} fps)")
    if load_s > 0 and fps_samples:
        print(f"smoke: {len(outcome['ids'])} inspections in {load_s:.0f} s; view while inspecting: "
              f"median {statistics.median(fps_samples):.1f} fps, lowest {min(fps_samples):.1f} fps "
              f"({len(fps_samples)} samples)")
    return 0
