"""Render the screenshots in docs/screenshots: the station with a result, the QA review with
data (table + detail, and charts), and settings, in English and Japanese.

    python -m app.gui.screenshots docs/screenshots      # offscreen, or under xvfb-run for a real X server

The data are real: the sample parts inspected by the default bundle, recorded in a temporary
station database by three users, spread over the last days so the charts have days to show.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "assets" / "samples"
USERS = (("boss", "admin", "admin-pass"), ("aiko", "inspector", "1234"), ("quinn", "qa", "qa-pass"))
DAYS = 5
SHOWN_PART = "000005.png"


def fill_database(db: Path) -> None:
    """Every sample part inspected on each of the last DAYS days at two stations, with the
    inspector's decisions and some QA reviews."""
    import app.store.store as store_module
    from app.runtime import Engine, Pipeline, load_image
    from app.runtime.record import for_store, result_record
    from app.store import Store
    from app.store.timestamps import to_utc_text

    pipeline = Pipeline(Engine())
    images = [load_image(p) for p in sorted(SAMPLES.glob("*.png"))]
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    real_clock = store_module.utc_now
    with Store(db) as store:
        for name, role, password in USERS:
            store.add_user(name, role, password, actor=None if role == "admin" else "boss")
        n = 0
        try:
            for day in range(DAYS - 1, -1, -1):
                for k, image in enumerate(images):
                    n += 1
                    at = now - dt.timedelta(days=day, minutes=7 * (len(images) - k))
                    # The store stamps records with its clock; set it to the day being filled.
                    store_module.utc_now = lambda at=at: to_utc_text(at)
                    result = pipeline.inspect(image.bgr, seed=day)
                    record = for_store(result_record(image, result, pipeline.engine.bundle.identity(), 1.0))
                    ident = store.record_inspection(record, image.storable, operator="aiko",
                                                    serial=f"SN-{4100 + n}", lot=f"L{day + 12}",
                                                    station=("line-1", "line-2")[k % 2])
                    if k % 5 == 3:
                        store.record_decision(ident, "override", actor="aiko", reason="No defect: false alarm")
                    elif k % 7 == 6:
                        store.record_decision(ident, "reject", actor="aiko", reason="Bad image: blur, glare or part cut off")
                    elif k % 4 != 1:
                        store.record_decision(ident, "accept", actor="aiko")
                    if day >= 2 and k % 3 == 0:
                        store.record_review(ident, "confirm", actor="quinn")
        finally:
            store_module.utc_now = real_clock


def _settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def _wait(app, condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("the window did not get ready in time")
        app.processEvents()
        time.sleep(0.01)


# Scripts a language's screenshots need a font for (the Latin ones every system has).
WRITING_SYSTEMS = {"ja": "Japanese"}


def missing_fonts(languages) -> list[str]:
    """Languages no installed font can draw: without one Qt paints empty boxes, silently."""
    from PySide6.QtGui import QFontDatabase

    return [lang for lang in languages if lang in WRITING_SYSTEMS
            and not QFontDatabase.families(getattr(QFontDatabase.WritingSystem, WRITING_SYSTEMS[lang]))]


def render(out: Path, languages=("en", "ja")) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.gui import i18n, theme
    from app.gui.review import ReviewWindow
    from app.gui.settings_dialog import SettingsDialog
    from app.gui.station import StationWindow
    from app.settings import Settings
    from app.store import Store

    app = QApplication.instance() or QApplication(sys.argv[:1])
    missing = missing_fonts(languages)
    if missing:  # checked before anything is overwritten
        raise RuntimeError(f"no installed font draws {', '.join(WRITING_SYSTEMS[m] for m in missing)} "
                           "(Debian: apt install fonts-noto-cjk)")
    theme.apply(app)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "station.db"
        fill_database(db)
        with Store(db) as store:
            users = {name: store.authenticate(name, pw) for name, _, pw in USERS}
        # The camera: a folder holding one part (a rusty nut), so the live view shows the part inspected.
        camera = Path(tmp) / "camera"
        camera.mkdir()
        (camera / SHOWN_PART).write_bytes((SAMPLES / SHOWN_PART).read_bytes())
        station = StationWindow(Settings(station="line-1", camera=str(camera)), db, users["aiko"],
                                settings_file=Path(tmp) / "s.toml")
        station.resize(1280, 800)
        station.show()
        _wait(app, lambda: station.engine_info is not None and station.capture.state == "live")
        station.serial.setText("SN-4242")
        station.trigger()
        _wait(app, lambda: not station.busy)
        review = ReviewWindow(db, users["quinn"])
        review.resize(1360, 820)
        review.show()
        with Store(db) as store:
            settings = SettingsDialog(Settings(), store, users["boss"])
            settings.show()
            for lang in languages:
                i18n.set_language(lang)
                _settle(app, 1.0)
                shots = {"station": station, "review": review, "settings": settings}
                for name, widget in shots.items():
                    if name == "station":
                        _settle(app, 2.5)  # the status bar's frame rate counts the last 2 s of painting
                    if name == "review":
                        widget.tabs.setCurrentIndex(0)
                        widget.table.selectRow(0)
                    _settle(app)
                    path = out / f"{name}-{lang}.png"
                    widget.grab().save(str(path))
                    written.append(path)
                review.tabs.setCurrentIndex(review.tabs.indexOf(review.charts))
                _settle(app, 0.5)
                path = out / f"review-charts-{lang}.png"
                review.grab().save(str(path))
                written.append(path)
            settings.close()
        i18n.set_language("en")
        review.close()
        station.close()
    return written


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", type=Path, nargs="?", default=ROOT / "docs" / "screenshots")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        written = render(args.out)
    except RuntimeError as exc:
        sys.exit(f"screenshots: {exc}")
    for path in written:
        print(path)


if __name__ == "__main__":
    main()
