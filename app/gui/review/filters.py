"""What the QA manager selects: the filter (a plain value) and the bar of controls that edits it."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QDate, QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

# Period presets: key -> days back from today (None: no bound). "custom" uses the date fields.
PERIODS = {"today": 0, "7d": 6, "30d": 29, "90d": 89, "all": None, "custom": None}
DEFAULT_PERIOD = "30d"
SEARCH_DELAY_MS = 300
MAX_SEARCH = 200


def local_midnight(day: dt.date) -> dt.datetime:
    """The start of `day` on this computer's clock, as an aware datetime."""
    return dt.datetime.combine(day, dt.time()).astimezone()


@dataclass(frozen=True)
class ReviewFilter:
    """The QA view's selection. Days are this computer's local calendar days, both inclusive."""

    first_day: dt.date | None = None
    last_day: dt.date | None = None
    station: str | None = None
    verdict: str | None = None  # the model's: pass / fail
    final_verdict: str | None = None  # the current outcome: pass / fail
    disagreement: bool = False  # only where the inspector or QA overrode the model
    unreviewed: bool = False  # only those without a QA review
    text: str = ""  # in the description, questions and answers

    def query(self) -> dict:
        """Keyword arguments for Store.find_inspections / export_csv / inspection_stats."""
        text = self.text.strip()
        return {
            "since": local_midnight(self.first_day) if self.first_day else None,
            "until": local_midnight(self.last_day + dt.timedelta(days=1)) if self.last_day else None,
            "station": self.station,
            "verdict": self.verdict,
            "final_verdict": self.final_verdict,
            "disagreement": True if self.disagreement else None,
            "unreviewed": self.unreviewed,
            "text": text or None,
        }


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class FilterBar(QWidget):
    """The filter controls in one row. `changed(ReviewFilter)` fires on every change (text
    search after a short pause in typing)."""

    changed = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._emitting = True
        self.period = QComboBox()
        self.first = QDateEdit(calendarPopup=True)
        self.last = QDateEdit(calendarPopup=True)
        for edit in (self.first, self.last):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setMaximumDate(_qdate(dt.date.today() + dt.timedelta(days=1)))
        self.station = QComboBox()
        self.station.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.verdict = QComboBox()
        self.final_verdict = QComboBox()
        self.disagreement = QCheckBox()
        self.unreviewed = QCheckBox()
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMaxLength(MAX_SEARCH)
        self.search.setMinimumWidth(self.fontMetrics().averageCharWidth() * 28)
        self.reset_button = QPushButton()
        self.period_label, self.to_label, self.station_label = QLabel(), QLabel(), QLabel()
        self.verdict_label, self.final_label = QLabel(), QLabel()
        for label, buddy in ((self.period_label, self.period), (self.station_label, self.station),
                             (self.verdict_label, self.verdict), (self.final_label, self.final_verdict)):
            label.setBuddy(buddy)

        gap = self.fontMetrics().averageCharWidth() * 2
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        top, bottom = QHBoxLayout(), QHBoxLayout()
        rows.addLayout(top)
        rows.addLayout(bottom)
        for w in (self.period_label, self.period, self.first, self.to_label, self.last):
            top.addWidget(w)
        for pair in ((self.station_label, self.station), (self.verdict_label, self.verdict),
                     (self.final_label, self.final_verdict)):
            top.addSpacing(gap)
            for w in pair:
                top.addWidget(w)
        top.addStretch(1)
        bottom.addWidget(self.search, 1)
        bottom.addSpacing(gap)
        for w in (self.disagreement, self.unreviewed):
            bottom.addWidget(w)
        bottom.addSpacing(gap)
        bottom.addWidget(self.reset_button)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit)
        self.retranslate_ui()
        self.set_stations([])
        self.reset(emit=False)

        self.period.activated.connect(self._period_chosen)
        for edit in (self.first, self.last):
            edit.dateChanged.connect(self._emit)
        for combo in (self.station, self.verdict, self.final_verdict):
            combo.currentIndexChanged.connect(self._emit)
        for box in (self.disagreement, self.unreviewed):
            box.toggled.connect(self._emit)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.search.returnPressed.connect(self._emit)
        self.reset_button.clicked.connect(lambda: self.reset())

    # -- state ------------------------------------------------------------------------------

    def filter(self) -> ReviewFilter:
        key = self.period.currentData()
        first = last = None
        if key == "custom":
            first, last = _pydate(self.first.date()), _pydate(self.last.date())
            if first > last:
                first, last = last, first
        elif PERIODS.get(key) is not None:
            last = dt.date.today()
            first = last - dt.timedelta(days=PERIODS[key])
        return ReviewFilter(
            first_day=first, last_day=last, station=self.station.currentData(),
            verdict=self.verdict.currentData(), final_verdict=self.final_verdict.currentData(),
            disagreement=self.disagreement.isChecked(), unreviewed=self.unreviewed.isChecked(),
            text=self.search.text().strip(),
        )

    def set_filter(self, f: ReviewFilter) -> None:
        """Show `f` in the controls (a date range becomes 'Custom') and emit it once."""
        with self._quiet():
            if f.first_day is None and f.last_day is None:
                self._select(self.period, "all")
            else:
                self._select(self.period, "custom")
                self.first.setDate(_qdate(f.first_day or f.last_day))
                self.last.setDate(_qdate(f.last_day or dt.date.today()))
            if f.station is not None and self.station.findData(f.station) < 0:
                self.station.addItem(f.station, f.station)
            self._select(self.station, f.station)
            self._select(self.verdict, f.verdict)
            self._select(self.final_verdict, f.final_verdict)
            self.disagreement.setChecked(f.disagreement)
            self.unreviewed.setChecked(f.unreviewed)
            self.search.setText(f.text)
            self._sync_dates()
        self._emit()

    def reset(self, *, emit: bool = True) -> None:
        """Back to the default: the last 30 days, everything else open."""
        with self._quiet():
            self._select(self.period, DEFAULT_PERIOD)
            for combo in (self.station, self.verdict, self.final_verdict):
                combo.setCurrentIndex(0)
            self.disagreement.setChecked(False)
            self.unreviewed.setChecked(False)
            self.search.clear()
            self._sync_dates()
        if emit:
            self._emit()

    def set_stations(self, names: list[str]) -> None:
        """The stations to choose from (the current choice is kept if it is still there)."""
        current = self.station.currentData()
        with self._quiet():
            self.station.clear()
            self.station.addItem(self.tr("All stations"), None)
            for name in names:
                self.station.addItem(name, name)
            index = self.station.findData(current)
            self.station.setCurrentIndex(max(index, 0))
        if current is not None and self.station.currentData() != current:
            self._emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.ShortcutFocusReason)
        self.search.selectAll()

    # -- internals --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change controls without emitting `changed` for each step."""
        was, self._emitting = self._emitting, False
        try:
            yield
        finally:
            self._emitting = was

    @staticmethod
    def _select(combo: QComboBox, data) -> None:
        combo.setCurrentIndex(max(combo.findData(data), 0))

    def _emit(self) -> None:
        if self._emitting:
            self._search_timer.stop()
            self.changed.emit(self.filter())

    def _sync_dates(self) -> None:
        """Date fields show the preset's range; editable only for 'Custom'."""
        key = self.period.currentData()
        custom = key == "custom"
        for edit in (self.first, self.last):
            edit.setEnabled(custom)
        if not custom:
            with self._quiet():
                today = dt.date.today()
                days = PERIODS.get(key)
                self.last.setDate(_qdate(today))
                self.first.setDate(_qdate(today - dt.timedelta(days=days)) if days is not None else _qdate(today))
        for w in (self.first, self.to_label, self.last):
            w.setVisible(key != "all")

    def _period_chosen(self, _index: int) -> None:
        self._sync_dates()
        self._emit()

    def retranslate_ui(self) -> None:
        with self._quiet():
            self._fill(self.period, [
                (self.tr("Today"), "today"), (self.tr("Last 7 days"), "7d"), (self.tr("Last 30 days"), "30d"),
                (self.tr("Last 90 days"), "90d"), (self.tr("All dates"), "all"), (self.tr("Custom range"), "custom"),
            ])
            self._fill(self.verdict, [(self.tr("Any"), None), (self.tr("PASS"), "pass"), (self.tr("FAIL"), "fail")])
            self._fill(self.final_verdict, [(self.tr("Any"), None), (self.tr("PASS"), "pass"), (self.tr("FAIL"), "fail")])
            if self.station.count():
                self.station.setItemText(0, self.tr("All stations"))
        self.period_label.setText(self.tr("&Period:"))
        self.to_label.setText(self.tr("to"))
        self.station_label.setText(self.tr("&Station:"))
        self.verdict_label.setText(self.tr("&Model:"))
        self.verdict.setToolTip(self.tr("The model's verdict"))
        self.final_label.setText(self.tr("O&utcome:"))
        self.final_verdict.setToolTip(self.tr("The current outcome: the latest QA review, else the inspector's "
                                              "decision, else the model's verdict"))
        self.disagreement.setText(self.tr("&Disagreed with model"))
        self.disagreement.setToolTip(self.tr("Only inspections where the inspector or a QA review overrode "
                                             "the model's verdict"))
        self.unreviewed.setText(self.tr("&Not yet reviewed"))
        self.unreviewed.setToolTip(self.tr("Only inspections without a QA review"))
        self.search.setPlaceholderText(self.tr("Search description, questions and answers (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search text"))
        self.reset_button.setText(self.tr("Reset filters"))
        self.reset_button.setToolTip(self.tr("Last 30 days, all stations, no other filter"))
        self.first.setAccessibleName(self.tr("First day"))
        self.last.setAccessibleName(self.tr("Last day"))

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, object]]) -> None:
        """Set the items' texts, keeping the data and the current choice."""
        if combo.count() == len(items):
            for i, (text, _data) in enumerate(items):
                combo.setItemText(i, text)
            return
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
