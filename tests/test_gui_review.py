"""The QA review window (pytest-qt, offscreen) on a database of real inspections: filters,
paging, the detail pane, reviews and refusals, CSV export, charts, keyboard, language change."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pytest
from PySide6.QtCore import QDate, QPoint, QPointF, Qt, QTranslator
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QFileDialog
from review_fixtures import PASSWORD, STATIONS, copy_db, inspected_samples, scenario  # noqa: F401 (a fixture)

from app.gui.image_view import ImageView
from app.gui.review import ReviewFilter, ReviewWindow, export_filtered
from app.gui.review.__main__ import main as review_main
from app.gui.review.charts import ChartsPanel, nice_ticks
from app.gui.review.model import COLUMNS, InspectionTableModel
from app.store import Store

PAGE = 10


@pytest.fixture(scope="module")
def users(scenario):
    with Store(scenario.path, create=False) as store:
        return {name: store.authenticate(name, PASSWORD) for name in ("qa", "qa2", "ins1", "admin")}


@pytest.fixture
def db(scenario, tmp_path):
    """A copy of the scenario's database for a test that writes."""
    return copy_db(scenario.path, tmp_path / "copy")


@pytest.fixture
def open_window(qtbot, scenario, users):
    def make(user="qa", path=None) -> ReviewWindow:
        window = ReviewWindow(path or scenario.path, users[user], page_size=PAGE)
        qtbot.addWidget(window)
        window.show()
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)  # for the window's shortcuts
        window.wait_for_page()
        return window

    return make


def shown_ids(window: ReviewWindow) -> list[int]:
    return window.model.ids()


def all_ids(window: ReviewWindow) -> list[int]:
    """Every id the filter selects, page by page through the pager buttons."""
    window.first_button.click()
    window.wait_for_page()
    ids = list(shown_ids(window))
    while window.next_button.isEnabled():
        window.next_button.click()
        window.wait_for_page()
        ids += shown_ids(window)
    return ids


def select(window: ReviewWindow, iid: int) -> None:
    """Select `iid`, paging to it first."""
    window.first_button.click()
    window.wait_for_page()
    while not window.select_inspection(iid):
        assert window.next_button.isEnabled(), f"inspection {iid} is not listed"
        window.next_button.click()
        window.wait_for_page()


def test_pages_through_every_inspection_newest_first(open_window, scenario, qtbot):
    w = open_window()
    n = len(scenario.ids)
    assert w.model.total == n and w.model.rowCount() == PAGE
    assert shown_ids(w) == sorted(scenario.ids, reverse=True)[:PAGE]
    assert w.page_label.text() == f"Page 1 of 3 · 1–{PAGE} of {n} inspections"
    assert not w.prev_button.isEnabled() and w.next_button.isEnabled()
    assert w.detail.inspection["id"] == max(scenario.ids)  # the first row is selected and shown
    assert all_ids(w) == sorted(scenario.ids, reverse=True)
    assert w.model.page_number() == 3 and w.model.rowCount() == n - 2 * PAGE
    assert not w.next_button.isEnabled() and w.last_button.isEnabled() is False
    # Keyboard: Ctrl+PgUp / Ctrl+PgDown move between pages.
    qtbot.keyClick(w.table, Qt.Key_PageUp, Qt.ControlModifier)
    w.wait_for_page()
    assert w.model.page_number() == 2
    qtbot.keyClick(w.table, Qt.Key_PageDown, Qt.ControlModifier)
    w.wait_for_page()
    assert w.model.page_number() == 3
    w.first_button.click()
    w.wait_for_page()
    assert w.model.page_number() == 1 and w.table.currentIndex().row() == 0


