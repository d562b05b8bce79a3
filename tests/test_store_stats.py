"""The QA statistics (per day, per station, defect words), filtered CSV export and the audit
history of one inspection, on a database of real inspections (see review_fixtures)."""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections import Counter, defaultdict

import pytest
from review_fixtures import DAYS, STATIONS, scenario  # noqa: F401 (scenario: a fixture)

from app.store import InvalidInput, Store
from app.store.stats import fill_days, terms_in, totals

COUNT_KEYS = ("inspections", "passes", "fails", "rejected", "model_fails", "disagreements",
              "inspector_overrides", "reviewed")


@pytest.fixture(scope="module")
def store(scenario):
    with Store(scenario.path, create=False) as s:
        yield s


def expected_stats(scenario, ids, key) -> dict:
    """Counts computed from what the builder recorded, not from the database."""
    groups: dict = defaultdict(lambda: dict.fromkeys(COUNT_KEYS, 0))
    for iid in ids:
        g = groups[key(iid)]
        outcome = scenario.outcome(iid)
        g["inspections"] += 1
        g["passes"] += outcome == "pass"
        g["fails"] += outcome == "fail"
        g["rejected"] += outcome is None
        g["model_fails"] += scenario.result[iid]["verdict"] == "fail"
        g["disagreements"] += scenario.disagreement(iid)
        g["inspector_overrides"] += scenario.decision.get(iid) == "override"
        g["reviewed"] += bool(scenario.reviews.get(iid))
    return dict(groups)


def counts(rows, key) -> dict:
    return {r[key]: {k: r[k] for k in COUNT_KEYS} for r in rows}


