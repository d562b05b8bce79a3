"""`verify`: SQLite's integrity check, the schema, the audit chain, every audited row against its
latest audit record, and every image against its sha256."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from app.hashing import sha256_file
from app.store import audit, entities, images
from app.store.errors import VerificationFailed
from app.store.schema import PROTECTED_TRIGGERS, migration_names, migrations

_END = (float("inf"), None)


def _state_problems(db, entity: str) -> Iterator[str]:
    """Merge the table's rows (id order) with the entity's latest audit states (id order)."""
    rows = entities.iter_all(db, entity)
    recorded = audit.latest_states(db, entity)
    row = next(rows, _END)
    rec = next(recorded, _END)
    while row is not _END or rec is not _END:
        if row is not _END and row[1] is None:  # Q/A pairs without their inspection
            yield f"question/answer rows refer to inspection {row[0]}, which does not exist"
            row = next(rows, _END)
        elif row[0] < rec[0]:
            yield f"{entity} {row[0]} has no audit record: it was added behind the app's back"
            row = next(rows, _END)
        elif rec[0] < row[0]:
            yield f"{entity} {rec[0]} is in the audit log but not in the database: it was deleted"
            rec = next(recorded, _END)
        else:
            if audit.canonical(row[1]) != rec[1]:
                yield f"{entity} {row[0]} differs from its audit record: it was edited behind the app's back"
            row = next(rows, _END)
            rec = next(recorded, _END)


def problems(store, *, check_images: bool = True, anchor: tuple[int, str] | None = None,
             counts: dict | None = None) -> Iterator[str]:
    """Every problem found, most fundamental first; later checks are skipped when an earlier one
    means their results could not be trusted. `anchor` is an (id, hash) noted from an earlier
    verify: whoever can write the file can also recompute the whole chain after an edit, and
    only a head kept elsewhere shows that."""
    db = store.db
    counts = counts if counts is not None else {}
    try:
        result = db.execute("PRAGMA integrity_check").fetchall()
        if result != [("ok",)]:
            yield f"integrity_check: {result[0][0]}"
            return
        fk = db.execute("PRAGMA foreign_key_check").fetchone()
        if fk:
            yield f"foreign key check: {fk[0]} row {fk[1]} refers to a missing {fk[2]} row"
        applied = [m.name for m in migrations.applied(db)]
        if applied != migration_names():
            yield f"schema: applied migrations {applied} are not {migration_names()}"
            return
        triggers = db.triggers_dict
        for name in PROTECTED_TRIGGERS:
            if name not in triggers:
                yield f"schema: trigger {name} was dropped (rows may have been edited by hand)"
        chain = list(audit.chain_problems(db))
        if chain:
            yield from chain
            return
        if anchor is not None:
            row = db.execute("SELECT hash FROM audit_log WHERE id = ?", [anchor[0]]).fetchone()
            if row is None or row[0] != anchor[1]:
                yield f"audit log: record {anchor[0]} is not the one noted earlier: the log was rewritten"
                return
        counts["audit records"] = db.table("audit_log").count
        for entity, table in entities.TABLES.items():
            yield from _state_problems(db, entity)
            counts[table] = db.table(table).count
        if check_images:
            checked = 0
            for row in db.query("SELECT id, image_file, image_sha256 FROM inspections ORDER BY id"):
                path = store.images_dir / row["image_file"]
                if not images.RELATIVE_RE.fullmatch(row["image_file"]):
                    yield f"image of inspection {row['id']} has an invalid file name: {row['image_file']!r}"
                elif not path.is_file():
                    yield f"image of inspection {row['id']} is missing: {path}"
                elif sha256_file(path) != row["image_sha256"]:
                    yield f"image of inspection {row['id']} does not match its sha256: {path}"
                checked += 1
            counts["images"] = checked
    except sqlite3.DatabaseError as exc:
        yield f"database error: {exc}"


def verify(store, *, check_images: bool = True, anchor: tuple[int, str] | None = None) -> dict:
    counts: dict = {}
    with store._read():
        found = problems(store, check_images=check_images, anchor=anchor, counts=counts)
        first = next(found, None)
        if first is not None:
            more = sum(1 for _ in found)
            raise VerificationFailed(first + (f" (and {more} more problems)" if more else ""))
        head = audit.head(store.db)
    return {"counts": counts, "audit_head": {"id": head[0], "hash": head[1]} if head else None}
