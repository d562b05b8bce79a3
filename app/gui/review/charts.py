"""The Charts tab: small QPainter charts over Store.inspection_stats and Store.defect_terms.

Colours come from the palette (text, grid, background) except the verdict colours; sizes from the
font, so the charts read the same on a dark station theme, a light desktop and at high DPI.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from app.gui.review import text
from app.gui.review.filters import ReviewFilter
from app.gui.theme import VERDICT_COLOURS, scaled_font
from app.gui.review.store_query import LatestStoreQuery
from app.store.stats import fill_days, totals

TOP_TERMS = 10
MAX_DAYS = 366  # a longer range is drawn from its first day with data


def nice_ticks(top: float, count: int = 5, *, integer: bool = False) -> list[float]:
    """Round tick values from 0 to at least `top`: steps of 1, 2 or 5 times a power of ten
    (whole numbers for counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / max(1, count)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integer:
        step = max(1.0, float(round(step)))
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


@dataclass
class Series:
    """A stacked bar part: the value of `key` in each row, in colour `colour` (a verdict name or
    None for the palette's highlight), labelled `label` in the legend."""

    key: str
    label: str
    colour: str | None = None


class _Chart(QWidget):
    """What the charts share: a title, a text for no data, sizes from the font, and the
    painter set up with the palette's colours."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = ""
        self.empty_text = ""
        self.rows: list[dict] = []
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setBackgroundRole(QPalette.Base)
        self.setAutoFillBackground(True)

    def sizeHint(self) -> QSize:
        h = self.fontMetrics().height()
        return QSize(h * 30, h * 16)

    def minimumSizeHint(self) -> QSize:
        h = self.fontMetrics().height()
        return QSize(h * 16, h * 10)

    def _begin(self) -> tuple[QPainter, QColor, QColor, QFontMetricsF, QRectF]:
        """A painter with the title drawn: (painter, text colour, faint colour, font metrics,
        the area below the title)."""
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        pal = self.palette()
        fg, faint = pal.color(QPalette.Text), pal.color(QPalette.PlaceholderText)
        fm = QFontMetricsF(self.font())
        pad = fm.height() * 0.6
        area = QRectF(self.rect()).adjusted(pad, pad, -pad, -pad)
        title_font = scaled_font(self.font(), 1.1, bold=True)
        title_h = QFontMetricsF(title_font).height()
        p.setFont(title_font)
        p.setPen(fg)
        p.drawText(QRectF(area.left(), area.top(), area.width(), title_h), Qt.AlignLeft | Qt.AlignVCenter, self.title)
        p.setFont(self.font())
        return p, fg, faint, fm, area.adjusted(0, title_h + pad * 0.3, 0, 0)

    def _empty(self, p: QPainter, faint: QColor, body: QRectF) -> None:
        p.setPen(faint)
        p.drawText(body, Qt.AlignCenter | Qt.TextWordWrap, self.empty_text)


class ChartWidget(_Chart):
    """Vertical bars (stacked series) per category with an optional rate on a 0-100 % right
    axis. set_data() draws; the rows stay available as `rows` for tests and tooltips."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.categories: list[str] = []
        self.series: list[Series] = []
        self.rate_key: str | None = None
        self.connect_rate = True
        self.rate_label = ""
        self.left_label = ""
        self.tooltip_fn = None
        self.setMouseTracking(True)
        self._plot = QRectF()

    def set_data(self, rows: list[dict], categories: list[str], series: list[Series], *,
                 rate_key: str | None = None, connect: bool = True) -> None:
        """Draw `rows` (one per category); `rate_key` names a 0..1 value drawn as points on the
        right axis, joined by a line when `connect` (over time, not between stations)."""
        self.rows, self.categories, self.series, self.rate_key = rows, categories, series, rate_key
        self.connect_rate = connect
        self.update()

    def set_labels(self, *, title: str, left: str, rate: str = "", empty: str = "") -> None:
        self.title, self.left_label, self.rate_label, self.empty_text = title, left, rate, empty
        self.setAccessibleName(title)
        self.update()

    def index_at(self, x: float) -> int:
        """The category under x (widget coordinates) as last painted, or -1."""
        if not self.categories or not self._plot.width() or not self._plot.left() <= x <= self._plot.right():
            return -1
        return min(len(self.categories) - 1, int((x - self._plot.left()) / (self._plot.width() / len(self.categories))))

    def mouseMoveEvent(self, event) -> None:
        i = self.index_at(event.position().x())
        if i >= 0 and self.tooltip_fn is not None:
            QToolTip.showText(event.globalPosition().toPoint(), self.tooltip_fn(self.rows[i]), self)
        else:
            QToolTip.hideText()

    def paintEvent(self, event) -> None:
        p, fg, faint, fm, below_title = self._begin()
        pal = self.palette()
        grid = QColor(faint)
        grid.setAlphaF(0.35)
        line_h = fm.height()
        pad = line_h * 0.6
        legend_h = self._draw_legend(p, QRectF(below_title.left(), below_title.top(), below_title.width(), line_h), fg)
        body = below_title.adjusted(0, legend_h + pad * 0.5, 0, 0)

        values = [sum(r[s.key] or 0 for s in self.series) for r in self.rows]
        rates = [r.get(self.rate_key) for r in self.rows] if self.rate_key else []
        if not any(values) and all(rate is None for rate in rates):
            self._empty(p, faint, body)
            self._plot = QRectF()
            return

        ticks = nice_ticks(max(values, default=0), 4, integer=True)
        left_w = max(fm.horizontalAdvance(f"{t:g}") for t in ticks) + pad * 0.6
        right_w = (fm.horizontalAdvance("100 %") + pad * 0.6) if self.rate_key else pad
        labels_h = line_h * 1.4
        # Axis titles above each axis.
        p.setPen(faint)
        p.drawText(QRectF(body.left(), body.top(), body.width() / 2, line_h), Qt.AlignLeft | Qt.AlignVCenter,
                   self.left_label)
        if self.rate_key:
            p.drawText(QRectF(body.center().x(), body.top(), body.width() / 2, line_h),
                       Qt.AlignRight | Qt.AlignVCenter, self.rate_label)
        plot = QRectF(body.left() + left_w, body.top() + line_h * 1.5, body.width() - left_w - right_w,
                      body.height() - line_h * 1.5 - labels_h)
        self._plot = plot
        if plot.width() < 10 or plot.height() < 10:
            return
        top_value = ticks[-1]

        def y_of(v: float) -> float:
            return plot.bottom() - plot.height() * v / top_value

        # Grid and axes.
        for t in ticks:
            y = y_of(t)
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(faint)
            p.drawText(QRectF(body.left(), y - line_h / 2, left_w - pad * 0.4, line_h),
                       Qt.AlignRight | Qt.AlignVCenter, f"{t:g}")
        if self.rate_key:
            for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
                y = plot.bottom() - plot.height() * frac
                p.drawText(QRectF(plot.right() + pad * 0.4, y - line_h / 2, right_w, line_h),
                           Qt.AlignLeft | Qt.AlignVCenter, f"{frac * 100:.0f} %")

        # Stacked bars.
        slot = plot.width() / len(self.rows)
        bar_w = max(1.0, min(slot * 0.7, line_h * 3))
        for i, row in enumerate(self.rows):
            x = plot.left() + slot * i + (slot - bar_w) / 2
            base = 0.0
            for s in self.series:
                v = row[s.key] or 0
                if v:
                    p.fillRect(QRectF(x, y_of(base + v), bar_w, y_of(base) - y_of(base + v)), self._colour(s))
                    base += v
        p.setPen(QPen(fg, 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())

        # Category labels, thinned so that they do not overlap.
        widest = max(fm.horizontalAdvance(c) for c in self.categories) + pad
        every = max(1, math.ceil(widest / slot))
        p.setPen(faint)
        for i, label in enumerate(self.categories):
            if i % every == 0:
                cx = plot.left() + slot * (i + 0.5)
                width = max(widest, slot)
                p.drawText(QRectF(cx - width / 2, plot.bottom() + line_h * 0.2, width, line_h), Qt.AlignCenter,
                           fm.elidedText(label, Qt.ElideRight, width))

        # The rate: points, joined where consecutive rates exist.
        if self.rate_key:
            p.setPen(QPen(fg, max(1.5, line_h / 9)))
            path, drawing, points = QPainterPath(), False, []
            for i, row in enumerate(self.rows):
                rate = row.get(self.rate_key)
                if rate is None:
                    drawing = False
                    continue
                pt = QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - plot.height() * rate)
                points.append(pt)
                if drawing:
                    path.lineTo(pt)
                else:
                    path.moveTo(pt)
                    drawing = True
            if self.connect_rate:
                p.drawPath(path)
            p.setBrush(pal.color(QPalette.Base))
            radius = max(2.5, line_h / 6)
            for pt in points:
                p.drawEllipse(pt, radius, radius)

    def _colour(self, s: Series) -> QColor:
        return QColor(VERDICT_COLOURS[s.colour]) if s.colour else self.palette().color(QPalette.Highlight)

    def _draw_legend(self, p: QPainter, rect: QRectF, fg: QColor) -> float:
        fm = QFontMetricsF(self.font())
        box = fm.height() * 0.7
        entries = [(s.label, self._colour(s), False) for s in self.series]
        if self.rate_key:
            entries.append((self.rate_label, fg, True))
        if not any(label for label, _, _ in entries):
            return 0.0
        x, cy = rect.left(), rect.center().y()
        for label, colour, is_rate in entries:
            if is_rate:
                p.setPen(QPen(colour, max(1.5, fm.height() / 9)))
                if self.connect_rate:
                    p.drawLine(QPointF(x, cy), QPointF(x + box * 1.5, cy))
                p.setBrush(self.palette().color(QPalette.Base))
                p.drawEllipse(QPointF(x + box * 0.75, cy), box / 4, box / 4)
                x += box * 1.5
            else:
                p.fillRect(QRectF(x, cy - box / 2, box, box), colour)
                x += box
            p.setPen(fg)
            w = fm.horizontalAdvance(label)
            p.drawText(QRectF(x + box * 0.4, rect.top(), w + 2, rect.height()), Qt.AlignLeft | Qt.AlignVCenter, label)
            x += box * 0.4 + w + box * 1.2
        return rect.height()


class TermsChart(_Chart):
    """Horizontal bars: defect words by the number of inspections whose answers name them."""

    def set_rows(self, rows: list[dict]) -> None:
        self.rows = rows
        self.update()

    def set_labels(self, *, title: str, empty: str) -> None:
        self.title, self.empty_text = title, empty
        self.setAccessibleName(title)
        self.update()

    def paintEvent(self, event) -> None:
        p, fg, faint, fm, body = self._begin()
        line_h = fm.height()
        pad = line_h * 0.6
        body = body.adjusted(0, pad * 0.7, 0, 0)
        if not self.rows:
            self._empty(p, faint, body)
            return
        label_w = min(body.width() * 0.4, max(fm.horizontalAdvance(r["term"]) for r in self.rows) + pad)
        value_w = fm.horizontalAdvance(str(max(r["inspections"] for r in self.rows))) + pad
        bar_area_w = body.width() - label_w - value_w
        slot = min(line_h * 1.8, body.height() / len(self.rows))
        bar_h = min(slot * 0.7, line_h * 1.1)
        top = max(r["inspections"] for r in self.rows)
        colour = QColor(VERDICT_COLOURS["fail"])
        for i, row in enumerate(self.rows):
            y = body.top() + slot * i
            p.setPen(fg)
            p.drawText(QRectF(body.left(), y, label_w - pad * 0.5, slot), Qt.AlignRight | Qt.AlignVCenter,
                       fm.elidedText(row["term"], Qt.ElideRight, label_w - pad * 0.5))
            w = max(1.0, bar_area_w * row["inspections"] / top) if top else 1.0
            p.fillRect(QRectF(body.left() + label_w, y + (slot - bar_h) / 2, w, bar_h), colour)
            p.setPen(faint)
            p.drawText(QRectF(body.left() + label_w + w + pad * 0.4, y, value_w, slot), Qt.AlignLeft | Qt.AlignVCenter,
                       str(row["inspections"]))


class ChartsPanel(QWidget):
    """A summary line and four charts of the inspections a ReviewFilter selects: inspections and
    fail rate per day and per station, disagreement rate per day, defect words in the answers.

    The statistics are read in a worker thread (a month of a busy station is a second of SQL);
    `updated()` fires when new ones are shown. Only the latest request is drawn."""

    updated = Signal()

    def __init__(self, db_path: Path, parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.filter = ReviewFilter()
        self.summary: dict = totals(())
        self.by_day: list[dict] = []
        self.by_station: list[dict] = []
        self.terms: list[dict] = []
        self.error = ""
        self._query = LatestStoreQuery(self.db_path, "statistics for the QA charts", self)
        self._query.answered.connect(self._show_result)
        self.summary_label = QLabel()
        self.summary_label.setFont(scaled_font(self.font(), 1.1))
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.day_chart = ChartWidget()
        self.station_chart = ChartWidget()
        self.disagreement_chart = ChartWidget()
        self.terms_chart = TermsChart()
        self.day_chart.tooltip_fn = self._day_tooltip
        self.station_chart.tooltip_fn = self._station_tooltip
        self.disagreement_chart.tooltip_fn = self._day_tooltip
        grid = QGridLayout()
        grid.addWidget(self.day_chart, 0, 0)
        grid.addWidget(self.station_chart, 0, 1)
        grid.addWidget(self.disagreement_chart, 1, 0)
        grid.addWidget(self.terms_chart, 1, 1)
        inner = QWidget()
        inner.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        scroll.setFrameShape(QScrollArea.NoFrame)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(scroll, 1)
        self.retranslate_ui()

    def refresh(self, f: ReviewFilter | None = None) -> None:
        """Read the statistics of `f` (default: the last filter) in the background, then redraw."""
        if f is not None:
            self.filter = f
        query = self.filter.query()
        self._query.ask(lambda store: (store.inspection_stats("day", **query), store.inspection_stats("station", **query),
                                       store.defect_terms(limit=TOP_TERMS, **query)))
        self._show_summary()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (for scripts and tests); the result arrives as an event."""
        return self._query.wait(msecs)

    @property
    def loading(self) -> bool:
        return self._query.pending

    def _show_result(self, result: object) -> None:
        if isinstance(result, str):
            self.error = result
        else:
            self.error = ""
            self.by_day, self.by_station, self.terms = result
            self.summary = totals(self.by_station)
        self._show()
        self.updated.emit()

    def days(self) -> list[dict]:
        """The per-day rows as drawn: every day of the filter's range (or from the first to the
        last day with data), days without inspections included."""
        first, last = self.filter.first_day, self.filter.last_day
        if self.by_day:
            if first is None or (last or dt.date.today()) - first > dt.timedelta(days=MAX_DAYS):
                first = dt.date.fromisoformat(self.by_day[0]["day"])
            if last is None:
                last = dt.date.fromisoformat(self.by_day[-1]["day"])
        elif first is None or last is None:
            return []
        return fill_days(self.by_day, first, last)

    def _show_summary(self) -> None:
        s = self.summary
        if self.loading:
            self.summary_label.setText(self.tr("Reading the statistics..."))
        elif self.error:
            self.summary_label.setText(self.tr("Could not read the statistics: %1").replace("%1", self.error))
        else:
            self.summary_label.setText(
                self.tr("%1 inspections · fail rate %2 · disagreement rate %3 · reviewed %4 · rejected images %5")
                .replace("%1", str(s["inspections"])).replace("%2", text.percent(s["fail_rate"]))
                .replace("%3", text.percent(s["disagreement_rate"]))
                .replace("%4", text.percent(s["reviewed"] / s["inspections"] if s["inspections"] else None))
                .replace("%5", str(s["rejected"])))

    def _show(self) -> None:
        self._show_summary()
        outcome = [Series("passes", self.tr("Pass"), "pass"), Series("fails", self.tr("Fail"), "fail"),
                   Series("rejected", self.tr("Rejected image"), text.NO_OUTCOME)]
        days = self.days()
        labels = [d["day"][5:] for d in days]  # MM-DD; the tooltip has the full date
        self.day_chart.set_data(days, labels, outcome, rate_key="fail_rate")
        self.station_chart.set_data(self.by_station, [r["station"] for r in self.by_station], outcome,
                                    rate_key="fail_rate", connect=False)
        self.disagreement_chart.set_data(days, labels, [Series("disagreements", self.tr("Disagreements"), "review")],
                                         rate_key="disagreement_rate")
        self.terms_chart.set_rows(self.terms)

    def _tooltip(self, head: str, row: dict) -> str:
        return self.tr("%1\n%2 inspections: %3 pass, %4 fail, %5 rejected\nfail rate %6\n"
                       "disagreements %7 (%8), of which by the inspector %9").replace(
            "%1", head).replace("%2", str(row["inspections"])).replace("%3", str(row["passes"])).replace(
            "%4", str(row["fails"])).replace("%5", str(row["rejected"])).replace("%6", text.percent(row["fail_rate"])
        ).replace("%7", str(row["disagreements"])).replace("%8", text.percent(row["disagreement_rate"])).replace(
            "%9", str(row["inspector_overrides"]))

    def _day_tooltip(self, row: dict) -> str:
        return self._tooltip(row["day"], row)

    def _station_tooltip(self, row: dict) -> str:
        return self._tooltip(row["station"], row)

    def retranslate_ui(self) -> None:
        empty = self.tr("No inspections match the filters.")
        self.day_chart.set_labels(title=self.tr("Inspections and fail rate per day"), left=self.tr("Inspections"),
                                  rate=self.tr("Fail rate"), empty=empty)
        self.station_chart.set_labels(title=self.tr("Inspections and fail rate per station"),
                                      left=self.tr("Inspections"), rate=self.tr("Fail rate"), empty=empty)
        self.disagreement_chart.set_labels(title=self.tr("Disagreement with the model per day"),
                                           left=self.tr("Disagreements"), rate=self.tr("Disagreement rate"),
                                           empty=empty)
        self.terms_chart.set_labels(title=self.tr("Defect words most often named in answers (number of inspections)"),
                                    empty=self.tr("No defect words in the answers of these inspections."))
        self._show()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)
