"""Settings (admin role): camera, model bundle with its verify status, threshold, questions,
station, data folder, language; and the station's users."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QEvent, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui import i18n
from app.gui.verdicts import role_label
from app.settings import Settings, SettingsError
from app.store import ROLES, Store, StoreError

RESOLUTIONS = [(0, 0), (640, 480), (1280, 720), (1920, 1080)]


class BundleCheck(QThread):
    """Verifies a bundle's files against its manifest off the GUI thread."""

    done = Signal(bool, str)

    def __init__(self, bundle: str, parent=None):
        super().__init__(parent)
        self.bundle = bundle

    def run(self) -> None:
        from app.runtime.bundle import open_bundle

        try:
            b = open_bundle(Path(self.bundle) if self.bundle else None)
        except Exception as exc:  # noqa: BLE001 - every failure is a status line here
            self.done.emit(False, str(exc).splitlines()[0])
            return
        m = b.manifest
        self.done.emit(True, f"{m['model'].get('name', b.path.name)} ({m['precision']})")


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, store: Store, user: dict, parent=None):
        super().__init__(parent)
        self.original = settings
        self.store, self.user = store, user
        self.checks: list[BundleCheck] = []
        self.bundle_check: tuple[bool, str] | None = None
        self.tabs = QTabWidget()
        self.tabs.addTab(self._station_tab(settings), "")
        self.tabs.addTab(self._users_tab(), "")
        self.error = QLabel()
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Save | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(760)
        self.retranslate_ui()
        self.check_bundle()

    # -- station tab -----------------------------------------------------------------------
    def _station_tab(self, s: Settings) -> QWidget:
        self.camera = QLineEdit(s.camera)
        self.camera_file, self.camera_folder = QPushButton(), QPushButton()
        self.camera_file.clicked.connect(self._pick_video)
        self.camera_folder.clicked.connect(lambda: self._pick_folder(self.camera))
        camera_row = QHBoxLayout()
        camera_row.addWidget(self.camera, 1)
        camera_row.addWidget(self.camera_file)
        camera_row.addWidget(self.camera_folder)
        self.resolution = QComboBox()
        # Item data as "WxH" text: Qt keeps strings exactly, tuples not reliably.
        for w, h in RESOLUTIONS:
            self.resolution.addItem(f"{w} x {h}", f"{w}x{h}")
        current = (s.camera_width, s.camera_height)
        if current not in RESOLUTIONS:
            self.resolution.addItem(f"{current[0]} x {current[1]}", f"{current[0]}x{current[1]}")
        self.resolution.setCurrentIndex(self.resolution.findData(f"{current[0]}x{current[1]}"))
        self.bundle = QLineEdit(s.bundle)
        self.bundle_browse = QPushButton()
        self.bundle_browse.clicked.connect(lambda: self._pick_folder(self.bundle, then=self.check_bundle))
        self.bundle.editingFinished.connect(self.check_bundle)
        bundle_row = QHBoxLayout()
        bundle_row.addWidget(self.bundle, 1)
        bundle_row.addWidget(self.bundle_browse)
        self.bundle_status = QLabel()
        self.bundle_status.setWordWrap(True)
        self.threshold = QDoubleSpinBox()
        self.threshold.setDecimals(6)
        self.threshold.setRange(0.0, 0.999999)
        self.threshold.setSingleStep(0.01)
        self.threshold.setValue(s.threshold)
        self.band = QDoubleSpinBox()
        self.band.setRange(0.0, 10.0)
        self.band.setSingleStep(0.25)
        self.band.setValue(s.review_band)
        self.questions = QSpinBox()
        self.questions.setRange(0, 16)
        self.questions.setValue(s.questions)
        self.station = QLineEdit(s.station)
        self.station.setPlaceholderText(Store.default_station())
        self.data_dir = QLineEdit(s.data_dir)
        self.data_browse = QPushButton()
        self.data_browse.clicked.connect(lambda: self._pick_folder(self.data_dir))
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir, 1)
        data_row.addWidget(self.data_browse)
        self.language = QComboBox()
        for code, name in i18n.LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(s.language))

        self.form = QFormLayout()
        self.labels = [QLabel() for _ in range(10)]
        rows = [camera_row, self.resolution, bundle_row, self.bundle_status, self.threshold, self.band,
                self.questions, self.station, data_row, self.language]
        for label, row in zip(self.labels, rows):
            self.form.addRow(label, row)
            if isinstance(row, QWidget):
                label.setBuddy(row)
        for label, widget in ((self.labels[0], self.camera), (self.labels[2], self.bundle),
                              (self.labels[8], self.data_dir)):
            label.setBuddy(widget)
        tab = QWidget()
        tab.setLayout(self.form)
        return tab

    def _pick_video(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Video file"), self.camera.text(),
                                              self.tr("Videos (*.mp4 *.avi *.mkv *.mov);;All files (*)"))
        if path:
            self.camera.setText(path)

    def _pick_folder(self, target: QLineEdit, then=None) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), target.text())
        if path:
            target.setText(path)
            if then:
                then()

    def check_bundle(self) -> None:
        self.bundle_status.setText(self.tr("Verifying..."))
        check = BundleCheck(self.bundle.text().strip(), self)
        check.done.connect(self._bundle_checked)
        check.finished.connect(lambda: self.checks.remove(check))
        self.checks.append(check)
        check.start()

    def _bundle_checked(self, ok: bool, detail: str) -> None:
        self.bundle_check = (ok, detail)
        self._show_bundle_check()

    def _show_bundle_check(self) -> None:
        if self.bundle_check is None:
            return
        ok, detail = self.bundle_check
        mark = self.tr("Verified: %1") if ok else self.tr("NOT usable: %1")
        self.bundle_status.setText(mark.replace("%1", detail))
        self.bundle_status.setToolTip(detail)
        self.bundle_status.setStyleSheet("" if ok else "color: #ff6b6b;")

    # -- users tab -------------------------------------------------------------------------
    def _users_tab(self) -> QWidget:
        self.users = QTableWidget(0, 3)
        self.users.verticalHeader().hide()
        self.users.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.users.setSelectionBehavior(QTableWidget.SelectRows)
        self.users.setEditTriggers(QTableWidget.NoEditTriggers)
        self.new_user, self.new_password = QLineEdit(), QLineEdit()
        self.new_password.setEchoMode(QLineEdit.Password)
        self.new_role = QComboBox()
        for role in ROLES:
            self.new_role.addItem("", role)
        self.add_user_button, self.toggle_user_button = QPushButton(), QPushButton()
        self.add_user_button.clicked.connect(self.add_user)
        self.toggle_user_button.clicked.connect(self.toggle_user)
        add_row = QHBoxLayout()
        for w in (self.new_user, self.new_role, self.new_password, self.add_user_button):
            add_row.addWidget(w)
        layout = QVBoxLayout()
        layout.addWidget(self.users)
        layout.addWidget(self.toggle_user_button)
        layout.addLayout(add_row)
        tab = QWidget()
        tab.setLayout(layout)
        self._load_users()
        return tab

    def _load_users(self) -> None:
        users = self.store.list_users()
        self.users.setRowCount(len(users))
        for row, u in enumerate(users):
            for col, text in enumerate((u["username"], u["role"], "" if u["active"] else "disabled")):
                self.users.setItem(row, col, QTableWidgetItem(text))
        self._users = users

    def add_user(self) -> None:
        try:
            self.store.add_user(self.new_user.text().strip(), self.new_role.currentData(), self.new_password.text(),
                                actor=self.user["username"])
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("User not added"), str(exc))
            return
        self.new_user.clear()
        self.new_password.clear()
        self._load_users()

    def toggle_user(self) -> None:
        row = self.users.currentRow()
        if row < 0:
            return
        u = self._users[row]
        try:
            if u["active"]:
                self.store.disable_user(u["username"], actor=self.user["username"])
            else:
                self.store.enable_user(u["username"], actor=self.user["username"])
        except StoreError as exc:
            QMessageBox.warning(self, self.tr("User not changed"), str(exc))
            return
        self._load_users()

    # -- language and result ---------------------------------------------------------------
    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("SQ-Inspect - Settings"))
        self.tabs.setTabText(0, self.tr("&Station"))
        self.tabs.setTabText(1, self.tr("&Users"))
        texts = [self.tr("&Camera source"), self.tr("&Resolution"), self.tr("Model &bundle"), self.tr("Bundle status"),
                 self.tr("&Threshold (0 = the bundle's)"), self.tr("Re&view band (log-odds)"),
                 self.tr("Self-&questions per part"), self.tr("Station &name"), self.tr("&Data folder"),
                 self.tr("&Language")]
        for label, text in zip(self.labels, texts):
            label.setText(text)
        self.camera.setPlaceholderText(self.tr("device index (0), video file, image folder or rtsp:// URL; empty = sample video"))
        self.camera_file.setText(self.tr("Video..."))
        self.camera_folder.setText(self.tr("Folder..."))
        self.bundle.setPlaceholderText(self.tr("empty = the default bundle"))
        self.bundle_browse.setText(self.tr("Browse..."))
        self.data_dir.setPlaceholderText(self.tr("empty = the platform's data folder"))
        self.data_browse.setText(self.tr("Browse..."))
        self.resolution.setItemText(0, self.tr("camera default"))
        for i in range(self.new_role.count()):
            self.new_role.setItemText(i, role_label(self.new_role.itemData(i)))
        self.users.setHorizontalHeaderLabels([self.tr("User"), self.tr("Role"), self.tr("State")])
        self.new_user.setPlaceholderText(self.tr("new user name"))
        self.new_password.setPlaceholderText(self.tr("password or PIN"))
        self.add_user_button.setText(self.tr("&Add user"))
        self.toggle_user_button.setText(self.tr("Disable / enable the selected user"))
        self._show_bundle_check()

    def result_settings(self) -> Settings:
        w, h = (int(v) for v in self.resolution.currentData().split("x"))
        return replace(copy.copy(self.original), camera=self.camera.text().strip(), camera_width=w, camera_height=h,
                       bundle=self.bundle.text().strip(), threshold=self.threshold.value(),
                       review_band=self.band.value(), questions=self.questions.value(),
                       station=self.station.text().strip(), data_dir=self.data_dir.text().strip(),
                       language=self.language.currentData())

    def submit(self) -> None:
        try:
            self.result_settings().validate()
        except SettingsError as exc:
            self.error.setText(str(exc))
            return
        self.accept()

    def done(self, result: int) -> None:
        for check in list(self.checks):
            check.wait()
        super().done(result)
