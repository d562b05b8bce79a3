"""The strip of recent parts under the live view: thumbnails framed in their verdict colour."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt
from PySide6.QtGui import QPainter, QPen, QPixmap
from PySide6.QtWidgets import QListView

from app.gui.theme import verdict_colour
from app.gui.verdicts import verdict_label
from app.gui.video_view import qimage_of

THUMB = 88
MAX_ITEMS = 50
ID_ROLE = Qt.UserRole + 1


def thumbnail(frame: np.ndarray, verdict: str, size: int = THUMB) -> QPixmap:
    """A square thumbnail with a 4-px frame in the verdict colour."""
    h, w = frame.shape[:2]
    scale = (size - 8) / max(h, w)
    small = np.ascontiguousarray(cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))),
                                            interpolation=cv2.INTER_AREA))
    pixmap = QPixmap(size, size)
    pixmap.fill(verdict_colour(verdict))
    painter = QPainter(pixmap)
    painter.drawImage((size - small.shape[1]) // 2, (size - small.shape[0]) // 2, qimage_of(small))
    painter.setPen(QPen(verdict_colour(verdict), 4))
    painter.end()
    return pixmap


class HistoryModel(QAbstractListModel):
    """Newest first; each item: inspection id, verdict, probability, thumbnail, decided or not."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.items: list[dict] = []

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def add(self, inspection_id: int, verdict: str, probability: float, frame: np.ndarray) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.items.insert(0, {"id": inspection_id, "verdict": verdict, "probability": probability,
                              "thumb": thumbnail(frame, verdict), "decided": False})
        self.endInsertRows()
        if len(self.items) > MAX_ITEMS:
            self.beginRemoveRows(QModelIndex(), MAX_ITEMS, len(self.items) - 1)
            del self.items[MAX_ITEMS:]
            self.endRemoveRows()

    def retranslate(self) -> None:
        if self.items:
            self.dataChanged.emit(self.index(0), self.index(len(self.items) - 1))

    def mark_decided(self, inspection_id: int) -> None:
        for row, item in enumerate(self.items):
            if item["id"] == inspection_id:
                item["decided"] = True
                self.dataChanged.emit(self.index(row), self.index(row))

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        item = self.items[index.row()]
        if role == Qt.DecorationRole:
            return item["thumb"]
        if role == Qt.DisplayRole:
            mark = "" if item["decided"] else " •"  # not decided yet
            return f"#{item['id']}{mark}\n{verdict_label(item['verdict'])}"  # two short lines fit the thumbnail's width
        if role == Qt.ToolTipRole:
            state = self.tr("decided") if item["decided"] else self.tr("no decision yet")
            return self.tr("Inspection #%1: %2, defect probability %3 (%4)").replace("%1", str(item["id"])) \
                .replace("%2", verdict_label(item["verdict"])).replace("%3", f"{item['probability']:.3g}").replace("%4", state)
        if role == ID_ROLE:
            return item["id"]
        return None


class HistoryStrip(QListView):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setViewMode(QListView.IconMode)
        self.setFlow(QListView.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Static)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setSpacing(4)
        self.setUniformItemSizes(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        line = self.fontMetrics().height()
        # Labels ("#1234 不合格 •") wrap under the thumbnail rather than being cut short.
        self.setWordWrap(True)
        self.setGridSize(QSize(THUMB + 24, THUMB + 2 * line + 12))
        self.setFixedHeight(THUMB + 3 * line + 16)
