"""The append-only, hash-chained audit log.

Each row's hash is sha256 over the previous row's hash and every field of the row (its id
included), so editing, deleting or reordering any row breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from sqlite_utils import Database

GENESIS = "0" * 64


def canonical(value: object) -> str:
    """One JSON text per value: sorted keys, no spaces, UTF-8, no NaN."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def row_hash(row: dict) -> str:
    fields = [row[k] for k in ("prev_hash", "id", "at", "user_id", "action", "entity", "entity_id",
                               "before", "after")]
    return hashlib.sha256(canonical(fields).encode("utf-8")).hexdigest()


def append(
    db: Database,
    *,
    at: str,
    user_id: int | None,
    action: str,
    entity: str,
    entity_id: int,
    before: dict | None,
    after: dict | None,
) -> int:
    """Append one row. Call inside a write transaction (BEGIN IMMEDIATE), which makes reading
    the chain head and appending after it one step for concurrent writers."""
    head = db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = {
        "id": head[0] + 1 if head else 1,
        "at": at,
        "user_id": user_id,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "before": None if before is None else canonical(before),
        "after": None if after is None else canonical(after),
        "prev_hash": head[1] if head else GENESIS,
    }
    row["hash"] = row_hash(row)
    db.table("audit_log").insert(row)
    return row["id"]


def head(db: Database) -> tuple[int, str] | None:
    """(id, hash) of the newest record: note it down (or keep a backup) to detect a rollback of
    the whole tail, the one edit a chain stored in the same file cannot show by itself."""
    return db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()


def latest_states(db: Database, entity: str) -> Iterator[tuple[int, str | None]]:
    """(entity_id, `after` of its newest record) for one entity, in entity_id order."""
    return db.execute(
        "SELECT entity_id, after FROM audit_log WHERE id IN "
        "(SELECT max(id) FROM audit_log WHERE entity = ? GROUP BY entity_id) ORDER BY entity_id",
        [entity],
    )


def chain_problems(db: Database) -> Iterator[str]:
    """Walk the chain from the first record; yield the first break, if any."""
    prev = GENESIS
    expected_id = 1
    last_id = 0
    for row in db.table("audit_log").rows_where(order_by="id"):
        if row["id"] != expected_id:
            yield f"audit log: record {expected_id} is missing (next is {row['id']}): rows were deleted"
            return
        if row["prev_hash"] != prev:
            yield f"audit log: record {row['id']} does not follow record {row['id'] - 1} (chain broken)"
            return
        if row_hash(row) != row["hash"]:
            yield f"audit log: record {row['id']} was altered (hash mismatch)"
            return
        prev = row["hash"]
        expected_id += 1
        last_id = row["id"]
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if (seq[0] if seq else 0) != last_id:
        yield (
            f"audit log: ends at record {last_id} but record {seq[0] if seq else 0} was written: "
            "the newest records were deleted"
        )
