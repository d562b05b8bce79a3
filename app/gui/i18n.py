"""English and Japanese through Qt's translation system: .ts sources and compiled .qm files in
assets/translations. Widgets retranslate themselves on QEvent.LanguageChange."""

from __future__ import annotations

import logging
from pathlib import Path

from app.assets import TRANSLATIONS
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

LANGUAGE_NAMES = {"en": "English", "ja": "日本語"}  # each in its own language, as language menus do
_installed: list[QTranslator] = []


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"sqinspect_{language}.qm"


def set_language(language: str) -> bool:
    """Install the translators for `language` ('en' removes them). Every widget then receives
    a LanguageChange event. Returns False when the translation file is missing."""
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    QLocale.setDefault(QLocale(language))
    if language == "en":
        return True
    ours = QTranslator(app)
    if not ours.load(str(qm_path(language))):
        log.warning("no %s translation at %s; showing English", language, qm_path(language))
        return False
    qt = QTranslator(app)  # Qt's own strings (standard buttons, file dialogs)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        app.installTranslator(qt)
        _installed.append(qt)
    app.installTranslator(ours)
    _installed.append(ours)
    return True
