"""One inspection in full: the image, what the model said and asked, who decided what, the audit
history, and the QA review form."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.image_view import ImageView
from app.gui.review import text
from app.gui.theme import VERDICT_COLOURS, scaled_font
from app.store.store import REVIEWERS
from app.store.validate import MAX_REASON


class VerdictChip(QLabel):
    """A verdict word on its verdict colour."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setAlignment(Qt.AlignCenter)
        self.setFont(scaled_font(self.font(), 1.15, bold=True))
        self.verdict: str | None = None
        self.show_verdict(None, "")

    def show_verdict(self, verdict: str | None, label: str) -> None:
        self.verdict = verdict
        self.setText(label)
        colour = VERDICT_COLOURS.get(verdict or text.NO_OUTCOME)
        pad = max(2, self.fontMetrics().height() // 5)
        self.setStyleSheet(f"QLabel {{ background: {colour}; color: white; border-radius: {pad}px; "
                           f"padding: {pad}px {pad * 3}px; }}" if label else "")


class DetailPane(QWidget):
    """Shows one row of Store.get_inspection with its history (set_inspection), and asks for
    reviews: `reviewRequested(inspection_id, action, final_verdict or None, reason)`, which the
    window carries out and answers with show_message()."""

    reviewRequested = Signal(int, str, object, str)

    def __init__(self, user: dict, parent=None):
        super().__init__(parent)
        self.user = user
        self.inspection: dict | None = None
        self.history: list[dict] = []
        self._image_problem: str | None = None  # "missing" or "unreadable" when there is no image

        self.title = QLabel()
        self.title.setFont(scaled_font(self.font(), 1.3, bold=True))
        self.subtitle = QLabel()
        self.subtitle.setWordWrap(True)
        self.subtitle.setTextInteractionFlags(Qt.TextSelectableByMouse)

        self.image = ImageView()
        self.image_info = QLabel()
        self.image_info.setForegroundRole(QPalette.PlaceholderText)
        self.fit_button, self.actual_button = QToolButton(), QToolButton()
        self.zoom_out_button, self.zoom_in_button = QToolButton(), QToolButton()
        self.fit_button.clicked.connect(self.image.fit_to_view)
        self.actual_button.clicked.connect(self.image.actual_size)
        self.zoom_out_button.clicked.connect(self.image.zoom_out)
        self.zoom_in_button.clicked.connect(self.image.zoom_in)
        for b in (self.fit_button, self.actual_button, self.zoom_out_button, self.zoom_in_button):
            b.setFocusPolicy(Qt.NoFocus)  # the keys + - 0 1 on the image (and Ctrl+ + - 0) do the same
        tools = QHBoxLayout()
        tools.addWidget(self.image_info, 1)
        for b in (self.zoom_out_button, self.zoom_in_button, self.actual_button, self.fit_button):
            tools.addWidget(b)

        self.model_label, self.decision_label, self.outcome_label = QLabel(), QLabel(), QLabel()
        self.model_chip, self.outcome_chip = VerdictChip(), VerdictChip()
        self.model_note = QLabel()
        self.decision_text = QLabel()
        self.decision_text.setWordWrap(True)
        for chip in (self.model_chip, self.outcome_chip):
            chip.setSizePolicy(QSizePolicy.Maximum, QSizePolicy.Fixed)
        verdicts = QGridLayout()
        verdicts.addWidget(self.model_label, 0, 0)
        verdicts.addWidget(self.model_chip, 1, 0, Qt.AlignLeft)
        verdicts.addWidget(self.model_note, 2, 0)
        verdicts.addWidget(self.decision_label, 0, 1)
        verdicts.addWidget(self.decision_text, 1, 1, 2, 1, Qt.AlignTop)
        verdicts.addWidget(self.outcome_label, 0, 2)
        verdicts.addWidget(self.outcome_chip, 1, 2, Qt.AlignLeft)
        verdicts.setColumnStretch(1, 1)
        verdicts.setHorizontalSpacing(self.fontMetrics().averageCharWidth() * 3)

        self.info = QTextBrowser()
        self.info.setOpenLinks(False)
        self.info.setFrameShape(QFrame.NoFrame)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(tools)
        top_layout.addWidget(self.image, 1)
        self.splitter = QSplitter(Qt.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(self.info)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setChildrenCollapsible(False)

        # The review form.
        self.review_box = QGroupBox()
        # One line, as the audit log keeps it (the store refuses line breaks in a reason).
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON)
        self.reason.setClearButtonEnabled(True)
        self.reason_label = QLabel()
        self.reason_label.setBuddy(self.reason)
        self.confirm_button = QPushButton()
        self.override_pass_button = QPushButton()
        self.override_fail_button = QPushButton()
        self.confirm_button.clicked.connect(lambda: self._request("confirm", None))
        self.override_pass_button.clicked.connect(lambda: self._request("override", "pass"))
        self.override_fail_button.clicked.connect(lambda: self._request("override", "fail"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        form = QVBoxLayout(self.review_box)
        form.addWidget(self.reason_label)
        form.addWidget(self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button)
        buttons.addStretch(1)
        buttons.addWidget(self.override_pass_button)
        buttons.addWidget(self.override_fail_button)
        form.addLayout(buttons)
        form.addWidget(self.hint)
        form.addWidget(self.message)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(verdicts)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.review_box)
        self.setTabOrder(self.image, self.reason)
        self.setTabOrder(self.reason, self.confirm_button)
        self.setTabOrder(self.confirm_button, self.override_pass_button)
        self.setTabOrder(self.override_pass_button, self.override_fail_button)
        self.setTabOrder(self.override_fail_button, self.info)
        self.retranslate_ui()
        self.set_inspection(None)

    # -- content ----------------------------------------------------------------------------

    def set_inspection(self, inspection: dict | None, history: list[dict] | None = None, *,
                       keep_message: bool = False) -> None:
        """Show a row of Store.get_inspection and its Store.inspection_history (None: nothing
        selected). The reason typed so far is kept while the same inspection is shown again."""
        same = inspection is not None and self.inspection is not None and inspection["id"] == self.inspection["id"]
        self.inspection = inspection
        self.history = history or []
        if not same:  # the same part again (after a review) keeps the reason typed, the image and its zoom
            self.reason.clear()
            self._load_image()
        if not keep_message:
            self.message.clear()
            self.message.hide()
        self._show_texts()
        self._update_review_state()

    def _load_image(self) -> None:
        self._image_problem = None
        if self.inspection is None:
            self.image.set_image(None)
            return
        path = Path(self.inspection["image_path"])
        image = QImage(str(path))
        if image.isNull():
            self._image_problem = "unreadable" if path.exists() else "missing"
        self.image.set_image(None if image.isNull() else image)

    def show_message(self, message: str, *, error: bool) -> None:
        """A line under the review buttons: what happened to the last review request."""
        self.message.setText(message)
        colour = VERDICT_COLOURS["fail"] if error else VERDICT_COLOURS["pass"]
        self.message.setStyleSheet(f"QLabel {{ color: {colour}; font-weight: bold; }}")
        self.message.show()

    def focus_reason(self) -> None:
        self.reason.setFocus(Qt.OtherFocusReason)

    # -- review -----------------------------------------------------------------------------

    def can_review(self) -> bool:
        return self.user.get("role") in REVIEWERS

    def own_decision(self) -> bool:
        return self.inspection is not None and self.inspection.get("decided_by") == self.user.get("username")

    def _update_review_state(self) -> None:
        row = self.inspection
        allowed = row is not None and self.can_review() and not self.own_decision()
        current = row.get("final_verdict") if row else None
        self.confirm_button.setEnabled(allowed)
        self.override_pass_button.setEnabled(allowed and current != "pass")
        self.override_fail_button.setEnabled(allowed and current != "fail")
        self.reason.setEnabled(allowed)
        self.reason.setReadOnly(not allowed)
        if not self.can_review():
            hint = self.tr("Signed in as %1 (%2): only QA and admin users review inspections.").replace(
                "%1", self.user.get("username", "")).replace("%2", self.user.get("role", ""))
        elif row is not None and self.own_decision():
            hint = self.tr("You made the inspector's decision on this part; another QA user must review it.")
        elif row is None:
            hint = ""
        else:
            hint = self.tr("Confirm keeps the outcome %1. An override needs a reason and is recorded in the "
                           "audit log.").replace("%1", text.verdict(current))
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.confirm_button.setText(self.tr("&Confirm %1").replace("%1", text.verdict(current)) if row
                                    else self.tr("&Confirm"))

    def _request(self, action: str, final_verdict: str | None) -> None:
        if self.inspection is None:
            return
        reason = self.reason.text().strip()
        if action == "override" and not reason:
            self.show_message(self.tr("An override needs a reason: write what you saw."), error=True)
            self.focus_reason()
            return
        self.reviewRequested.emit(self.inspection["id"], action, final_verdict, reason)

    # -- texts ------------------------------------------------------------------------------

    def _show_image_texts(self) -> None:
        image = self.image.image()
        if self.inspection is None:
            self.image.set_placeholder(self.tr("Select an inspection in the list"))
            self.image_info.clear()
        elif image is None:
            why = (self.tr("The image file is missing") if self._image_problem == "missing"
                   else self.tr("The image file cannot be read"))
            self.image.set_placeholder(f"{why}:\n{self.inspection['image_path']}")
            self.image_info.setText(why)
        else:
            self.image_info.setText(self.tr("%1 × %2 px").replace("%1", str(image.width()))
                                    .replace("%2", str(image.height())))

    def _show_texts(self) -> None:
        self._show_image_texts()
        row = self.inspection
        if row is None:
            self.title.setText(self.tr("No inspection selected"))
            self.subtitle.clear()
            self.model_chip.show_verdict(None, "")
            self.outcome_chip.show_verdict(None, "")
            self.model_note.clear()
            self.decision_text.clear()
            self.info.clear()
            return
        self.title.setText(self.tr("Inspection %1").replace("%1", str(row["id"])))
        parts = [row["station"], text.local_time(row["created_at"]),
                 self.tr("inspector %1").replace("%1", row["operator"])]
        if row.get("serial"):
            parts.append(self.tr("serial %1").replace("%1", row["serial"]))
        if row.get("lot"):
            parts.append(self.tr("lot %1").replace("%1", row["lot"]))
        self.subtitle.setText(" · ".join(parts))
        self.model_chip.show_verdict(row["verdict"], text.verdict(row["verdict"]))
        self.model_note.setText(self.tr("p %1 (threshold %2)").replace("%1", text.probability(row["defect_probability"]))
                                .replace("%2", text.probability(row["threshold"])))
        self.outcome_chip.show_verdict(row["final_verdict"], text.verdict(row["final_verdict"]))
        decision = text.decision(row)
        if row.get("decision"):
            decision = self.tr("%1 by %2").replace("%1", decision).replace("%2", row.get("decided_by") or "")
            if row.get("decision_reason"):
                decision += f": “{row['decision_reason']}”"
        else:
            decision = self.tr("no decision recorded")
        self.decision_text.setText(decision)
        self.info.setHtml(self._html(row))

    def _html(self, row: dict) -> str:
        e = html.escape
        out = [f"<h3>{e(self.tr('Description'))}</h3><p>{e(row['description'])}</p>",
               f"<h3>{e(self.tr('Questions and answers'))}</h3>"]
        if row["qa"]:
            out.append("<table cellspacing='0' cellpadding='3'>")
            for n, pair in enumerate(row["qa"], 1):
                out.append(f"<tr><td valign='top'><b>{n}.</b></td><td><b>{e(pair['question'])}</b><br>"
                           f"{e(pair['answer'])}</td></tr>")
            out.append("</table>")
        else:
            out.append(f"<p>{e(self.tr('The model asked no questions.'))}</p>")
        out.append(f"<h3>{e(self.tr('History'))}</h3>")
        if self.history:
            out.append("<table cellspacing='0' cellpadding='3'>")
            for entry in self.history:
                when = text.local_time(entry["at"])
                what = e(self._history_text(entry))
                proof = e(self.tr("audit record %1, hash %2…").replace("%1", str(entry["id"]))
                          .replace("%2", entry["hash"][:12]))
                out.append(f"<tr><td valign='top' style='white-space:nowrap'>{e(when)}</td>"
                           f"<td>{what}<br><small>{proof}</small></td></tr>")
            out.append("</table>")
        else:
            out.append(f"<p>{e(self.tr('No audit records.'))}</p>")
        latency = row.get("latency_total_ms")
        details = [
            (self.tr("Model bundle"), row.get("bundle_name") or ""),
            (self.tr("Inference time"), self.tr("%1 ms").replace("%1", f"{latency:.0f}") if latency is not None else ""),
            (self.tr("Source"), row.get("source") or ""),
            (self.tr("Image SHA-256"), row.get("image_sha256") or ""),
        ]
        out.append(f"<h3>{e(self.tr('Details'))}</h3><table cellspacing='0' cellpadding='2'>")
        for label, value in details:
            out.append(f"<tr><td valign='top'>{e(label)}</td><td>{e(str(value))}</td></tr>")
        out.append("</table>")
        return "".join(out)

    def _history_text(self, entry: dict) -> str:
        after = entry.get("after") or {}
        who = entry.get("username") or self.tr("(system)")
        action = entry["action"]
        reason = after.get("reason") or ""
        if action == "inspection.create":
            line = self.tr("%1 inspected the part: model %2, p %3").replace("%1", who).replace(
                "%2", text.verdict(after.get("verdict"))).replace("%3", text.probability(after.get("defect_probability")))
        elif action == "decision.create":
            kind = after.get("decision")
            if kind == "accept":
                line = self.tr("%1 accepted the model's verdict").replace("%1", who)
            elif kind == "override":
                line = self.tr("%1 overrode the model to %2").replace("%1", who).replace(
                    "%2", text.verdict(after.get("final_verdict")))
            else:
                line = self.tr("%1 rejected the image as unusable").replace("%1", who)
        elif action == "review.create":
            if after.get("action") == "confirm":
                line = self.tr("%1 confirmed the outcome %2 (QA review)").replace("%1", who).replace(
                    "%2", text.verdict(after.get("final_verdict")))
            else:
                line = self.tr("%1 overrode the outcome to %2 (QA review)").replace("%1", who).replace(
                    "%2", text.verdict(after.get("final_verdict")))
        else:
            line = f"{who}: {action}"
        return f"{line}: “{reason}”" if reason else line

    def retranslate_ui(self) -> None:
        self.fit_button.setText(self.tr("Fit"))
        self.fit_button.setToolTip(self.tr("Fit the image to the view (0)"))
        self.actual_button.setText(self.tr("100 %"))
        self.actual_button.setToolTip(self.tr("One image pixel per screen pixel (1)"))
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setToolTip(self.tr("Zoom out (-)"))
        self.zoom_out_button.setAccessibleName(self.tr("Zoom out"))
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setToolTip(self.tr("Zoom in (+)"))
        self.zoom_in_button.setAccessibleName(self.tr("Zoom in"))
        self.model_label.setText(self.tr("Model"))
        self.decision_label.setText(self.tr("Inspector decision"))
        self.outcome_label.setText(self.tr("Outcome"))
        self.review_box.setTitle(self.tr("QA review"))
        self.reason_label.setText(self.tr("R&eason (needed for an override):"))
        self.reason.setPlaceholderText(self.tr("What you saw, e.g. a burr at the bore under the lamp"))
        self.override_pass_button.setText(self.tr("Override to P&ASS"))
        self.override_fail_button.setText(self.tr("Override to FAI&L"))
        self.confirm_button.setToolTip(self.tr("Confirm the current outcome (Ctrl+Enter)"))
        self.info.setAccessibleName(self.tr("Inspection details"))
        self._show_texts()
        self._update_review_state()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
