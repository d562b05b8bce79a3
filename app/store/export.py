"""`export-csv`: one row per inspection with its Q/A, decision and latest review, for QA."""

from __future__ import annotations

import csv
import json
import sys
import os
import tempfile
from pathlib import Path

from app.store import images

COLUMNS = [
    "id", "created_at", "station", "operator", "serial", "lot", "source", "image_file", "image_sha256",
    "bundle_name", "bundle_sha256", "verdict", "defect_probability", "threshold", "latency_total_ms",
    "latency_ms", "description", "qa", "decision", "decision_reason", "decided_by", "decided_at",
    "review", "review_reason", "reviewed_by", "reviewed_at", "review_count", "final_verdict",
    "disagreement",
]


# A spreadsheet runs a cell that starts with one of these as a formula; a scanned serial or a
# typed reason must never do that (CSV injection). Such text gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write(store, stream, clause: str, params: list) -> int:
    writer = csv.writer(stream)
    writer.writerow(COLUMNS)
    n = 0
    for row in store.db.query(f"SELECT * FROM inspection_status{clause} ORDER BY id", params):
        qa = [
            {"question": q["question"], "answer": q["answer"]}
            for q in store.db.query(
                "SELECT question, answer FROM qa_pairs WHERE inspection_id = ? ORDER BY position", [row["id"]]
            )
        ]
        row["qa"] = json.dumps(qa, ensure_ascii=False)
        writer.writerow([_cell(row[c]) for c in COLUMNS])
        n += 1
    return n


def export_csv(store, out: object, *, since: object = None, **filters) -> int:
    """Write the inspections that the filters select (those of Store.find_inspections: since,
    until, station, verdict, final_verdict, disagreement, unreviewed, text; all if none), oldest
    first, to `out`: a path (written atomically), '-' for stdout, or an open text stream.
    Returns the number of rows."""
    from app.store.store import _errors, filter_clause

    clause, params = filter_clause(since=since, **filters)
    with store._read():
        if out == "-" or hasattr(out, "write"):
            return _write(store, sys.stdout if out == "-" else out, clause, params)
        path = Path(out)
        with _errors(path):
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
            try:
                # utf-8-sig: Excel, which QA opens these with, reads UTF-8 (Japanese) only with a BOM.
                with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:
                    n = _write(store, f, clause, params)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            images.fsync_dir(path.parent)
        return n
