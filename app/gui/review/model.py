"""The inspections table: one page of Store.find_inspections at a time, newest first or sorted
by a column (in the database: a page is only part of the rows), read off the GUI thread
(app/gui/review/store_query.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from app.gui.review import text
from app.gui.review.filters import ReviewFilter
from app.gui.theme import verdict_colour
from app.gui.review.store_query import LatestStoreQuery
from app.store import SORT_KEYS, Page, Store

PAGE_SIZE = 100
# The outcome next to the model's verdict: what QA scans for first.
COLUMNS = ("id", "time", "station", "serial", "verdict", "probability", "outcome", "decision", "review",
           "operator", "lot")
ID_ROLE = Qt.UserRole + 1  # the inspection id of a row, in every column
ROW_ROLE = Qt.UserRole + 2  # the whole inspection_status row (a dict)
_NUMERIC = {"id", "probability"}
_VERDICT_COLUMNS = {"verdict", "outcome"}


class InspectionTableModel(QAbstractTableModel):
    """A page of inspections matching a ReviewFilter, read from the database at `db_path` in a
    worker thread. `loaded()` fires when a requested page is shown; `failed(message)` when the
    store could not be read (the previous rows stay). Only the latest request is shown; its
    `then` callback runs after it is."""

    loaded = Signal()
    failed = Signal(str)

    def __init__(self, db_path: Path, *, page_size: int = PAGE_SIZE, parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.page_size = page_size
        self._filter = ReviewFilter()
        self._sort = ("time", True)  # column, descending
        self._rows: list[dict] = []
        self._total = 0
        self._offset = 0
        self._headers: dict[str, str] = {}
        self._then: Callable[[], None] | None = None
        self._query = LatestStoreQuery(self.db_path, "a page of inspections", self)
        self._query.answered.connect(self._show_page)
        self.retranslate()

    # -- paging -----------------------------------------------------------------------------

    @property
    def filter(self) -> ReviewFilter:
        return self._filter

    @property
    def total(self) -> int:
        """Matching inspections in all pages."""
        return self._total

    @property
    def offset(self) -> int:
        return self._offset

    def page_count(self) -> int:
        return max(1, -(-self._total // self.page_size))

    def page_number(self) -> int:
        """1-based."""
        return self._offset // self.page_size + 1

    @property
    def loading(self) -> bool:
        """A requested page is still being read."""
        return self._query.pending

    def set_filter(self, f: ReviewFilter, then: Callable[[], None] | None = None) -> bool:
        """Show the first page of what `f` selects."""
        self._filter = f
        return self.load(0, then)

    @property
    def sort_order(self) -> tuple[str, bool]:
        """The column the rows are sorted by and whether descending."""
        return self._sort

    def set_sort(self, column: str, descending: bool, then: Callable[[], None] | None = None) -> bool:
        """Show the first page sorted by `column` (one of COLUMNS)."""
        if column not in SORT_KEYS:
            raise ValueError(f"cannot sort by {column!r}")
        self._sort = (column, bool(descending))
        return self.load(0, then)

    def reload(self, then: Callable[[], None] | None = None) -> bool:
        """Read the current page again (new inspections, reviews); stays on this page if it
        still exists, else goes to the last one."""
        return self.load(self._offset, then)

    def next_page(self, then: Callable[[], None] | None = None) -> bool:
        return self.page_number() < self.page_count() and self.load(self._offset + self.page_size, then)

    def previous_page(self, then: Callable[[], None] | None = None) -> bool:
        return self._offset > 0 and self.load(max(0, self._offset - self.page_size), then)

    def first_page(self, then: Callable[[], None] | None = None) -> bool:
        return self.load(0, then)

    def last_page(self, then: Callable[[], None] | None = None) -> bool:
        return self.load((self.page_count() - 1) * self.page_size, then)

    def load(self, offset: int, then: Callable[[], None] | None = None) -> bool:
        """Ask for the page at `offset` (rounded down to a page start); True when asked. The
        page replaces the rows when it arrives, then `loaded` fires and `then()` runs; or
        `failed` fires and the rows stay."""
        offset = max(0, offset) // self.page_size * self.page_size
        query, size = self._filter.query(), self.page_size
        query["sort"], query["descending"] = self._sort

        def read(store: Store) -> Page:
            page = store.find_inspections(**query, limit=size, offset=offset)
            if not page.rows and page.total and offset:
                # Past the end (rows left the filter): the last page instead.
                page = store.find_inspections(**query, limit=size, offset=(page.total - 1) // size * size)
            return page

        self._then = then
        self._query.ask(read)
        return True

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (scripts and tests); the page arrives as an event."""
        return self._query.wait(msecs)

    def _show_page(self, result: object) -> None:
        then, self._then = self._then, None
        if isinstance(result, str):
            self.failed.emit(result)
            return
        self.beginResetModel()
        self._rows, self._total, self._offset = result.rows, result.total, result.offset
        self.endResetModel()
        self.loaded.emit()
        if then is not None:
            then()

    # -- rows -------------------------------------------------------------------------------

    def row_data(self, row: int) -> dict:
        return self._rows[row]

    def inspection_id(self, row: int) -> int:
        return self._rows[row]["id"]

    def row_of(self, inspection_id: int) -> int:
        """The row showing `inspection_id` on this page, or -1."""
        for i, r in enumerate(self._rows):
            if r["id"] == inspection_id:
                return i
        return -1

    def ids(self) -> list[int]:
        return [r["id"] for r in self._rows]

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role: int = Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.DisplayRole:
            return self._headers[COLUMNS[section]]
        if role == Qt.TextAlignmentRole:
            return int((Qt.AlignRight if COLUMNS[section] in _NUMERIC else Qt.AlignLeft) | Qt.AlignVCenter)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role == Qt.DisplayRole:
            return self._display(row, column)
        if role == ID_ROLE:
            return row["id"]
        if role == ROW_ROLE:
            return row
        if role == Qt.TextAlignmentRole:
            return int((Qt.AlignRight if column in _NUMERIC else Qt.AlignLeft) | Qt.AlignVCenter)
        if role == Qt.ForegroundRole and column in _VERDICT_COLUMNS:
            return verdict_colour(row["verdict"] if column == "verdict" else row["final_verdict"] or text.NO_OUTCOME)
        if role == Qt.FontRole and column == "outcome":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ToolTipRole:
            return self._tooltip(row, column)
        return None

    def _display(self, row: dict, column: str) -> str:
        if column == "id":
            return str(row["id"])
        if column == "time":
            return text.local_time(row["created_at"])
        if column == "probability":
            return text.probability(row["defect_probability"])
        if column == "verdict":
            return text.verdict(row["verdict"])
        if column == "decision":
            return text.decision(row)
        if column == "review":
            return text.review(row)
        if column == "outcome":
            outcome = text.verdict(row["final_verdict"])
            return f"{outcome} \u26a0" if row["disagreement"] else outcome
        return row.get(column) or ""

    def _tooltip(self, row: dict, column: str) -> str | None:
        if column == "probability":
            return self.tr("Defect probability %1 (threshold %2)").replace(
                "%1", text.probability(row["defect_probability"])).replace("%2", text.probability(row["threshold"]))
        if column == "decision" and row.get("decision_reason"):
            return self.tr("%1: %2").replace("%1", row.get("decided_by") or "").replace("%2", row["decision_reason"])
        if column == "review" and row.get("review_reason"):
            return self.tr("%1: %2").replace("%1", row.get("reviewed_by") or "").replace("%2", row["review_reason"])
        if column == "outcome" and row["disagreement"]:
            return self.tr("The inspector or a QA review overrode the model's verdict")
        return None

    def retranslate(self) -> None:
        """Header and cell texts in the current language."""
        self._headers = {
            "id": self.tr("ID"), "time": self.tr("Time"), "station": self.tr("Station"),
            "operator": self.tr("Inspector"), "serial": self.tr("Serial"), "lot": self.tr("Lot"),
            "verdict": self.tr("Model"), "probability": self.tr("P(defect)"), "decision": self.tr("Decision"),
            "review": self.tr("QA review"), "outcome": self.tr("Outcome"),
        }
        self.headerDataChanged.emit(Qt.Horizontal, 0, len(COLUMNS) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))
