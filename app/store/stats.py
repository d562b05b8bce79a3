"""What the QA charts show: counts and rates per day or per station, and the defect words the
model names in its answers. Plain SQL over the inspection_status view.

Every function takes a WHERE clause and its parameters from `app.store.store.filter_clause`, so
the charts summarise exactly the inspections the QA view's filters select. Store methods wrap
them (Store.inspection_stats, Store.defect_terms); call them there.

Rates: `fail_rate` is fails / (passes + fails) of the current outcome (latest review, else the
inspector's decision, else the model's verdict); rejected inspections (an inspector marked the
image unusable) have no outcome and are left out of it. `disagreement_rate` is the share of all
inspections where the inspector or QA overrode the model.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable

from app.store.errors import InvalidInput

GROUPS = ("day", "station")
TIMEZONES = ("local", "utc")

# Day of a UTC timestamp: SQLite's 'localtime' uses the C library's zone of this process (the
# same one Python's datetime.astimezone() uses), daylight saving time included.
_DAY_SQL = {"local": "date(created_at, 'localtime')", "utc": "date(created_at)"}

_COUNTS_SQL = """
    count(*) AS inspections,
    coalesce(sum(final_verdict = 'pass'), 0) AS passes,
    coalesce(sum(final_verdict = 'fail'), 0) AS fails,
    coalesce(sum(final_verdict IS NULL), 0) AS rejected,
    coalesce(sum(verdict = 'fail'), 0) AS model_fails,
    coalesce(sum(disagreement), 0) AS disagreements,
    coalesce(sum(decision = 'override'), 0) AS inspector_overrides,
    coalesce(sum(review_count > 0), 0) AS reviewed