def test_header_click_sorts_all_pages_and_refresh_keeps_the_order(open_window, scenario, qtbot):
    w = open_window()
    header = w.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (COLUMNS.index("time"), Qt.DescendingOrder)
    column = COLUMNS.index("probability")

    def click_and_read() -> list[dict]:
        keep = w.current_id()
        qtbot.mouseClick(header.viewport(), Qt.LeftButton,
                         pos=QPoint(header.sectionViewportPosition(column) + 4, header.height() // 2))
        w.wait_for_page()
        assert w.model.page_number() == 1
        # The selected part stays selected when it is on the new first page, else the first row.
        assert w.current_id() == (keep if keep in w.model.ids() else w.model.ids()[0])
        rows = []
        while True:
            rows += [w.model.row_data(r) for r in range(w.model.rowCount())]
            if not w.next_button.isEnabled():
                return rows
            w.next_button.click()
            w.wait_for_page()

    for _ in range(2):  # the second click turns the order round
        rows = click_and_read()
        descending = header.sortIndicatorOrder() == Qt.DescendingOrder
        assert w.model.sort_order == ("probability", descending)
        p = [r["defect_probability"] for r in rows]
        assert p == sorted(p, reverse=descending) and p[0] != p[-1]  # across pages, not within one
        assert sorted(r["id"] for r in rows) == sorted(scenario.ids)
    w.refresh()
    w.wait_for_page()
    page = [w.model.row_data(r)["defect_probability"] for r in range(w.model.rowCount())]
    assert page == sorted(page, reverse=descending) and w.model.page_number() == w.model.page_count()


def test_filters_change_the_rows(open_window, scenario, qtbot):
    w = open_window()
    bar = w.filter_bar
    newest_first = sorted(scenario.ids, reverse=True)

    def expect(pred):
        return [i for i in newest_first if pred(i)]

    bar.station.setCurrentIndex(bar.station.findData("line-1"))
    assert all_ids(w) == expect(lambda i: scenario.station[i] == "line-1")
    assert {w.model.row_data(r)["station"] for r in range(w.model.rowCount())} == {"line-1"}
    bar.verdict.setCurrentIndex(bar.verdict.findData("fail"))
    assert all_ids(w) == expect(lambda i: scenario.station[i] == "line-1" and scenario.result[i]["verdict"] == "fail")
    bar.reset_button.click()
    assert all_ids(w) == newest_first

    bar.final_verdict.setCurrentIndex(bar.final_verdict.findData("pass"))
    assert all_ids(w) == expect(lambda i: scenario.outcome(i) == "pass")
    bar.reset()
    bar.disagreement.setChecked(True)
    assert all_ids(w) == expect(scenario.disagreement) and len(all_ids(w)) >= 3
    bar.disagreement.setChecked(False)
    bar.unreviewed.setChecked(True)
    assert all_ids(w) == expect(lambda i: not scenario.reviews.get(i))
    bar.unreviewed.setChecked(False)

    # Text search (after a pause in typing, or at once with Enter) in the questions and answers:
    # two defect words that the model's texts name for some parts but not all.
    def mentioning(word):
        return expect(lambda i: word in (scenario.result[i]["description"] + " ".join(
            p["question"] + " " + p["answer"] for p in scenario.result[i]["qa"])).lower())

    words = [word for word in ("crack", "scratch", "rust", "dent", "stain", "chip", "burr", "hole")
             if 0 < len(mentioning(word)) < len(newest_first)]
    assert len(words) >= 2, words
    first, second = words[0], next(word for word in words[1:] if mentioning(word) != mentioning(words[0]))
    qtbot.keyClicks(bar.search, first)
    qtbot.keyClick(bar.search, Qt.Key_Return)
    assert all_ids(w) == mentioning(first)
    bar.search.clear()
    with qtbot.waitSignal(bar.changed, timeout=2000):
        qtbot.keyClicks(bar.search, second)  # no Enter: the pause triggers it
    assert all_ids(w) == mentioning(second)
    bar.search.clear()
    qtbot.keyClick(bar.search, Qt.Key_Return)

    # A custom date range: yesterday only (this computer's calendar day).
    yesterday = dt.date.today() - dt.timedelta(days=1)
    bar.period.setCurrentIndex(bar.period.findData("custom"))
    bar.period.activated.emit(bar.period.currentIndex())
    bar.first.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    bar.last.setDate(QDate(yesterday.year, yesterday.month, yesterday.day))
    assert all_ids(w) == expect(lambda i: scenario.local_day(i) == yesterday)
    assert 0 < w.model.total < len(scenario.ids)

    # Nothing matches: an empty list, an empty detail pane, a plain message.
    bar.set_filter(ReviewFilter(station="line-2", text="no such text in any answer"))
    w.wait_for_page()
    assert w.model.total == 0 and w.detail.inspection is None
    assert w.page_label.text() == "No inspections match the filters"
    assert not w.detail.confirm_button.isEnabled()
    assert w.filter_bar.filter().station == "line-2"
    assert [w.filter_bar.station.itemData(i) for i in range(1, w.filter_bar.station.count())] == list(STATIONS)


def test_pages_are_read_off_the_gui_thread_and_only_the_latest_is_shown(scenario, qtbot, monkeypatch, tmp_path):
    import threading

    readers = []
    original = Store.find_inspections

    def find(self, **query):
        readers.append(threading.current_thread())
        return original(self, **query)

    monkeypatch.setattr(Store, "find_inspections", find)
    model = InspectionTableModel(scenario.path, page_size=PAGE)
    shown = []
    model.set_filter(ReviewFilter(station="line-1"), then=lambda: shown.append("line-1"))
    with qtbot.waitSignal(model.loaded):
        model.set_filter(ReviewFilter(station="line-2"), then=lambda: shown.append("line-2"))
    model.wait()
    qtbot.wait(50)
    assert shown == ["line-2"] and not model.loading  # the first answer (if read at all) was dropped
    assert {model.row_data(r)["station"] for r in range(model.rowCount())} == {"line-2"}
    assert model.total == sum(1 for i in scenario.ids if scenario.station[i] == "line-2")
    assert readers and threading.main_thread() not in readers

    gone = InspectionTableModel(tmp_path / "not-there.db")
    with qtbot.waitSignal(gone.failed) as failed:
        gone.load(0)
    assert "no database at" in failed.args[0] and gone.rowCount() == 0 and not gone.loading


def test_detail_shows_the_image_the_qa_and_the_history(open_window, scenario):
    w = open_window()
    iid = next(i for i in scenario.ids if scenario.decision.get(i) == "override" and scenario.reviews.get(i))
    select(w, iid)
    d = w.detail
    result = scenario.result[iid]
    assert d.inspection["id"] == iid and d.title.text() == f"Inspection {iid}"
    assert scenario.station[iid] in d.subtitle.text() and scenario.operator[iid] in d.subtitle.text()
    image = d.image.image()
    assert image is not None and (image.width(), image.height()) == (128, 128)
    assert d.image_info.text() == "128 × 128 px"
    info = d.info.toPlainText()
    assert result["description"] in info
    for pair in result["qa"]:
        assert pair["question"] in info and pair["answer"] in info
    assert d.model_chip.verdict == result["verdict"] and d.model_chip.text() == result["verdict"].upper()
    assert d.outcome_chip.verdict == scenario.outcome(iid)
    assert "overrode to" in d.decision_text.text() and "by eye" in d.decision_text.text()
    # History from the audit trail: created, decided (with the reason), reviewed by qa2.
    assert [h["action"] for h in d.history] == ["inspection.create", "decision.create", "review.create"]
    assert f"{scenario.operator[iid]} inspected the part" in info
    assert f"{scenario.decided_by[iid]} overrode the model to" in info and "by eye" in info
    assert "qa2 confirmed the outcome" in info
    assert f"audit record {d.history[-1]['id']}" in info
    # The table row says the same.
    row = w.model.row_of(iid)
    assert w.model.index(row, COLUMNS.index("review")).data() == "confirmed (qa2)"
    assert w.model.index(row, COLUMNS.index("outcome")).data().endswith("⚠")  # a disagreement


def test_confirm_and_override_are_recorded_and_audited(open_window, scenario, db, qtbot):
    w = open_window("qa", db)
    iid = next(i for i in sorted(scenario.ids, reverse=True)
               if not scenario.reviews.get(i) and scenario.decided_by.get(i, "") != "qa"
               and scenario.outcome(i) is not None)
    select(w, iid)
    d = w.detail
    outcome = scenario.outcome(iid)
    assert d.confirm_button.isEnabled() and d.confirm_button.text() == f"&Confirm {outcome.upper()}"
    flip = {"pass": "fail", "fail": "pass"}[outcome]
    override = d.override_pass_button if flip == "pass" else d.override_fail_button
    same = d.override_fail_button if flip == "pass" else d.override_pass_button
    assert override.isEnabled() and not same.isEnabled()

    with qtbot.waitSignal(w.reviewRecorded) as signal:
        qtbot.mouseClick(d.confirm_button, Qt.LeftButton)
    assert signal.args[0] == iid
    with Store(db, create=False) as store:
        shown = store.get_inspection(iid)
        assert [(r["action"], r["reviewed_by"], r["final_verdict"]) for r in shown["reviews"]] == [
            ("confirm", "qa", outcome)]
        audit = store.audit_trail(entity="review", entity_id=signal.args[1])
        assert audit[0]["username"] == "qa" and audit[0]["after"]["action"] == "confirm"
    assert d.message.isVisible() and "confirmed" in d.message.text()
    assert "qa confirmed the outcome" in d.info.toPlainText()
    w.wait_for_page()
    assert w.model.index(w.model.row_of(iid), COLUMNS.index("review")).data() == "confirmed (qa)"

    # An override without a reason is not sent to the store.
    override.click()
    assert "needs a reason" in d.message.text()
    with Store(db, create=False) as store:
        assert len(store.get_inspection(iid)["reviews"]) == 1
    # With a reason (typed, then Ctrl+Shift+Enter), the outcome flips and the reason is kept.
    d.reason.setFocus()
    qtbot.keyClicks(d.reason, "burr on the bore seen under the lamp")
    with qtbot.waitSignal(w.reviewRecorded) as signal:
        qtbot.keyClick(d.reason, Qt.Key_Return, Qt.ControlModifier | Qt.ShiftModifier)
    with Store(db, create=False) as store:
        shown = store.get_inspection(iid)
        assert shown["final_verdict"] == flip and shown["disagreement"]
        last = shown["reviews"][-1]
        assert (last["action"], last["reason"], last["final_verdict"]) == (
            "override", "burr on the bore seen under the lamp", flip)
        trail = store.inspection_history(iid)
        assert trail[-1]["action"] == "review.create" and trail[-1]["after"]["reason"] == last["reason"]
    assert d.outcome_chip.verdict == flip and d.reason.text() == ""
    assert "burr on the bore" in d.info.toPlainText()
    w.wait_for_page()
    assert w.model.index(w.model.row_of(iid), COLUMNS.index("outcome")).data().startswith(flip.upper())


def test_own_decision_and_refusals_are_shown_not_recorded(open_window, scenario, db):
    w = open_window("qa", db)
    own = next(i for i in scenario.ids if scenario.decided_by.get(i) == "qa")
    select(w, own)
    d = w.detail
    assert not d.confirm_button.isEnabled() and not d.override_pass_button.isEnabled()
    assert d.hint.isVisibleTo(w) and "another QA user must review it" in d.hint.text()
    # Should a request get through (a shortcut, a race), the store refuses and the window says why.
    assert w.record_review(own, "confirm", None, "") is None
    assert d.message.isVisibleTo(w) and "made the decision" in d.message.text()
    assert d.message.text().startswith("Not recorded:")

    # An admin disables the QA user meanwhile: the store refuses the next review.
    other = next(i for i in scenario.ids if scenario.decided_by.get(i) != "qa" and not scenario.reviews.get(i))
    select(w, other)
    with Store(db, create=False) as admin_side:
        admin_side.disable_user("qa", actor="admin")
    w.detail.confirm_button.click()
    assert "disabled" in d.message.text()
    with Store(db, create=False) as store:
        assert store.get_inspection(other)["reviews"] == []
        assert store.get_inspection(own)["reviews"] == []


def test_an_inspector_sees_but_cannot_review(open_window, scenario):
    w = open_window("ins1")
    assert w.detail.inspection is not None
    assert not any(b.isEnabled() for b in (w.detail.confirm_button, w.detail.override_pass_button,
                                           w.detail.override_fail_button))
    assert "only QA and admin users review" in w.detail.hint.text()
    assert w.user_label.text() == "Signed in as Aiko Inspector (inspector)"


def test_review_queue_moves_on_to_the_next_part(open_window, scenario, db):
    w = open_window("qa2", db)
    w.filter_bar.unreviewed.setChecked(True)
    w.wait_for_page()
    before = w.model.total
    queue = [i for i in sorted(scenario.ids, reverse=True) if not scenario.reviews.get(i)]
    assert shown_ids(w) == queue[:PAGE] and w.detail.inspection["id"] == queue[0]
    w.detail.confirm_button.click()
    assert w.model.loading  # the list is read again in the background
    w.wait_for_page()
    assert w.model.total == before - 1
    assert shown_ids(w)[0] == queue[1] and w.detail.inspection["id"] == queue[1]
    assert f"Inspection {queue[0]}: outcome confirmed." in w.status_label.text()


def test_csv_export_holds_exactly_the_filtered_rows(open_window, scenario, tmp_path, monkeypatch):
    w = open_window()
    bar = w.filter_bar
    bar.verdict.setCurrentIndex(bar.verdict.findData("fail"))
    bar.unreviewed.setChecked(True)
    wanted = [i for i in scenario.ids if scenario.result[i]["verdict"] == "fail" and not scenario.reviews.get(i)]
    assert len(wanted) > PAGE  # more than one page: the export is not just the page shown

    chosen = tmp_path / "unreviewed fails"  # the dialog's answer; the window adds .csv
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(chosen), "")))
    assert w.export_csv() == len(wanted)
    path = chosen.with_name(chosen.name + ".csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [int(r["id"]) for r in rows] == wanted
    assert {(r["verdict"], r["review_count"]) for r in rows} == {("fail", "0")}
    assert str(path) in w.status_label.text() and f"Exported {len(wanted)} inspections" in w.status_label.text()

    # The dialog cancelled: nothing written. A folder that is not there: said, not raised.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: ("", "")))
    assert w.export_csv() is None
    assert w.export_to(tmp_path / "missing" / "x.csv") is None
    assert w.status_label.text().startswith("Export failed:")

    # The plain function, with a text filter.
    with Store(scenario.path, create=False) as store:
        out = tmp_path / "stains.csv"
        n = export_filtered(store, out, ReviewFilter(text="stain"))
        ids = {int(r["id"]) for r in csv.DictReader(out.open(encoding="utf-8-sig", newline=""))}
        assert n == len(ids) and ids == {r["id"] for r in store.find_inspections(text="stain", limit=1000).rows}


def test_charts_show_the_store_statistics_of_the_filter(open_window, scenario, qtbot):
    w = open_window()
    c = w.charts
    with qtbot.waitSignal(c.updated):  # read in a worker thread
        qtbot.keyClick(w.table, Qt.Key_2, Qt.ControlModifier)
    assert w.tabs.currentWidget() is w.charts and not c.loading and not c.error
    with Store(scenario.path, create=False) as store:
        query = w.filter_bar.filter().query()
        assert c.by_day == store.inspection_stats("day", **query)
        assert c.by_station == store.inspection_stats("station", **query)
        assert c.terms == store.defect_terms(limit=10, **query)
    n = len(scenario.ids)
    assert c.summary["inspections"] == n and c.summary_label.text().startswith(f"{n} inspections")
    # The day chart covers the whole 30-day period, one bar a day, empty days included.
    days = c.day_chart.rows
    assert len(days) == 30 and days[-1]["day"] == dt.date.today().isoformat()
    assert sum(d["inspections"] for d in days) == n
    assert [d["inspections"] for d in days if d["inspections"]] == [n // 3] * 3
    assert c.station_chart.categories == list(STATIONS)
    assert [r["station"] for r in c.station_chart.rows] == list(STATIONS)
    assert c.terms_chart.rows == c.terms and c.terms
    for chart in (c.day_chart, c.station_chart, c.disagreement_chart, c.terms_chart):
        assert chart.grab().width() > 0  # paints without error
    # The hover tooltip is about the bar under the pointer.
    chart = c.station_chart
    chart.grab()
    x = chart._plot.left() + chart._plot.width() * 0.75
    assert chart.index_at(x) == 1
    assert chart.tooltip_fn(chart.rows[1]).startswith("line-2\n12 inspections")

    # A filter change redraws the charts with the new selection.
    with qtbot.waitSignal(c.updated):
        w.filter_bar.station.setCurrentIndex(w.filter_bar.station.findData("line-1"))
    assert c.summary["inspections"] == sum(1 for i in scenario.ids if scenario.station[i] == "line-1")
    assert [r["station"] for r in c.by_station] == ["line-1"]


def test_charts_draw_only_the_latest_request_and_say_what_failed(scenario, qtbot, tmp_path):
    panel = ChartsPanel(scenario.path)
    qtbot.addWidget(panel)
    seen = []
    panel.updated.connect(lambda: seen.append([r["station"] for r in panel.by_station]))
    panel.refresh(ReviewFilter(station="line-1"))
    assert panel.loading and panel.summary_label.text() == "Reading the statistics..."
    with qtbot.waitSignal(panel.updated):
        panel.refresh(ReviewFilter(station="line-2"))
    panel.wait()
    qtbot.wait(50)
    assert seen == [["line-2"]]  # the first answer (if it was computed at all) was not drawn
    gone = ChartsPanel(tmp_path / "not-there.db")
    qtbot.addWidget(gone)
    with qtbot.waitSignal(gone.updated):
        gone.refresh()
    assert gone.error and gone.summary_label.text().startswith("Could not read the statistics: no database at")


def test_keyboard_search_refresh_and_new_inspections(open_window, scenario, db, qtbot):
    w = open_window("qa", db)
    w.table.setFocus()
    qtbot.keyClick(w.table, Qt.Key_F, Qt.ControlModifier)
    assert QApplication.focusWidget() is w.filter_bar.search
    # Tab goes from the list to the image, the reason and the review buttons.
    select(w, next(i for i in sorted(scenario.ids, reverse=True) if scenario.decided_by.get(i) != "qa"))
    w.table.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        order.append(QApplication.focusWidget())
    d = w.detail
    assert order == [d.image, d.reason, d.confirm_button, d.override_pass_button if d.override_pass_button.isEnabled()
                     else d.override_fail_button]
    # Arrow keys in the table move the detail pane along.
    w.select_inspection(shown_ids(w)[0])
    w.table.setFocus()
    first = w.detail.inspection["id"]
    qtbot.keyClick(w.table, Qt.Key_Down)
    selected = w.detail.inspection["id"]
    assert selected == shown_ids(w)[1] != first

    # The station records another part: the window notices, F5 shows it.
    assert not w.check_for_new()
    name, result, image = inspected_samples()[0]
    with Store(db, create=False) as station:
        new_id = station.record_inspection(result, image, operator="ins1", station="line-1")
    assert w.check_for_new() and "press F5" in w.status_label.text()
    total = w.model.total
    qtbot.keyClick(w.table, Qt.Key_F5)
    w.wait_for_page()
    assert w.model.total == total + 1 and shown_ids(w)[0] == new_id
    assert w.detail.inspection["id"] == selected == w.current_id()  # the selection stayed on its part


def test_window_closes_its_store_and_reopens_it(open_window, scenario):
    w = open_window()
    w.close()
    assert w._store is None
    w.show()
    w.wait_for_page()
    assert w._store is not None and w.model.total == len(scenario.ids)


class _Marking(QTranslator):
    """A 'language' that marks every string of ours, to see that each widget retranslates."""

    def translate(self, context, source, disambiguation=None, n=-1):
        return f"«{source}»" if context and not context.startswith("Q") else ""

    def isEmpty(self) -> bool:
        return False  # else installing it sends no LanguageChange


def test_language_change_retranslates_every_part(open_window, qtbot):
    w = open_window()
    app = QApplication.instance()
    translator = _Marking()
    app.installTranslator(translator)
    try:
        qtbot.waitUntil(lambda: w.windowTitle().startswith("«"))
        assert w.tabs.tabText(1) == "«C&harts»"
        assert w.model.headerData(COLUMNS.index("outcome"), Qt.Horizontal) == "«Outcome»"
        assert w.model.index(0, COLUMNS.index("verdict")).data() in ("«PASS»", "«FAIL»")  # cells too
        assert w.filter_bar.unreviewed.text() == "«&Not yet reviewed»"
        assert w.filter_bar.period.currentText() == "«Last 30 days»"
        assert w.detail.review_box.title() == "«QA review»"
        assert w.detail.title.text().startswith("«Inspection")
        assert w.charts.day_chart.title == "«Inspections and fail rate per day»"
        assert w.detail.image.accessibleName() == "«Part image»"
        assert w.review_menu.title() == "«&Review»"
    finally:
        app.removeTranslator(translator)
    qtbot.waitUntil(lambda: not w.windowTitle().startswith("«"))
    assert w.tabs.tabText(1) == "C&harts"


def test_image_view_zooms_by_keys_wheel_and_fits(qtbot):
    view = ImageView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    assert view.image() is None
    view.set_bgr(None, "no picture")
    assert view.placeholder() == "no picture"
    frame = np.zeros((60, 80, 3), np.uint8)
    frame[10:20, 10:20] = (0, 0, 255)
    view.set_bgr(frame)
    frame[:] = 255  # the view holds its own copy
    assert view.image().pixelColor(15, 15).red() == 255 and view.image().pixelColor(15, 15).blue() == 0
    fit = view.zoom()
    assert view.fitted() and 3 < fit < 5  # 80x60 in about 400x300
    view.setFocus()
    qtbot.keyClick(view, Qt.Key_Plus)
    assert view.zoom() == pytest.approx(fit * 1.25) and not view.fitted()
    qtbot.keyClick(view, Qt.Key_1)
    assert view.zoom() == pytest.approx(1.0)
    qtbot.keyClick(view, Qt.Key_0)
    assert view.zoom() == pytest.approx(fit) and view.fitted()
    qtbot.keyClick(view, Qt.Key_Minus)
    assert view.zoom() == pytest.approx(fit / 1.25)
    centre = QPointF(view.viewport().rect().center())
    wheel = QWheelEvent(centre, QPointF(view.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, 240),
                        Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), wheel)
    assert view.zoom() == pytest.approx(fit / 1.25 * 1.25 ** 2)
    for _ in range(40):
        view.zoom_in()
    assert view.zoom() == pytest.approx(64.0)  # capped
    view.resize(800, 600)
    view.fit_to_view()
    qtbot.waitUntil(lambda: view.zoom() > fit * 1.5)


def test_nice_ticks():
    assert nice_ticks(8, 4, integer=True) == [0, 2, 4, 6, 8]
    assert nice_ticks(3, 4, integer=True) == [0, 1, 2, 3]
    assert nice_ticks(12, 4, integer=True) == [0, 5, 10, 15]
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(0.7, 5) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])


def test_entry_point_renders_a_screenshot(scenario, tmp_path, monkeypatch, qapp):
    monkeypatch.setenv("SQINSPECT_PASSWORD", PASSWORD)
    out = tmp_path / "review.png"
    assert review_main(["--db", str(scenario.path), "--user", "qa", "--system-theme", "--size", "1200x800",
                        "--screenshot", str(out), "--charts"]) == 0
    from PySide6.QtGui import QImage

    shot = QImage(str(out))
    assert (shot.width(), shot.height()) == (1200, 800)
    monkeypatch.setenv("SQINSPECT_PASSWORD", "wrong")
    assert review_main(["--db", str(scenario.path), "--user", "qa", "--system-theme",
                        "--screenshot", str(out)]) == 2
    assert review_main(["--db", str(tmp_path / "none.db"), "--user", "qa", "--system-theme",
                        "--screenshot", str(out)]) == 2
