"""The recorded state of each audited entity, as the audit log stores it in `after`.

The same functions render a row when it is written and when `verify` re-reads it, so a row
edited behind the app's back no longer matches its latest audit record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from sqlite_utils import Database

# entity name in the audit log -> table
TABLES = {
    "station": "stations",
    "user": "users",
    "inspection": "inspections",
    "decision": "decisions",
    "review": "reviews",
}


def _user(row: dict) -> dict:
    # The audit log keeps a fingerprint of the password hash, not the hash itself: a change is
    # visible, the verifier is not copied into a table that is read and exported more widely.
    state = dict(row)
    state["password_hash_sha256"] = hashlib.sha256(state.pop("password_hash").encode()).hexdigest()
    return state


def render(entity: str, row: dict, qa: list | None = None) -> dict:
    if entity == "user":
        return _user(row)
    if entity == "inspection":
        return {**row, "qa": qa or []}
    return dict(row)


def load(db: Database, entity: str, entity_id: int) -> dict | None:
    rows = list(db.table(TABLES[entity]).rows_where("id = ?", [entity_id]))
    if not rows:
        return None
    qa = None
    if entity == "inspection":
        qa = [
            [r["question"], r["answer"]]
            for r in db.query(
                "SELECT question, answer FROM qa_pairs WHERE inspection_id = ? ORDER BY position",
                [entity_id],
            )
        ]
    return render(entity, rows[0], qa)


def iter_all(db: Database, entity: str) -> Iterator[tuple[int, dict]]:
    """Every row's state, in id order. Q/A pairs are merged in from one ordered scan rather than
    a query per inspection. Pairs whose inspection does not exist come out as id -> None."""
    if entity != "inspection":
        for row in db.table(TABLES[entity]).rows_where(order_by="id"):
            yield row["id"], render(entity, row)
        return
    pairs = db.execute(
        "SELECT inspection_id, question, answer FROM qa_pairs ORDER BY inspection_id, position"
    )
    pending = pairs.fetchone()
    for row in db.table("inspections").rows_where(order_by="id"):
        qa = []
        while pending is not None and pending[0] <= row["id"]:
            if pending[0] < row["id"]:
                yield pending[0], None
            else:
                qa.append([pending[1], pending[2]])
            pending = pairs.fetchone()
        yield row["id"], render(entity, row, qa)
    while pending is not None:
        yield pending[0], None
        pending = pairs.fetchone()