def test_per_day_counts_and_rates_match_what_was_recorded(store, scenario):
    rows = store.inspection_stats("day")
    assert [r["day"] for r in rows] == sorted(r["day"] for r in rows)
    expected = expected_stats(scenario, scenario.ids, lambda i: scenario.local_day(i).isoformat())
    assert counts(rows, "day") == expected
    assert len(rows) == DAYS and all(r["inspections"] == len(scenario.ids) // DAYS for r in rows)
    for r in rows:
        judged = r["passes"] + r["fails"]
        assert r["fail_rate"] == pytest.approx(r["fails"] / judged)
        assert r["disagreement_rate"] == pytest.approx(r["disagreements"] / r["inspections"])
    # The data set is not trivial: every kind of outcome and disagreement is there.
    total = totals(rows)
    assert total["inspections"] == len(scenario.ids)
    assert total["passes"] and total["fails"] and total["rejected"] == 1
    assert total["disagreements"] and total["inspector_overrides"] and total["reviewed"]


def test_per_station_counts_match(store, scenario):
    rows = store.inspection_stats("station")
    assert [r["station"] for r in rows] == list(STATIONS)
    assert counts(rows, "station") == expected_stats(scenario, scenario.ids, lambda i: scenario.station[i])
    assert totals(rows) == totals(store.inspection_stats("day"))


def test_filters_select_the_same_inspections_as_the_list(store, scenario):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    start = dt.datetime.combine(yesterday, dt.time()).astimezone()  # the QA view's local day
    cases = [
        ({"station": "line-1"}, lambda i: scenario.station[i] == "line-1"),
        ({"verdict": "fail"}, lambda i: scenario.result[i]["verdict"] == "fail"),
        ({"final_verdict": "pass"}, lambda i: scenario.outcome(i) == "pass"),
        ({"disagreement": True}, scenario.disagreement),
        ({"unreviewed": True}, lambda i: not scenario.reviews.get(i)),
        ({"since": start, "until": start + dt.timedelta(days=1)}, lambda i: scenario.local_day(i) == yesterday),
        ({"station": "line-2", "verdict": "fail"},
         lambda i: scenario.station[i] == "line-2" and scenario.result[i]["verdict"] == "fail"),
    ]
    for filters, wanted in cases:
        ids = [i for i in scenario.ids if wanted(i)]
        assert ids, filters
        rows = store.inspection_stats("station", **filters)
        assert counts(rows, "station") == expected_stats(scenario, ids, lambda i: scenario.station[i]), filters
        listed = store.find_inspections(**filters, limit=1000)
        assert sorted(r["id"] for r in listed.rows) == ids and listed.total == len(ids)


def test_days_follow_the_local_calendar(store, scenario, monkeypatch):
    """A record at 23:30 UTC is on the next day in Tokyo: the days are the QA manager's days.
    Of the two zones below, one always puts some records on another date than UTC."""
    utc = counts(store.inspection_stats("day", tz="utc"), "day")
    assert utc == expected_stats(scenario, scenario.ids, lambda i: scenario.created[i].date().isoformat())
    differed = False
    try:
        for zone in ("Etc/GMT+12", "Etc/GMT-14"):  # UTC-12 and UTC+14
            monkeypatch.setenv("TZ", zone)
            time.tzset()
            local = counts(store.inspection_stats("day"), "day")
            assert local == expected_stats(scenario, scenario.ids,
                                           lambda i: scenario.created[i].astimezone().date().isoformat()), zone
            differed |= local != utc
    finally:
        monkeypatch.undo()
        time.tzset()
    assert differed


def test_fill_days_puts_in_the_empty_days(store):
    rows = store.inspection_stats("day")
    first = dt.date.fromisoformat(rows[0]["day"]) - dt.timedelta(days=3)
    last = dt.date.fromisoformat(rows[-1]["day"]) + dt.timedelta(days=2)
    filled = fill_days(rows, first, last)
    assert [r["day"] for r in filled] == [(first + dt.timedelta(days=n)).isoformat()
                                          for n in range((last - first).days + 1)]
    by_day = {r["day"]: r for r in rows}
    for r in filled:
        if r["day"] in by_day:
            assert r == by_day[r["day"]]
        else:
            assert r["inspections"] == 0 and r["fail_rate"] is None and r["disagreement_rate"] is None
    assert fill_days(rows) == rows  # no range: from the first to the last day with data
    inner = dt.date.fromisoformat(rows[1]["day"])
    assert fill_days(rows, inner, inner) == [rows[1]]
    assert fill_days([]) == []
    assert len(fill_days([], first, first + dt.timedelta(days=6))) == 7


@pytest.mark.parametrize("answer, terms", [
    ("Yes, there is a crack at the lower right.", {"crack"}),
    ("A chipped edge.", {"chipped edge"}),
    ("No, there is no chipped edge.", set()),
    ("There is no scratch, dent or crack.", set()),
    ("No visible defects.", set()),
    ("No scratch or dent, but a burr near the bore.", {"burr"}),
    ("It isn’t scratched.", set()),
    ("A scratch-free surface.", set()),
    ("Heavy rust on the right; a deep scratch at the top.", {"rust", "scratch"}),
    ("Stains and pitting near the centre.", {"stain", "pit"}),
    ("A missing or extra hole.", {"missing or extra hole"}),
    ("Black oxide.", set()),
])
def test_defect_words_in_an_answer(answer, terms):
    assert terms_in(answer) == terms


def expected_terms(store, scenario, ids) -> Counter:
    """How many of `ids` have an answer naming each term, from the stored Q/A."""
    counter: Counter = Counter()
    for iid in ids:
        qa = store.get_inspection(iid)["qa"]
        assert [p["answer"] for p in qa] == [p["answer"] for p in scenario.result[iid]["qa"]]
        counter.update(set().union(*(terms_in(p["answer"]) for p in qa)))
    return counter


def test_defect_words_counted_per_inspection(store, scenario):
    rows = store.defect_terms(limit=100)
    expected = expected_terms(store, scenario, scenario.ids)
    assert {r["term"]: r["inspections"] for r in rows} == dict(expected)
    assert len(expected) >= 2  # the real answers of the sample parts name several defects
    assert [(-r["inspections"], -r["answers"], r["term"]) for r in rows] == sorted(
        (-r["inspections"], -r["answers"], r["term"]) for r in rows)
    for r in rows:
        assert r["answers"] >= r["inspections"]
    assert store.defect_terms(limit=2) == rows[:2]
    line1 = [i for i in scenario.ids if scenario.station[i] == "line-1"]
    assert {r["term"]: r["inspections"] for r in store.defect_terms(station="line-1", limit=100)} == \
        dict(expected_terms(store, scenario, line1))
    assert store.defect_terms(text="no such words anywhere") == []


def test_bad_arguments_are_refused(store):
    with pytest.raises(InvalidInput, match="by"):
        store.inspection_stats("week")
    with pytest.raises(InvalidInput, match="tz"):
        store.inspection_stats("day", tz="mars")
    with pytest.raises(InvalidInput, match="limit"):
        store.defect_terms(limit=0)
    with pytest.raises(InvalidInput, match="station"):
        store.inspection_stats("day", station="a b")


def test_export_writes_exactly_the_filtered_inspections(store, scenario, tmp_path):
    out = tmp_path / "fails-line-2.csv"
    n = store.export_csv(out, station="line-2", verdict="fail")
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    wanted = [i for i in scenario.ids if scenario.station[i] == "line-2" and scenario.result[i]["verdict"] == "fail"]
    assert n == len(rows) == len(wanted)
    assert [int(r["id"]) for r in rows] == wanted
    assert all(r["station"] == "line-2" and r["verdict"] == "fail" for r in rows)
    assert store.export_csv(tmp_path / "all.csv") == len(scenario.ids)


def test_history_of_one_inspection_and_stations(store, scenario):
    iid = next(i for i in scenario.ids if scenario.decision.get(i) == "override" and scenario.reviews.get(i))
    history = store.inspection_history(iid)
    assert [h["action"] for h in history] == ["inspection.create", "decision.create", "review.create"]
    assert [h["username"] for h in history] == [scenario.operator[iid], scenario.decided_by[iid], "qa2"]
    assert history[1]["after"]["decision"] == "override" and history[1]["after"]["reason"]
    assert [h["id"] for h in history] == sorted(h["id"] for h in history)
    plain = next(i for i in scenario.ids if i not in scenario.decision)
    assert [h["action"] for h in store.inspection_history(plain)] == ["inspection.create"]
    assert store.list_stations() == list(STATIONS)
