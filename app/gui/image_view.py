"""A zoomable, pannable image view for looking closely at a part.

Mouse wheel zooms about the pointer, dragging pans, double-click zooms in there. Keys (when the
view has focus): + / - zoom, 0 or F fits the image to the view, 1 shows it at 100 % (one image
pixel per screen pixel), arrow keys pan. Small images are magnified with sharp pixel edges once
the zoom passes 2x, so a defect a few pixels wide is seen as it was captured, not smoothed away.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPalette, QPixmap, QTransform
from PySide6.QtWidgets import QFrame, QGraphicsPixmapItem, QGraphicsScene, QGraphicsView

from app.gui.video_view import qimage_of

ZOOM_STEP = 1.25
MAX_ZOOM = 64.0  # image pixels this many screen pixels wide at most
SHARP_FROM = 2.0  # from this magnification on, pixels are drawn as squares


class ImageView(QGraphicsView):
    """Shows one image. `zoomChanged(factor)` reports the scale in screen pixels per image pixel
    (1.0 = 100 %) whenever it changes; `fitted()` says whether the view follows its size."""

    zoomChanged = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self._item = QGraphicsPixmapItem()
        self._item.setShapeMode(QGraphicsPixmapItem.BoundingRectShape)
        self.scene().addItem(self._item)
        self._image: QImage | None = None
        self._placeholder = ""
        self._fit = True
        self.setFrameShape(QFrame.StyledPanel)
        self.setRenderHints(QPainter.Antialiasing | QPainter.SmoothPixmapTransform)
        self.setTransformationAnchor(QGraphicsView.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.AnchorViewCenter)
        self.setDragMode(QGraphicsView.ScrollHandDrag)
        # The zoom label is painted over the viewport: repaint all of it when scrolling.
        self.setViewportUpdateMode(QGraphicsView.FullViewportUpdate)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setBackgroundRole(QPalette.Base)
        self.retranslate_ui()

    # -- content ----------------------------------------------------------------------------

    def set_image(self, image: QImage | None, placeholder: str = "") -> None:
        """Show `image` fitted to the view, or nothing and `placeholder` (e.g. why there is no
        image) when it is None or null."""
        self._image = image if image is not None and not image.isNull() else None
        self._placeholder = placeholder
        if self._image is None:
            self._item.setPixmap(QPixmap())
            self.scene().setSceneRect(QRectF())
        else:
            self._item.setPixmap(QPixmap.fromImage(self._image))
            self.scene().setSceneRect(self._item.boundingRect())
        self.fit_to_view()
        self.viewport().update()

    def set_bgr(self, frame: np.ndarray | None, placeholder: str = "") -> None:
        """Show an OpenCV BGR uint8 frame (copied, so the array may change afterwards)."""
        self.set_image(None if frame is None else qimage_of(np.ascontiguousarray(frame)).copy(), placeholder)

    def image(self) -> QImage | None:
        return self._image

    def placeholder(self) -> str:
        return self._placeholder

    def set_placeholder(self, text: str) -> None:
        """What the view says while it has no image."""
        self._placeholder = text
        self.viewport().update()

    # -- zoom -------------------------------------------------------------------------------

    def zoom(self) -> float:
        """Screen pixels per image pixel."""
        return self.transform().m11() * self.devicePixelRatioF()

    def fitted(self) -> bool:
        return self._fit

    def _fit_zoom(self) -> float:
        if self._image is None:
            return 1.0
        view = self.viewport().rect().adjusted(4, 4, -4, -4)
        w, h = self._image.width(), self._image.height()
        return min(view.width() / w, view.height() / h) * self.devicePixelRatioF() if w and h else 1.0

    def _apply(self, factor: float) -> None:
        lo = min(self._fit_zoom(), 1.0) / 2
        factor = max(lo, min(MAX_ZOOM, factor))
        scale = factor / self.devicePixelRatioF()
        self.setTransform(QTransform.fromScale(scale, scale))
        self._item.setTransformationMode(Qt.FastTransformation if factor >= SHARP_FROM else Qt.SmoothTransformation)
        self.zoomChanged.emit(factor)
        self.viewport().update()

    def set_zoom(self, factor: float) -> None:
        """Zoom to `factor` screen pixels per image pixel (clamped to sensible limits)."""
        if self._image is None:
            return
        self._fit = False
        self._apply(factor)

    def zoom_by(self, step: float) -> None:
        self.set_zoom(self.zoom() * step)

    def zoom_in(self) -> None:
        self.zoom_by(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom_by(1 / ZOOM_STEP)

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def fit_to_view(self) -> None:
        self._fit = True
        if self._image is None:
            self.resetTransform()
            return
        self._apply(self._fit_zoom())
        self.centerOn(self._item)

    # -- events -----------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(480, 360)

    def minimumSizeHint(self) -> QSize:
        return QSize(160, 120)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.fit_to_view()

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y()
        if not delta or self._image is None:
            return super().wheelEvent(event)
        self.zoom_by(ZOOM_STEP ** (delta / 120))
        event.accept()

    def mouseDoubleClickEvent(self, event) -> None:
        if self._image is not None and event.button() == Qt.LeftButton:
            self.zoom_by(2.0)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def keyPressEvent(self, event) -> None:
        key = event.key()
        if self._image is not None and not event.modifiers() & (Qt.ControlModifier | Qt.AltModifier):
            if key in (Qt.Key_Plus, Qt.Key_Equal):
                self.zoom_in()
                return
            if key in (Qt.Key_Minus, Qt.Key_Underscore):
                self.zoom_out()
                return
            if key in (Qt.Key_0, Qt.Key_F):
                self.fit_to_view()
                return
            if key == Qt.Key_1:
                self.actual_size()
                return
        super().keyPressEvent(event)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        painter.save()
        painter.resetTransform()
        area = self.viewport().rect()
        pal = self.palette()
        if self._image is None:
            if self._placeholder:
                painter.setPen(pal.color(QPalette.PlaceholderText))
                painter.drawText(area.adjusted(12, 12, -12, -12), Qt.AlignCenter | Qt.TextWordWrap, self._placeholder)
        else:
            text = f"{self.zoom() * 100:.0f} %"
            fm = painter.fontMetrics()
            pad = fm.height() // 4 + 2
            box = fm.boundingRect(text).adjusted(-pad, -pad // 2, pad, pad // 2)
            box.moveBottomRight(area.bottomRight() - QPointF(pad, pad).toPoint())
            painter.setOpacity(0.85)
            painter.fillRect(box, pal.color(QPalette.Window))
            painter.setOpacity(1.0)
            painter.setPen(pal.color(QPalette.WindowText))
            painter.drawText(box, Qt.AlignCenter, text)
        painter.restore()

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Part image"))
        self.setAccessibleDescription(self.tr("Wheel or + and - to zoom, drag or arrow keys to pan, 0 to fit, 1 for 100 %"))

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
