"""The result of one inspection as the inspector sees it: a large verdict, the probability,
the description, the self-generated questions and answers, the latency, and the decision."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.gui.theme import scaled_font, verdict_colour
from app.gui.verdicts import shown_verdict, verdict_label
from app.gui.video_view import qimage_of


class QAModel(QAbstractTableModel):
    """Question/answer pairs, read-only."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.pairs: list[dict] = []

    def set_pairs(self, pairs: list[dict]) -> None:
        self.beginResetModel()
        self.pairs = list(pairs)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.pairs)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 2

    def data(self, index: QModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self.pairs[index.row()]["question" if index.column() == 0 else "answer"]
        return None

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.tr("Question the model asked itself") if section == 0 else self.tr("Answer")
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Horizontal, 0, 1)


class ResultPanel(QWidget):
    decision_requested = Signal(str, str)   # decision (accept | override | reject), reason

    def __init__(self, parent=None):
        super().__init__(parent)
        self.result: dict | None = None
        self.band = 1.0
        self.verdict = QLabel()
        self.verdict.setAlignment(Qt.AlignCenter)
        self.verdict.setMinimumHeight(110)
        self.verdict.setFont(scaled_font(self.font(), 3.2, bold=True))
        self.verdict.setAccessibleName("verdict")
        self.probability = QLabel()
        self.probability.setFont(scaled_font(self.font(), 1.15))
        self.probability.setAlignment(Qt.AlignCenter)
        self.thumb = QLabel()
        self.thumb.setFixedSize(QSize(96, 96))
        self.thumb.setScaledContents(True)
        self.description_title, self.qa_title = QLabel(), QLabel()
        for title in (self.description_title, self.qa_title):
            title.setFont(scaled_font(self.font(), 1.0, bold=True))
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.description.setFont(scaled_font(self.font(), 1.15))
        self.qa_model = QAModel(self)
        self.qa = QTableView()
        self.qa.setModel(self.qa_model)
        self.qa.setWordWrap(True)
        self.qa.setAlternatingRowColors(True)
        self.qa.verticalHeader().hide()
        self.qa.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.qa.setSelectionMode(QTableView.NoSelection)
        self.qa.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.latency = QLabel()
        self.decision_state = QLabel()
        self.decision_state.setWordWrap(True)
        self.accept_button, self.override_button, self.reject_button = QPushButton(), QPushButton(), QPushButton()
        for button in (self.accept_button, self.override_button, self.reject_button):
            button.setMinimumHeight(48)
            button.setFont(scaled_font(self.font(), 1.1, bold=True))
        self.accept_button.clicked.connect(lambda: self.decision_requested.emit("accept", ""))
        self.override_button.clicked.connect(lambda: self._ask_reason("override"))
        self.reject_button.clicked.connect(lambda: self._ask_reason("reject"))

        head = QGridLayout()
        head.addWidget(self.verdict, 0, 0)
        head.addWidget(self.thumb, 0, 1)
        head.addWidget(self.probability, 1, 0, 1, 2)
        head.setColumnStretch(0, 1)
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.override_button, self.reject_button):
            buttons.addWidget(button)
        line = QFrame()
        line.setFrameShape(QFrame.HLine)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.description_title)
        layout.addWidget(self.description)
        layout.addWidget(self.qa_title)
        layout.addWidget(self.qa, 1)
        layout.addWidget(self.latency)
        layout.addWidget(line)
        layout.addWidget(self.decision_state)
        layout.addLayout(buttons)
        self.retranslate_ui()
        self.clear()

    # -- language --------------------------------------------------------------------------
    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.description_title.setText(self.tr("Description"))
        self.qa_title.setText(self.tr("Self-questions and answers"))
        self.accept_button.setText(self.tr("&Accept verdict"))
        self.override_button.setText(self.tr("&Override..."))
        self.reject_button.setText(self.tr("Re&ject image..."))
        self.accept_button.setToolTip(self.tr("The model's verdict is right (A)"))
        self.override_button.setToolTip(self.tr("The model's verdict is wrong; give the reason (O)"))
        self.reject_button.setToolTip(self.tr("The inspection is unusable: wrong part, bad image (J)"))
        self.qa_model.retranslate()
        self._show()

    # -- content ---------------------------------------------------------------------------
    def clear(self) -> None:
        self.result = None
        self._show()

    def show_result(self, result: dict, frame: np.ndarray | None = None, band: float | None = None,
                    decision: dict | None = None) -> None:
        """result: a record as the inference worker emits it (or a stored inspection)."""
        self.result = dict(result)
        self.result["decision"] = decision
        if band is not None:
            self.band = band
        if frame is not None:
            self.thumb.setPixmap(QPixmap.fromImage(qimage_of(frame).copy()))
        self._show()

    def set_decision(self, decision: dict) -> None:
        if self.result is not None:
            self.result["decision"] = decision
            self._show()

    def shown_verdict(self) -> str | None:
        r = self.result
        return None if r is None else shown_verdict(r["defect_probability"], r["threshold"], self.band)

    def _show(self) -> None:
        r = self.result
        if r is None:
            self.verdict.setText(self.tr("Ready"))
            self._colour(None)
            self.probability.setText(self.tr("Place a part and press Space or INSPECT"))
            self.description.setText("")
            self.qa_model.set_pairs([])
            self.latency.setText("")
            self.thumb.clear()
            self.decision_state.setText("")
            self._enable(False)
            return
        verdict = self.shown_verdict()
        self.verdict.setText(verdict_label(verdict))
        self._colour(verdict)
        model = verdict_label(r["verdict"])
        self.probability.setText(
            self.tr("Defect probability %1 (threshold %2) - model verdict %3")
            .replace("%1", _prob(r["defect_probability"])).replace("%2", _prob(r["threshold"])).replace("%3", model))
        self.description.setText(r.get("description") or self.tr("(no description)"))
        self.qa_model.set_pairs(r.get("qa") or [])
        self.qa.resizeRowsToContents()
        total = (r.get("latency_ms") or {}).get("total")
        ident = r.get("inspection_id")
        parts = []
        if ident is not None:
            parts.append(self.tr("Inspection #%1").replace("%1", str(ident)))
        if total is not None:
            parts.append(self.tr("model %1 ms").replace("%1", f"{total:.0f}"))
        self.latency.setText(" · ".join(parts))
        decision = r.get("decision")
        if decision:
            what = {"accept": self.tr("accepted"), "override": self.tr("overridden"),
                    "reject": self.tr("rejected")}[decision["decision"]]
            text = self.tr("Decision: %1 by %2").replace("%1", what).replace("%2", decision.get("by", ""))
            if decision.get("reason"):
                text += " - " + decision["reason"]
            self.decision_state.setText(text)
        else:
            self.decision_state.setText(self.tr("Waiting for your decision") if ident is not None else "")
        self._enable(ident is not None and not decision)

    def _colour(self, verdict: str | None) -> None:
        colour = verdict_colour(verdict).name()
        self.verdict.setStyleSheet(f"background: {colour}; color: white; border-radius: 8px; padding: 8px;")

    def _enable(self, on: bool) -> None:
        for button in (self.accept_button, self.override_button, self.reject_button):
            button.setEnabled(on)

    def _ask_reason(self, decision: str) -> None:
        if decision == "override":
            title = self.tr("Override the model's verdict")
            reasons = [self.tr("Defect the model missed"), self.tr("No defect: false alarm"),
                       self.tr("Defect within tolerance")]
        else:
            title = self.tr("Reject this inspection")
            reasons = [self.tr("Wrong part under the camera"), self.tr("Bad image: blur, glare or part cut off"),
                       self.tr("Part moved during capture")]
        reason, ok = QInputDialog.getItem(self, title, self.tr("Reason (choose or type):"), reasons, 0, True)
        reason = reason.strip()
        if ok and reason:
            self.decision_requested.emit(decision, reason)


def _prob(p: float) -> str:
    """Small probabilities legibly: 0.0002 rather than 0.000."""
    if p == 0:
        return "0"
    return f"{p:.3f}" if p >= 0.001 else f"{p:.1e}"
