"""Schema versions: a fresh database and every older version (with data in it) migrate to the
newest; a database from a newer sqinspect is refused; concurrent first opens migrate once."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlite_utils import Database
from store_helpers import png_bytes

from app.store import Store, StoreBusy, StoreError
from app.store import store as store_module
from app.store import audit, entities, images
from app.store.bench import sample_result
from app.store.passwords import hash_password
from app.store.paths import images_dir_for
from app.store.schema import migration_names, migrations
from app.store.timestamps import utc_now


def test_fresh_database_is_at_the_newest_version(tmp_path):
    with Store(tmp_path / "new.db") as store:
        assert [m.name for m in migrations.applied(store.db)] == migration_names()
        assert {"stations", "users", "inspections", "qa_pairs", "decisions", "reviews", "audit_log"} <= set(
            store.db.table_names())
        assert "inspection_status" in store.db.view_names()
        store.verify()


def _insert(db, table: str, row: dict, who: int | None, entity: str | None = None) -> int:
    """A row plus its audit record, written with the low-level helpers as an older version did."""
    row_id = db.table(table).insert(row).last_pk
    if entity:
        audit.append(db, at=utc_now(), user_id=who, action=f"{entity}.create", entity=entity,
                     entity_id=row_id, before=None, after=entities.load(db, entity, row_id))
    return row_id


def seed_first_version(db: Database, images_dir) -> None:
    """Data as the first schema version held it. When a later migration changes tables, seed the
    older versions with the rows of their time here."""
    now = utc_now()
    admin = _insert(db, "users", {"username": "admin", "role": "admin", "password_hash": hash_password("pin-1234"),
                                  "active": 1, "created_at": now, "updated_at": now}, None, "user")
    qa = _insert(db, "users", {"username": "qa", "role": "qa", "password_hash": hash_password("pin-1234"),
                               "active": 1, "created_at": now, "updated_at": now}, admin, "user")
    station = _insert(db, "stations", {"name": "line-1", "created_at": now}, admin, "station")
    for i in (1, 2):
        result = validate_result(sample_result(i))
        image_file, sha = images.store(images_dir, png_bytes(i), "png")
        inspection = db.table("inspections").insert({
            "created_at": now, "station_id": station, "operator_id": admin, "serial": f"S{i}", "lot": None,
            "source": result["source"], "source_sha256": result["source_sha256"], "image_file": image_file,
            "image_sha256": sha, "bundle_name": result["bundle_name"], "bundle_sha256": result["bundle_sha256"],
            "description": result["description"], "verdict": result["verdict"],
            "defect_probability": result["defect_probability"], "threshold": result["threshold"],
            "latency_ms": audit.canonical(result["latency_ms"]), "latency_total_ms": result["latency_ms"]["total"],
        }).last_pk
        db.table("qa_pairs").insert_all({"inspection_id": inspection, "position": p, "question": q, "answer": a}
                                        for p, (q, a) in enumerate(result["qa"]))
        audit.append(db, at=now, user_id=admin, action="inspection.create", entity="inspection",
                     entity_id=inspection, before=None, after=entities.load(db, "inspection", inspection))
    _insert(db, "decisions", {"inspection_id": 1, "user_id": admin, "decision": "override", "final_verdict": "fail",
                              "reason": "scratch", "created_at": now}, admin, "decision")
    _insert(db, "reviews", {"inspection_id": 1, "user_id": qa, "action": "confirm", "final_verdict": "fail",
                            "reason": "", "created_at": now}, qa, "review")


def validate_result(result: dict) -> dict:
    from app.store.validate import inspection_result

    return inspection_result(result)


@pytest.mark.parametrize("stop_before", migration_names()[1:])
def test_older_version_with_data_migrates_to_the_newest(tmp_path, stop_before):
    path = tmp_path / "old.db"
    with Database(path) as db:
        migrations.apply(db, stop_before=stop_before)
        assert [m.name for m in migrations.pending(db)][0] == stop_before
        seed_first_version(db, images_dir_for(path))
    with Store(path) as store:
        assert [m.name for m in migrations.applied(store.db)] == migration_names()
        store.verify()  # the old records, their audit chain and images are intact
        got = store.get_inspection(1)
        assert (got["serial"], got["decision"], got["review"], got["final_verdict"]) == ("S1", "override", "confirm", "fail")
        assert store.find_inspections(disagreement=True).total == 1
        new = store.record_inspection(sample_result(3), png_bytes(3), operator="admin", station="line-1")
        assert store.find_inspections(unreviewed=True).total == 2 and new == 3
        store.verify()


def test_database_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.db"
    Store(path).close()
    with Database(path) as db:
        db.table(migrations.migrations_table).insert(
            {"migration_set": migrations.name, "name": "m999_from_the_future", "applied_at": utc_now()})
    with pytest.raises(StoreError, match="newer sqinspect .*m999_from_the_future"):
        Store(path)


def test_concurrent_first_opens_migrate_once(tmp_path):
    path = tmp_path / "race.db"
    barrier = threading.Barrier(4)
    errors = []

    def open_it():
        barrier.wait()
        try:
            Store(path).close()
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Store(path) as store:
        assert [m.name for m in migrations.applied(store.db)] == migration_names()


def _write_locked(path):
    """Another connection (another station) holding a write transaction on `path`."""
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_first_open_waits_for_another_writer_on_a_new_database(tmp_path):
    # SQLite refuses the switch to WAL at once (no busy timeout) while another connection holds a
    # write lock on the still rollback-mode file: the open must wait for it like any other write.
    path = tmp_path / "new.db"
    other = _write_locked(path)
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        with Store(path) as store:
            assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert [m.name for m in migrations.applied(store.db)] == migration_names()
    finally:
        release.join()
        other.close()


def test_a_lock_held_past_the_timeout_is_a_one_line_busy_error(tmp_path, monkeypatch):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 300)
    path = tmp_path / "held.db"
    Store(path).close()
    other = _write_locked(path)
    try:
        with Store(path) as store, pytest.raises(StoreBusy, match="locked by another process") as err:
            store.add_user("ann", "admin", "secret-ann-1", actor=None)
        assert "\n" not in str(err.value)
        new = tmp_path / "new.db"
        other_new = _write_locked(new)
        with pytest.raises(StoreBusy):
            Store(new)
        other_new.close()
    finally:
        other.close()
    with Store(path) as store:  # nothing was half-written; the database opens once released
        store.verify()
        assert store.list_users() == []
