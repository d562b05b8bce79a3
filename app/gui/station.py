"""The inspector's station window: live view, trigger, verdict, decision, recent parts."""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
from PySide6.QtCore import QEvent, QMetaObject, QModelIndex, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app import settings as settings_mod
from app.assets import SAMPLE_VIDEO
from app.gui import i18n
from app.gui.history import ID_ROLE, HistoryModel, HistoryStrip
from app.gui.result_panel import ResultPanel
from app.gui.theme import scaled_font
from app.gui.verdicts import role_label
from app.gui.video_view import VideoView
from app.gui.workers import CaptureThread, InferenceWorker
from app.settings import Settings
from app.store import Store, StoreError

log = logging.getLogger(__name__)



def camera_source(settings: Settings) -> str:
    """The configured camera; the sample video when none is set (demos, training)."""
    return settings.camera or str(SAMPLE_VIDEO)


class StationWindow(QMainWindow):
    inspect_requested = Signal(object, dict)   # frame, job -> the inference worker
    load_requested = Signal(str, int)          # bundle, threads -> the inference worker
    inspection_stored = Signal(int)            # for the smoke run and tests
    inspection_failed = Signal(str)

    def __init__(self, settings: Settings, db_path: Path, user: dict, *, threads: int = 0,
                 settings_file: Path | None = None, parent=None):
        super().__init__(parent)
        self.settings, self.db_path, self.user = settings, Path(db_path), user
        self.settings_file = settings_file
        self.threads = threads
        self.store = Store(self.db_path)
        self.engine_info: dict | None = None
        self.busy = False
        self.seed = 0
        self._review_window = None
        self._build_ui()
        self._build_menus()
        self._start_inference()
        self._start_camera()
        self.retranslate_ui()
        self._fps_timer = QTimer(self)
        self._fps_timer.timeout.connect(self._update_status)
        self._fps_timer.start(500)

    # -- layout ----------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.video = VideoView()
        self.serial, self.lot = QLineEdit(), QLineEdit()
        self.serial.setClearButtonEnabled(True)
        self.lot.setClearButtonEnabled(True)
        # A barcode scanner types the serial and Enter: that is the trigger.
        self.serial.returnPressed.connect(self.trigger)
        self.serial_label, self.lot_label = QLabel(), QLabel()
        self.serial_label.setBuddy(self.serial)
        self.lot_label.setBuddy(self.lot)
        fields = QFormLayout()
        fields.addRow(self.serial_label, self.serial)
        fields.addRow(self.lot_label, self.lot)
        self.inspect_button = QPushButton()
        self.inspect_button.setMinimumHeight(64)
        self.inspect_button.setFont(scaled_font(self.font(), 1.6, bold=True))
        self.inspect_button.clicked.connect(self.trigger)
        self.message = QLabel()
        self.message.setWordWrap(True)
        left = QVBoxLayout()
        left.addWidget(self.video, 1)
        left.addLayout(fields)
        left.addWidget(self.inspect_button)
        left.addWidget(self.message)
        left_box = QWidget()
        left_box.setLayout(left)

        self.result_panel = ResultPanel()
        self.result_panel.band = self.settings.review_band
        self.result_panel.decision_requested.connect(self.decide)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left_box)
        split.addWidget(self.result_panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)

        self.history = HistoryModel(self)
        self.history_view = HistoryStrip()
        self.history_view.setModel(self.history)
        self.history_view.clicked.connect(self.reopen)
        self.history_view.activated.connect(self.reopen)
        self.history_title = QLabel()
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(split, 1)
        layout.addWidget(self.history_title)
        layout.addWidget(self.history_view)
        self.setCentralWidget(central)

        self.status_user, self.status_camera, self.status_model = QLabel(), QLabel(), QLabel()
        for label in (self.status_user, self.status_camera, self.status_model):
            label.setContentsMargins(12, 0, 12, 0)
            self.statusBar().addPermanentWidget(label)
        for keys, slot in ((Qt.Key_Space, self.trigger), (Qt.Key_Return, self.trigger), (Qt.Key_Enter, self.trigger),
                           (Qt.Key_A, self.result_panel.accept_button.click),
                           (Qt.Key_O, self.result_panel.override_button.click),
                           (Qt.Key_J, self.result_panel.reject_button.click)):
            QShortcut(QKeySequence(keys), self, activated=slot)
        self.resize(1280, 800)
        self.setMinimumSize(900, 620)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.sign_out_action = QAction(self, triggered=self.sign_out)
        self.quit_action = QAction(self, triggered=self.close, shortcut=QKeySequence.Quit)
        self.file_menu.addActions([self.sign_out_action, self.quit_action])
        self.tools_menu = bar.addMenu("")
        self.review_action = QAction(self, triggered=self.open_review, shortcut=QKeySequence("Ctrl+R"))
        self.settings_action = QAction(self, triggered=self.open_settings, shortcut=QKeySequence("Ctrl+,"))
        self.tools_menu.addActions([self.review_action, self.settings_action])
        self.language_menu = bar.addMenu("")
        group = QActionGroup(self)
        self.language_actions = {}
        for code, name in i18n.LANGUAGE_NAMES.items():
            action = QAction(name, self, checkable=True)
            action.setChecked(code == self.settings.language)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self._apply_role()

    def _apply_role(self) -> None:
        role = self.user["role"]
        self.review_action.setEnabled(role in ("qa", "admin"))
        self.settings_action.setEnabled(role == "admin")

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("SQ-Inspect - Station %1").replace("%1", self.station_name()))
        self.serial_label.setText(self.tr("&Serial"))
        self.lot_label.setText(self.tr("&Lot"))
        self.serial.setPlaceholderText(self.tr("scan the barcode (Enter inspects)"))
        self.lot.setPlaceholderText(self.tr("optional"))
        self.inspect_button.setText(self.tr("Inspecting...") if self.busy else self.tr("INSPECT  (Space)"))
        self.history_title.setText(self.tr("Recent parts (click to reopen)"))
        self.file_menu.setTitle(self.tr("&File"))
        self.sign_out_action.setText(self.tr("Sign &out"))
        self.quit_action.setText(self.tr("&Quit"))
        self.tools_menu.setTitle(self.tr("&Tools"))
        self.review_action.setText(self.tr("QA &review..."))
        self.settings_action.setText(self.tr("&Settings..."))
        self.language_menu.setTitle(self.tr("&Language"))
        self.history.retranslate()
        self._update_status()

    def station_name(self) -> str:
        return self.settings.station or Store.default_station()

    # -- workers ---------------------------------------------------------------------------
    def _start_inference(self) -> None:
        self.inference_thread = QThread(self)
        self.worker = InferenceWorker(self.db_path)
        self.worker.moveToThread(self.inference_thread)
        self.inference_thread.finished.connect(self.worker.deleteLater)
        self.load_requested.connect(self.worker.load)
        self.inspect_requested.connect(self.worker.inspect)
        self.worker.engine_ready.connect(self._engine_ready)
        self.worker.engine_failed.connect(self._engine_failed)
        self.worker.inspected.connect(self._inspected)
        self.worker.failed.connect(self._failed)
        self.inference_thread.start()
        self.load_requested.emit(self.settings.bundle, self.threads)

    def _start_camera(self) -> None:
        self.capture = CaptureThread(camera_source(self.settings), self.settings.camera_width,
                                     self.settings.camera_height, self)
        self.capture.frame_ready.connect(self._frame)
        self.capture.state_changed.connect(self._camera_state)
        self.camera_detail = ""
        self.capture.start()

    def restart_camera(self) -> None:
        self.capture.stop()
        self.capture.deleteLater()
        self._start_camera()

    def _frame(self) -> None:
        _, frame = self.capture.latest()
        if frame is not None:
            self.video.show_frame(frame)

    def _camera_state(self, state: str, detail: str) -> None:
        self.camera_detail = detail
        if state == "live":
            self.video.set_message("")
        elif state == "lost":
            self.video.set_message(self.tr("Camera lost: %1").replace("%1", detail))
        else:
            self.video.set_message(self.tr("Connecting to the camera..."))
        self._update_status()

    def _engine_ready(self, info: dict) -> None:
        self.engine_info = info
        self.message.setText("")
        self._update_status()

    def _engine_failed(self, reason: str) -> None:
        self.engine_info = None
        self.message.setText(self.tr("Model not loaded: %1").replace("%1", reason))
        self._update_status()

    def _update_status(self) -> None:
        self.status_user.setText(self.tr("Signed in: %1 (%2)").replace("%1", self.user["username"])
                                 .replace("%2", role_label(self.user["role"])))
        state = getattr(self, "capture", None) and self.capture.state
        camera = {"live": self.tr("Camera live, %1 fps").replace("%1", f"{self.video.fps():.0f}"),
                  "lost": self.tr("Camera lost"), "connecting": self.tr("Camera connecting")}.get(state or "", "")
        self.status_camera.setText(camera)
        if self.engine_info:
            bundle = self.engine_info.get("bundle", {})
            self.status_model.setText(self.tr("Model %1 on %2").replace("%1", str(bundle.get("name", "?")))
                                      .replace("%2", str(self.engine_info.get("provider", "?")).upper()))
        else:
            self.status_model.setText(self.tr("Model loading..."))

    # -- inspection ------------------------------------------------------------------------
    def trigger(self) -> bool:
        """Inspect the current frame. False (with the reason shown) when it cannot start now."""
        _, frame = self.capture.latest()
        reason = None
        if self.busy:
            reason = self.tr("Still inspecting the previous part.")
        elif self.engine_info is None:
            reason = self.tr("The model is not loaded yet.")
        elif frame is None or self.capture.state != "live":
            reason = self.tr("No camera picture to inspect.")
        if reason:
            self.message.setText(reason)
            return False
        self.busy = True
        self.pending_frame = frame
        self.inspect_button.setEnabled(False)
        self.inspect_button.setText(self.tr("Inspecting..."))
        self.message.setText("")
        self.seed += 1
        self.inspect_requested.emit(frame, {
            "operator": self.user["username"], "serial": self.serial.text().strip(), "lot": self.lot.text().strip(),
            "station": self.station_name(), "source": self.camera_detail or camera_source(self.settings),
            "questions": self.settings.questions, "threshold": self.settings.threshold, "seed": self.seed,
        })
        return True

    def _done(self) -> None:
        self.busy = False
        self.inspect_button.setEnabled(True)
        self.inspect_button.setText(self.tr("INSPECT  (Space)"))

    def _inspected(self, record: dict) -> None:
        self._done()
        frame = self.pending_frame
        self.result_panel.band = self.settings.review_band
        self.result_panel.show_result(record, frame)
        self.history.add(record["inspection_id"], self.result_panel.shown_verdict(), record["defect_probability"], frame)
        self.history_view.scrollToTop()
        self.serial.clear()
        self.serial.setFocus()
        self.inspection_stored.emit(record["inspection_id"])

    def _failed(self, reason: str) -> None:
        self._done()
        self.message.setText(self.tr("Inspection failed: %1").replace("%1", reason))
        self.inspection_failed.emit(reason)

    def decide(self, decision: str, reason: str) -> bool:
        r = self.result_panel.result
        if not r or r.get("inspection_id") is None:
            return False
        try:
            self.store.record_decision(r["inspection_id"], decision, actor=self.user["username"], reason=reason or None)
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("Decision not saved"), str(exc))
            return False
        self.result_panel.set_decision({"decision": decision, "reason": reason, "by": self.user["username"]})
        self.history.mark_decided(r["inspection_id"])
        return True

    def reopen(self, index: QModelIndex) -> None:
        inspection_id = index.data(ID_ROLE)
        try:
            row = self.store.get_inspection(inspection_id)
        except StoreError as exc:
            self.message.setText(str(exc))
            return
        image = cv2.imread(row["image_path"], cv2.IMREAD_COLOR)
        decision = None
        if row.get("decision"):
            decision = {"decision": row["decision"], "reason": row.get("decision_reason") or "",
                        "by": row.get("decided_by") or ""}
        record = {"inspection_id": row["id"], "description": row["description"], "qa": row["qa"],
                  "verdict": row["verdict"], "defect_probability": row["defect_probability"],
                  "threshold": row["threshold"], "latency_ms": row["latency_ms"]}
        self.result_panel.show_result(record, image, self.settings.review_band, decision)

    # -- menus -----------------------------------------------------------------------------
    def set_language(self, language: str) -> None:
        i18n.set_language(language)
        self.settings.language = language
        self.language_actions[language].setChecked(True)
        self._save_settings()

    def _save_settings(self) -> None:
        try:
            settings_mod.save(self.settings, self.settings_file)
        except settings_mod.SettingsError as exc:
            self.message.setText(str(exc))

    def open_review(self) -> None:
        from app.gui.review import ReviewWindow

        if self._review_window is None:
            self._review_window = ReviewWindow(self.db_path, self.user)
        self._review_window.show()
        self._review_window.raise_()
        self._review_window.activateWindow()

    def open_settings(self) -> None:
        from app.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.settings, self.store, self.user, self)
        if dialog.exec():
            self.apply_settings(dialog.result_settings())

    def apply_settings(self, new: Settings) -> None:
        old, self.settings = self.settings, new
        self._save_settings()
        if (new.camera, new.camera_width, new.camera_height) != (old.camera, old.camera_width, old.camera_height):
            self.restart_camera()
        if new.bundle != old.bundle:
            self.engine_info = None
            self.load_requested.emit(new.bundle, self.threads)
        if new.data_dir != old.data_dir:
            self.message.setText(self.tr("The new data folder is used from the next start."))
        if new.language != old.language:
            self.set_language(new.language)
        self.result_panel.band = new.review_band
        self.result_panel._show()
        self.retranslate_ui()

    def sign_out(self) -> None:
        from app.gui.login import sign_in

        self.hide()
        user = sign_in(self.store, None)
        if user is None:
            self.close()
            return
        self.user = user
        self._apply_role()
        if self._review_window is not None:
            self._review_window.close()
            self._review_window = None
        self.result_panel.clear()
        self.retranslate_ui()
        self.show()

    def closeEvent(self, event) -> None:
        self._fps_timer.stop()
        self.capture.stop()
        # The worker's store connection belongs to its thread: close it there (waits for a running inspection).
        QMetaObject.invokeMethod(self.worker, "shutdown", Qt.BlockingQueuedConnection)
        self.inference_thread.quit()
        self.inference_thread.wait()
        if self._review_window is not None:
            self._review_window.close()
        self.store.close()
        super().closeEvent(event)
