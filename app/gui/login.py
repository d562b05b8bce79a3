"""Sign-in against the store's users, and the first admin account of a new station."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from app.gui.theme import scaled_font
from app.store import Store, StoreError


class _Form(QDialog):
    def __init__(self, store: Store, parent=None):
        super().__init__(parent)
        self.store = store
        self.user: dict | None = None
        self.title = QLabel()
        self.title.setFont(scaled_font(self.font(), 1.4, bold=True))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.username = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #ff6b6b;")
        self.error.setWordWrap(True)
        self.form = QFormLayout()
        self.user_label, self.password_label = QLabel(), QLabel()
        self.user_label.setBuddy(self.username)
        self.password_label.setBuddy(self.password)
        self.form.addRow(self.user_label, self.username)
        self.form.addRow(self.password_label, self.password)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.hint)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def fail(self, message: str) -> None:
        self.error.setText(message)
        self.password.clear()
        self.password.setFocus()


class LoginDialog(_Form):
    """User name + password (or PIN); `user` holds the signed-in user after accept()."""

    def __init__(self, store: Store, parent=None, username: str = ""):
        super().__init__(store, parent)
        self.username.setText(username)
        self.retranslate_ui()
        (self.password if username else self.username).setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("SQ-Inspect - Sign in"))
        self.title.setText(self.tr("Sign in"))
        self.hint.setText(self.tr("Station database: %1").replace("%1", str(self.store.path)))
        self.user_label.setText(self.tr("&User"))
        self.password_label.setText(self.tr("&Password or PIN"))

    def submit(self) -> None:
        try:
            self.user = self.store.authenticate(self.username.text().strip(), self.password.text())
        except StoreError as exc:
            self.fail(str(exc))
            return
        self.accept()


class FirstAdminDialog(_Form):
    """A new station has no users: its first account is an admin (the store insists)."""

    def __init__(self, store: Store, parent=None):
        super().__init__(store, parent)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.Password)
        self.repeat_label = QLabel()
        self.repeat_label.setBuddy(self.repeat)
        self.form.addRow(self.repeat_label, self.repeat)
        self.retranslate_ui()
        self.username.setFocus()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("SQ-Inspect - New station"))
        self.title.setText(self.tr("Create the administrator account"))
        self.hint.setText(self.tr("This station has no users yet. The first account is the administrator, "
                                  "who adds inspectors and QA staff in Settings."))
        self.user_label.setText(self.tr("&User"))
        self.password_label.setText(self.tr("&Password"))
        self.repeat_label.setText(self.tr("&Repeat password"))

    def submit(self) -> None:
        if self.password.text() != self.repeat.text():
            self.fail(self.tr("The two passwords differ."))
            return
        name = self.username.text().strip()
        try:
            self.store.add_user(name, "admin", self.password.text(), actor=None)
            self.user = self.store.authenticate(name, self.password.text())
        except StoreError as exc:
            self.fail(str(exc))
            return
        self.accept()


def sign_in(store: Store, parent=None, username: str = "") -> dict | None:
    """The signed-in user, creating the first admin on a new station; None if cancelled."""
    dialog = FirstAdminDialog(store, parent) if not store.list_users() else LoginDialog(store, parent, username)
    dialog.setWindowModality(Qt.ApplicationModal)
    return dialog.user if dialog.exec() == QDialog.Accepted else None