"""


def _rates(row: dict) -> dict:
    judged = row["passes"] + row["fails"]
    row["fail_rate"] = row["fails"] / judged if judged else None
    row["disagreement_rate"] = row["disagreements"] / row["inspections"] if row["inspections"] else None
    return row


def inspection_stats(db, clause: str, params: list, *, by: str = "day", tz: str = "local") -> list[dict]:
    """One row per day (`day`: 'YYYY-MM-DD' in the local or UTC calendar, ascending) or per
    station (`station`, by name) that has inspections: inspections, passes, fails, rejected
    (current outcome), model_fails (the model's verdict), disagreements, inspector_overrides,
    reviewed (at least one QA review), fail_rate and disagreement_rate (None where undefined)."""
    if by not in GROUPS:
        raise InvalidInput(f"by: expected one of {', '.join(GROUPS)}, got {by!r}")
    if tz not in TIMEZONES:
        raise InvalidInput(f"tz: expected one of {', '.join(TIMEZONES)}, got {tz!r}")
    key = f"{_DAY_SQL[tz]} AS day" if by == "day" else "station"
    group = "day" if by == "day" else "station"
    sql = f"SELECT {key}, {_COUNTS_SQL} FROM inspection_status{clause} GROUP BY {group} ORDER BY {group}"
    return [_rates(row) for row in db.query(sql, params)]


def totals(rows: Iterable[dict]) -> dict:
    """The counts and rates of several rows of inspection_stats added up (all zero if none)."""
    keys = ("inspections", "passes", "fails", "rejected", "model_fails", "disagreements",
            "inspector_overrides", "reviewed")
    out = dict.fromkeys(keys, 0)
    for row in rows:
        for k in keys:
            out[k] += row[k]
    return _rates(out)


def fill_days(rows: list[dict], first: dt.date | None = None, last: dt.date | None = None) -> list[dict]:
    """Per-day rows with the days that had no inspections put in (zero counts, no rates), from
    `first` (default: the first day with data) to `last` (default: the last), so that a chart's
    time axis has no holes. Rows outside [first, last] are dropped."""
    by_day = {dt.date.fromisoformat(r["day"]): r for r in rows}
    if not by_day and (first is None or last is None):
        return []
    first = first or min(by_day)
    last = last or max(by_day)
    out = []
    day = first
    while day <= last:
        row = by_day.get(day)
        if row is None:
            row = totals(())
            row = {"day": day.isoformat(), **row}
        out.append(row)
        day += dt.timedelta(days=1)
    return out


# -- defect words ---------------------------------------------------------------------------

# Defect words QA counts, canonical term -> the forms that name it (lower case; a form of
# several words is matched as a phrase, longest first). The terms of the synthetic-parts model
# and the common ones of metal-part inspection.
DEFECT_TERMS: dict[str, tuple[str, ...]] = {
    "scratch": ("scratch", "scratches", "scratched", "scuff", "scuffs", "scuffed"),
    "crack": ("crack", "cracks", "cracked", "fracture", "fractured"),
    "dent": ("dent", "dents", "dented"),
    "rust": ("rust", "rusty", "rusted", "corrosion", "corroded"),
    "chipped edge": ("chipped edge", "chipped edges", "chipped", "chip", "chips", "edge chip"),
    "missing or extra hole": ("missing or extra hole", "missing or extra holes"),
    "missing hole": ("missing hole", "missing holes"),
    "extra hole": ("extra hole", "extra holes"),
    "stain": ("stain", "stains", "stained", "discolouration", "discoloration", "discoloured", "discolored"),
    "burr": ("burr", "burrs"),
    "pit": ("pit", "pits", "pitting", "pitted"),
    "porosity": ("porosity", "pore", "pores", "porous"),
    "deformation": ("deformation", "deformed", "bent", "warped", "warp", "warping"),
    "contamination": ("contamination", "contaminated", "debris"),
}
# A defect word after one of these in the same sentence (up to . ; : ! ? or a "but") is negated:
# "No, there is no scratch.", "There is no scratch, dent or crack."
NEGATIONS = frozenset(("no", "not", "none", "without", "never", "nothing", "free", "isn't", "aren't",
                       "doesn't", "don't", "cannot", "can't", "nor"))
_CLAUSE_SPLIT = re.compile(r"[.;:!?\n]|\b(?:but|however|although|though)\b")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_FREE = re.compile(r"[- ]?free\b")  # "scratch-free", "rust free"


def _phrase_table(terms: dict[str, tuple[str, ...]]) -> tuple[re.Pattern, dict[str, str]]:
    forms = {form: term for term, fs in terms.items() for form in fs}
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)) + r")\b")
    return pattern, forms


_PHRASES, _FORMS = _phrase_table(DEFECT_TERMS)


@functools.lru_cache(maxsize=65536)
def terms_in(answer: str) -> frozenset[str]:
    """The defect terms an answer names and does not negate. 'Yes, there is a crack at the
    lower right.' -> {'crack'}; 'No, there is no chipped edge.' -> set(); 'Scratch-free.' -> set();
    'No scratch or dent, but a burr near the bore.' -> {'burr'}."""
    found = []
    for clause in _CLAUSE_SPLIT.split(answer.lower().replace("\u2019", "'")):
        for m in _PHRASES.finditer(clause):
            before = set(_WORD.findall(clause[: m.start()]))
            if not before & NEGATIONS and not _FREE.match(clause, m.end()):
                found.append(_FORMS[m.group(0)])
    return frozenset(found)


def defect_terms(db, clause: str, params: list, *, limit: int = 10) -> list[dict]:
    """The defect terms named in the answers of the selected inspections, most frequent first:
    `term`, `inspections` (how many inspections have at least one answer naming it) and
    `answers` (how many answers name it).

    A model repeats itself, so each distinct answer text is read once (terms_in); SQL counts the
    rest. The selection and the answer -> term pairs go into TEMP tables (this connection only,
    nothing is written to the database): a join on them stays an index lookup per Q/A pair, where
    the view in a subquery or a JSON table would be re-read for each."""
    db.execute("CREATE TEMP TABLE IF NOT EXISTS stats_selection (id INTEGER PRIMARY KEY)")
    db.execute("CREATE TEMP TABLE IF NOT EXISTS stats_answer_terms (answer TEXT NOT NULL, term TEXT NOT NULL, "
               "PRIMARY KEY (answer, term)) WITHOUT ROWID")
    try:
        db.execute(f"INSERT INTO temp.stats_selection SELECT id FROM inspection_status{clause}", params)
        answers = [r[0] for r in db.execute(
            "SELECT DISTINCT q.answer FROM temp.stats_selection s JOIN qa_pairs q ON q.inspection_id = s.id")]
        pairs = [(answer, term) for answer in answers for term in terms_in(answer)]
        if not pairs:
            return []
        db.conn.executemany("INSERT INTO temp.stats_answer_terms (answer, term) VALUES (?, ?)", pairs)
        return list(db.query(
            """
            SELECT t.term AS term, count(DISTINCT q.inspection_id) AS inspections, count(*) AS answers
            FROM temp.stats_selection s
            JOIN qa_pairs q ON q.inspection_id = s.id
            JOIN temp.stats_answer_terms t ON t.answer = q.answer
            GROUP BY t.term
            ORDER BY inspections DESC, answers DESC, term
            LIMIT ?
            """, [limit]))
    finally:
        db.execute("DELETE FROM temp.stats_selection")
        db.execute("DELETE FROM temp.stats_answer_terms")
