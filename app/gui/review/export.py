"""CSV export of what the QA view's filters select."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from app.gui.review.filters import ReviewFilter
from app.store import Store


def export_filtered(store: Store, path: str | Path, f: ReviewFilter) -> int:
    """Write every inspection `f` selects (all pages, oldest first; the columns of `sqinspect db
    export-csv`, UTF-8 with BOM for Excel) to `path`, atomically. Returns the number of rows."""
    return store.export_csv(Path(path), **f.query())


def suggested_name(f: ReviewFilter, *, today: dt.date | None = None) -> str:
    """inspections_2025-03-01_2025-03-31.csv, inspections_line-1_all-dates.csv, ..."""
    parts = ["inspections"]
    if f.station:
        parts.append(f.station)
    if f.first_day or f.last_day:
        parts.append(f"{f.first_day or 'start'}_{f.last_day or today or dt.date.today()}")
    else:
        parts.append("all-dates")
    return "_".join(parts) + ".csv"
