"""The QA review window: filter, page through and review logged inspections; charts; CSV export."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui.review.charts import ChartsPanel
from app.gui.review.detail import DetailPane
from app.gui.review.export import export_filtered, suggested_name
from app.gui.review.filters import FilterBar, ReviewFilter
from app.gui.review.model import COLUMNS, PAGE_SIZE, InspectionTableModel
from app.gui.theme import VERDICT_COLOURS
from app.store import Store, StoreError

log = logging.getLogger(__name__)

NEW_CHECK_MS = 15_000  # how often the window looks for inspections recorded since the last refresh


class ReviewWindow(QMainWindow):
    """QA review over the station database at `db_path`, for the signed-in `user` (a dict as
    Store.authenticate returns it). The database must exist. The list's pages and the charts
    are read in worker threads; the selected inspection is read and reviews are written with the
    window's own Store. Reviews are recorded as `user`; the store refuses what the role does
    not allow.

    Signals: `reviewRecorded(inspection_id, review_id)` after a stored review;
    `currentInspectionChanged(inspection_id)` (0 when none is selected)."""

    reviewRecorded = Signal(int, int)
    currentInspectionChanged = Signal(int)

    def __init__(self, db_path: Path, user: dict, parent=None, *, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.user = dict(user)
        self._store: Store | None = Store(self.db_path, create=False)
        self._charts_stale = True
        self._newest_seen = 0
        self._shown_once = False
        self._columns_sized = False
        self._read_error_shown = False
        self.export_dir = Path.home()

        self.filter_bar = FilterBar()
        self.model = InspectionTableModel(self.db_path, page_size=page_size, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # Sorting happens in the database (a page is only part of the rows): a header click asks
        # the model for the first page in that order, the view never sorts its rows itself.
        self.table.setSortingEnabled(False)
        header = self.table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(COLUMNS.index("time"), Qt.DescendingOrder)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list (rows: arrow keys)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)

        self.first_button, self.prev_button = QToolButton(), QToolButton()
        self.next_button, self.last_button = QToolButton(), QToolButton()
        self.page_label = QLabel()
        self.first_button.setIcon(self.style().standardIcon(QStyle.SP_MediaSkipBackward))
        self.last_button.setIcon(self.style().standardIcon(QStyle.SP_MediaSkipForward))
        self.prev_button.setIcon(self.style().standardIcon(QStyle.SP_ArrowBack))
        self.next_button.setIcon(self.style().standardIcon(QStyle.SP_ArrowForward))
        self.prev_button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.next_button.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.next_button.setLayoutDirection(Qt.RightToLeft)  # the arrow after the word
        for b in (self.first_button, self.prev_button, self.next_button, self.last_button):
            b.setFocusPolicy(Qt.NoFocus)  # keyboard: Ctrl+PgUp / Ctrl+PgDown (View menu), no extra tab stops
        pager = QHBoxLayout()
        pager.addWidget(self.first_button)
        pager.addWidget(self.prev_button)
        pager.addStretch(1)
        pager.addWidget(self.page_label)
        pager.addStretch(1)
        pager.addWidget(self.next_button)
        pager.addWidget(self.last_button)
        self.first_button.clicked.connect(lambda: self._page(self.model.first_page))
        self.prev_button.clicked.connect(lambda: self._page(self.model.previous_page))
        self.next_button.clicked.connect(lambda: self._page(self.model.next_page))
        self.last_button.clicked.connect(lambda: self._page(self.model.last_page))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(pager)

        self.detail = DetailPane(self.user)
        self.splitter = QSplitter(Qt.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        self.charts = ChartsPanel(self.db_path)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.splitter, "")
        self.tabs.addTab(self.charts, "")
        self.tabs.currentChanged.connect(self._tab_changed)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.status_label = QLabel()
        self.status_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.user_label = QLabel()
        self.statusBar().addWidget(self.status_label, 1)
        self.statusBar().addPermanentWidget(self.user_label)

        self._build_actions()
        self._set_tab_order()

        self.filter_bar.changed.connect(self.apply_filter)
        self.model.loaded.connect(self._page_loaded)
        self.model.failed.connect(self._page_failed)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.detail.reviewRequested.connect(self.record_review)

        self._new_timer = QTimer(self, interval=NEW_CHECK_MS)
        self._new_timer.timeout.connect(self.check_for_new)
        self._new_timer.start()

        self.retranslate_ui()
        h = self.fontMetrics().height()
        self.resize(h * 88, h * 52)
        self.setMinimumSize(h * 50, h * 32)
        self.splitter.setSizes([h * 50, h * 38])
        self._reload_stations()
        self.apply_filter(self.filter_bar.filter())
        self.table.setFocus()

    def _set_tab_order(self) -> None:
        """Tab goes through the filters, the list and its pager, then the part and the review."""
        bar, d = self.filter_bar, self.detail
        order = [bar.period, bar.first, bar.last, bar.station, bar.verdict, bar.final_verdict, bar.search,
                 bar.disagreement, bar.unreviewed, bar.reset_button, self.table, d.image, d.reason,
                 d.confirm_button, d.override_pass_button, d.override_fail_button, d.info]
        for first, second in zip(order, order[1:]):
            self.setTabOrder(first, second)

    # -- the store --------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        """The window's store, reopened if the window was closed and shown again."""
        if self._store is None:
            self._store = Store(self.db_path, create=False)
        return self._store

    def close_store(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- actions ----------------------------------------------------------------------------

    def _action(self, menu, shortcut, slot) -> QAction:
        action = QAction(self)
        action.setShortcuts(shortcut if isinstance(shortcut, list) else [shortcut])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_actions(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("")
        self.export_action = self._action(self.file_menu, QKeySequence("Ctrl+E"), self.export_csv)
        self.file_menu.addSeparator()
        self.close_action = self._action(self.file_menu, QKeySequence.Close, self.close)

        self.view_menu = bar.addMenu("")
        self.refresh_action = self._action(self.view_menu, [QKeySequence.Refresh, QKeySequence("Ctrl+R")], self.refresh)
        self.find_action = self._action(self.view_menu, QKeySequence.Find, self.filter_bar.focus_search)
        self.reset_action = self._action(self.view_menu, QKeySequence("Ctrl+Shift+R"), lambda: self.filter_bar.reset())
        self.view_menu.addSeparator()
        self.list_action = self._action(self.view_menu, QKeySequence("Ctrl+1"), lambda: self.tabs.setCurrentIndex(0))
        self.charts_action = self._action(self.view_menu, QKeySequence("Ctrl+2"), lambda: self.tabs.setCurrentIndex(1))
        self.view_menu.addSeparator()
        self.prev_action = self._action(self.view_menu, [QKeySequence("Ctrl+PgUp"), QKeySequence("Alt+Left")],
                                        lambda: self._page(self.model.previous_page))
        self.next_action = self._action(self.view_menu, [QKeySequence("Ctrl+PgDown"), QKeySequence("Alt+Right")],
                                        lambda: self._page(self.model.next_page))
        self.view_menu.addSeparator()
        image = self.detail.image
        self.zoom_in_action = self._action(self.view_menu, [QKeySequence.ZoomIn, QKeySequence("Ctrl+=")], image.zoom_in)
        self.zoom_out_action = self._action(self.view_menu, QKeySequence.ZoomOut, image.zoom_out)
        self.fit_action = self._action(self.view_menu, QKeySequence("Ctrl+0"), image.fit_to_view)

        self.review_menu = bar.addMenu("")
        self.confirm_action = self._action(self.review_menu, [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
                                           self._confirm_shortcut)
        self.override_action = self._action(self.review_menu, [QKeySequence("Ctrl+Shift+Return")],
                                            self._override_shortcut)
        self.reason_action = self._action(self.review_menu, QKeySequence("Ctrl+Shift+E"), self.detail.focus_reason)

    def _confirm_shortcut(self) -> None:
        if self.detail.confirm_button.isEnabled():
            self.detail.confirm_button.click()

    def _override_shortcut(self) -> None:
        """Override to the opposite of the current outcome (a rejected image needs the button)."""
        enabled = [b for b in (self.detail.override_pass_button, self.detail.override_fail_button) if b.isEnabled()]
        if len(enabled) == 1:
            enabled[0].click()

    # -- filtering and paging ---------------------------------------------------------------

    def _mark_seen(self) -> None:
        """Remember the newest inspection before reading: anything newer is news (check_for_new)."""
        try:
            self._newest_seen = self.store.latest_inspection_id()
        except StoreError:
            pass

    def apply_filter(self, f: ReviewFilter) -> None:
        """Show the first page of what `f` selects (and its charts)."""
        self._mark_seen()
        keep = self.current_id()
        self.model.set_filter(f, then=lambda: self._select_id(keep, fallback_row=0))
        self._charts_stale = True
        if self.tabs.currentWidget() is self.charts:
            self._refresh_charts()

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        """A header click: the first page in that order, keeping the selected inspection if it is on it."""
        keep = self.current_id()
        self.model.set_sort(COLUMNS[section], order == Qt.DescendingOrder,
                            then=lambda: self._select_id(keep, fallback_row=0))

    def refresh(self) -> None:
        """Read everything again: stations, the current page, the selected inspection, charts."""
        self._reload_stations()
        self._mark_seen()
        keep, row = self.current_id(), self.table.currentIndex().row()
        self.model.reload(then=lambda: self._select_id(keep, fallback_row=row))
        self._charts_stale = True
        if self.tabs.currentWidget() is self.charts:
            self._refresh_charts()

    def _page(self, move) -> None:
        move(then=lambda: self._select_row(0))

    def _reload_stations(self) -> None:
        try:
            self.filter_bar.set_stations(self.store.list_stations())
        except StoreError as exc:
            self.show_status(self.tr("Could not read the stations: %1").replace("%1", str(exc)), error=True)

    def _page_loaded(self) -> None:
        self._update_pager()
        if not self._columns_sized and self.model.rowCount():
            # Once, from the first rows: later pages keep the widths (and what the user dragged).
            self.table.resizeColumnsToContents()
            self._columns_sized = True
        if self._read_error_shown:  # it is read again now; other messages (a review) stay
            self.show_status("")
            self._read_error_shown = False

    def _page_failed(self, message: str) -> None:
        self.show_status(self.tr("Could not read the inspections: %1").replace("%1", message), error=True)
        self._read_error_shown = True

    def _update_pager(self) -> None:
        m = self.model
        if m.total:
            first = m.offset + 1
            last = m.offset + m.rowCount()
            self.page_label.setText(self.tr("Page %1 of %2 · %3–%4 of %5 inspections").replace("%1", str(m.page_number()))
                                    .replace("%2", str(m.page_count())).replace("%3", str(first))
                                    .replace("%4", str(last)).replace("%5", str(m.total)))
        else:
            self.page_label.setText(self.tr("No inspections match the filters"))
        self.first_button.setEnabled(m.page_number() > 1)
        self.prev_button.setEnabled(m.page_number() > 1)
        self.next_button.setEnabled(m.page_number() < m.page_count())
        self.last_button.setEnabled(m.page_number() < m.page_count())
        self.prev_action.setEnabled(m.page_number() > 1)
        self.next_action.setEnabled(m.page_number() < m.page_count())

    def check_for_new(self) -> bool:
        """Say (in the status bar) when inspections were recorded since the last refresh."""
        try:
            newest = self.store.latest_inspection_id()
        except StoreError:
            return False
        if newest > self._newest_seen:
            self.show_status(self.tr("New inspections have been recorded: press F5 to show them."))
            return True
        return False

    # -- selection and detail ---------------------------------------------------------------

    def wait_for_page(self, msecs: int = -1) -> None:
        """Block until the requested page is shown (scripts and tests)."""
        self.model.wait(msecs)
        QCoreApplication.processEvents()  # deliver the worker's answer

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.inspection_id(index.row()) if index.isValid() else None

    def select_inspection(self, inspection_id: int) -> bool:
        """Select `inspection_id` if it is on the current page."""
        return self._select_id(inspection_id, fallback_row=None)

    def _select_id(self, inspection_id: int | None, *, fallback_row: int | None) -> bool:
        row = self.model.row_of(inspection_id) if inspection_id is not None else -1
        if row < 0 and fallback_row is not None and self.model.rowCount():
            row = min(max(fallback_row, 0), self.model.rowCount() - 1)
        if row < 0:
            self._show_detail(None)
            return False
        self._select_row(row)
        return True

    def _select_row(self, row: int) -> None:
        if not self.model.rowCount():
            self._show_detail(None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        self.table.scrollTo(index)
        self._show_detail(self.model.inspection_id(row))

    def _row_changed(self, current, _previous) -> None:
        self._show_detail(self.model.inspection_id(current.row()) if current.isValid() else None)

    def _show_detail(self, inspection_id: int | None, *, keep_message: bool = False) -> None:
        shown = self.detail.inspection["id"] if self.detail.inspection else None
        if inspection_id is None:
            self.detail.set_inspection(None)
        else:
            if inspection_id == shown and not keep_message:
                return  # already shown (selection signals repeat it)
            try:
                row = self.store.get_inspection(inspection_id)
                history = self.store.inspection_history(inspection_id)
            except StoreError as exc:
                self.detail.set_inspection(None)
                self.show_status(self.tr("Could not read inspection %1: %2").replace("%1", str(inspection_id))
                                 .replace("%2", str(exc)), error=True)
                return
            self.detail.set_inspection(row, history, keep_message=keep_message)
        if inspection_id != shown:
            self.currentInspectionChanged.emit(inspection_id or 0)

    # -- review -----------------------------------------------------------------------------

    def record_review(self, inspection_id: int, action: str, final_verdict: str | None, reason: str) -> int | None:
        """Record a review as the signed-in user; the answer (or the store's refusal) is shown
        under the review buttons. Returns the review id, or None when refused."""
        try:
            review_id = self.store.record_review(inspection_id, action, actor=self.user["username"],
                                                 reason=reason or None, final_verdict=final_verdict)
        except StoreError as exc:
            self.detail.show_message(self.tr("Not recorded: %1").replace("%1", str(exc)), error=True)
            return None
        log.info("review %d of inspection %d (%s) by %s", review_id, inspection_id, action, self.user["username"])
        self.detail.reason.clear()
        row = self.table.currentIndex().row()
        # Under "not yet reviewed" the row leaves the list: the next one comes up.
        self.model.reload(then=lambda: self._select_id(inspection_id, fallback_row=row))
        self._charts_stale = True
        if self.detail.inspection and self.detail.inspection["id"] == inspection_id:
            self._show_detail(inspection_id, keep_message=True)  # its new outcome and history
        message = (self.tr("Inspection %1: outcome confirmed.") if action == "confirm"
                   else self.tr("Inspection %1: outcome overridden.")).replace("%1", str(inspection_id))
        self.detail.show_message(message, error=False)
        self.show_status(message)
        self.reviewRecorded.emit(inspection_id, review_id)
        return review_id

    # -- export -----------------------------------------------------------------------------

    def export_csv(self) -> int | None:
        """Ask where to save, then write the filtered inspections there."""
        f = self.model.filter
        suggested = str(self.export_dir / suggested_name(f))
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the filtered inspections"), suggested,
                                              self.tr("CSV files (*.csv)"))
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        return self.export_to(path)

    def export_to(self, path: Path) -> int | None:
        """Write the inspections the current filters select (all pages) to `path` as CSV."""
        try:
            n = export_filtered(self.store, path, self.model.filter)
        except StoreError as exc:
            self.show_status(self.tr("Export failed: %1").replace("%1", str(exc)), error=True)
            return None
        self.export_dir = Path(path).parent
        self.show_status(self.tr("Exported %1 inspections to %2").replace("%1", str(n)).replace("%2", str(path)))
        return n

    # -- charts -----------------------------------------------------------------------------

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.charts and self._charts_stale:
            self._refresh_charts()

    def _refresh_charts(self) -> None:
        self.charts.refresh(self.model.filter)
        self._charts_stale = False

    # -- window -----------------------------------------------------------------------------

    def show_status(self, message: str, *, error: bool = False) -> None:
        self.status_label.setText(message)
        self.status_label.setStyleSheet(f"QLabel {{ color: {VERDICT_COLOURS['fail']}; }}" if error else "")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._shown_once:
            self.refresh()  # opened again: show what was recorded meanwhile
        self._shown_once = True
        self._new_timer.start()

    def closeEvent(self, event) -> None:
        self._new_timer.stop()
        self.close_store()
        super().closeEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("SQ-Inspect - QA review - %1").replace("%1", str(self.db_path)))
        self.tabs.setTabText(0, self.tr("&Inspections"))
        self.tabs.setTabText(1, self.tr("C&harts"))
        self.first_button.setToolTip(self.tr("First page"))
        self.prev_button.setText(self.tr("Previous"))
        self.prev_button.setToolTip(self.tr("Previous page (Ctrl+PgUp)"))
        self.next_button.setText(self.tr("Next"))
        self.next_button.setToolTip(self.tr("Next page (Ctrl+PgDown)"))
        self.last_button.setToolTip(self.tr("Last page"))
        self.first_button.setAccessibleName(self.tr("First page"))
        self.last_button.setAccessibleName(self.tr("Last page"))
        self.table.setAccessibleName(self.tr("Inspections"))
        self.model.retranslate()
        name = self.user.get("display_name") or self.user.get("username", "")
        self.user_label.setText(self.tr("Signed in as %1 (%2)").replace("%1", name).replace("%2", self.user.get("role", "")))
        self.file_menu.setTitle(self.tr("&File"))
        self.export_action.setText(self.tr("&Export filtered inspections as CSV..."))
        self.close_action.setText(self.tr("&Close"))
        self.view_menu.setTitle(self.tr("&View"))
        self.refresh_action.setText(self.tr("&Refresh"))
        self.find_action.setText(self.tr("&Search..."))
        self.reset_action.setText(self.tr("Reset &filters"))
        self.list_action.setText(self.tr("&Inspections"))
        self.charts_action.setText(self.tr("&Charts"))
        self.prev_action.setText(self.tr("&Previous page"))
        self.next_action.setText(self.tr("&Next page"))
        self.zoom_in_action.setText(self.tr("Zoom &in"))
        self.zoom_out_action.setText(self.tr("Zoom &out"))
        self.fit_action.setText(self.tr("&Fit image"))
        self.review_menu.setTitle(self.tr("&Review"))
        self.confirm_action.setText(self.tr("&Confirm outcome"))
        self.override_action.setText(self.tr("&Override outcome"))
        self.reason_action.setText(self.tr("Write a &reason"))
        self._update_pager()
