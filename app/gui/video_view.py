"""The live camera view: paints the newest frame (QImage over the numpy buffer, no copy),
scaled to fit, and says so plainly when the camera is gone."""

from __future__ import annotations

import time
from collections import deque

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.gui.theme import scaled_font


def qimage_of(frame: np.ndarray) -> QImage:
    """A QImage viewing a BGR uint8 frame; keep `frame` alive while the image is used."""
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, int(frame.strides[0]), QImage.Format_BGR888)


class VideoView(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.NoFocus)
        self._frame: np.ndarray | None = None
        self._message = ""
        self._painted: deque[float] = deque(maxlen=61)
        self.retranslate_ui()

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 180)

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Live camera view"))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def show_frame(self, frame: np.ndarray) -> None:
        self._frame = frame
        self.update()

    def set_message(self, text: str) -> None:
        """An overlay (camera lost, connecting); empty to clear it."""
        self._message = text
        self.update()

    def fps(self) -> float:
        """Frames actually painted per second over the last ~2 s (what the inspector sees)."""
        now = time.monotonic()
        recent = [t for t in self._painted if now - t <= 2.0]
        if len(recent) < 2:
            return 0.0
        return (len(recent) - 1) / (recent[-1] - recent[0]) if recent[-1] > recent[0] else 0.0

    def current_frame(self) -> np.ndarray | None:
        return self._frame

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#0e1013"))
        frame = self._frame
        if frame is not None:
            image = qimage_of(frame)
            size = image.size().scaled(self.size(), Qt.KeepAspectRatio)
            target = QRectF((self.width() - size.width()) / 2, (self.height() - size.height()) / 2,
                            size.width(), size.height())
            painter.setRenderHint(QPainter.SmoothPixmapTransform)
            painter.drawImage(target, image)
            self._painted.append(time.monotonic())
        if self._message:
            painter.setFont(scaled_font(self.font(), 1.3, bold=True))
            box = self.rect().adjusted(24, 24, -24, -24)
            bounds = painter.boundingRect(box, Qt.AlignCenter | Qt.TextWordWrap, self._message).adjusted(-16, -10, 16, 10)
            painter.fillRect(bounds, QColor(0, 0, 0, 190))
            painter.setPen(QPen(QColor("#e0a01e")))
            painter.drawText(box, Qt.AlignCenter | Qt.TextWordWrap, self._message)
        painter.end()
