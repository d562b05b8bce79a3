"""Colours and fonts shared by the windows: a calm dark theme for a factory hall, verdict
colours that read from across a workbench."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

VERDICT_COLOURS = {"pass": "#2e9d4f", "fail": "#d23c3c", "review": "#e0a01e"}
UNKNOWN_COLOUR = "#6b7280"


def verdict_colour(verdict: str | None) -> QColor:
    return QColor(VERDICT_COLOURS.get(verdict or "", UNKNOWN_COLOUR))


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    base, window, text = QColor("#1d2127"), QColor("#262b33"), QColor("#e6e8eb")
    for role, colour in (
        (QPalette.Window, window), (QPalette.WindowText, text), (QPalette.Base, base),
        (QPalette.AlternateBase, QColor("#2c323b")), (QPalette.Text, text), (QPalette.Button, QColor("#323945")),
        (QPalette.ButtonText, text), (QPalette.Highlight, QColor("#3d7bd9")), (QPalette.HighlightedText, QColor("#ffffff")),
        (QPalette.ToolTipBase, QColor("#323945")), (QPalette.ToolTipText, text), (QPalette.PlaceholderText, QColor("#8a919c")),
        (QPalette.Link, QColor("#6aa5ff")),
    ):
        pal.setColor(role, colour)
    pal.setColor(QPalette.Disabled, QPalette.ButtonText, QColor("#7a808a"))
    pal.setColor(QPalette.Disabled, QPalette.Text, QColor("#7a808a"))
    pal.setColor(QPalette.Disabled, QPalette.WindowText, QColor("#7a808a"))
    app.setPalette(pal)
    font = app.font()
    # Point sizes scale with the screen's DPI; a station is read at arm's length.
    font.setPointSizeF(max(font.pointSizeF(), 11.0))
    app.setFont(font)


def scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    font = QFont(base)
    font.setPointSizeF(base.pointSizeF() * factor)
    font.setBold(bold)
    return font
