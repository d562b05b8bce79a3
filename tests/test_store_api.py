"""The store's API: inspections, decisions, reviews, users and roles, QA-view queries, sweep,
export and backup, default locations."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import sqlite3
import time
from pathlib import Path

import pytest
from store_helpers import png_bytes
from store_helpers_fixtures import record, store, template_db  # noqa: F401 (fixtures)

from app.store import (
    InvalidInput,
    NotFound,
    PermissionDenied,
    Store,
    StoreError,
    default_data_dir,
    default_db_path,
)
from app.store.bench import sample_result


def test_inspection_round_trip(store):
    result = sample_result(7)
    image = png_bytes(7)
    iid = store.record_inspection(result, image, operator="ins", serial="SN-1", lot="LOT-9", station="line-2")
    got = store.get_inspection(iid)
    assert got["source"] == result["image"] and got["source_sha256"] == result["image_sha256"]
    assert got["description"] == result["description"]
    assert got["qa"] == result["qa"]
    assert got["verdict"] == result["verdict"] and got["final_verdict"] == result["verdict"]
    assert got["defect_probability"] == result["defect_probability"]
    assert got["threshold"] == result["threshold"]
    assert got["latency_ms"] == result["latency_ms"] and got["latency_total_ms"] == result["latency_ms"]["total"]
    assert (got["bundle_name"], got["bundle_sha256"]) == (result["bundle"]["name"], result["bundle"]["sha256"])
    assert (got["operator"], got["serial"], got["lot"], got["station"]) == ("ins", "SN-1", "LOT-9", "line-2")
    assert got["decision"] is None and got["reviews"] == [] and got["disagreement"] is False
    assert got["created_at"].endswith("Z") and dt.datetime.fromisoformat(got["created_at"][:-1])
    path = Path(got["image_path"])
    assert path.read_bytes() == image
    assert got["image_sha256"] == hashlib.sha256(image).hexdigest() and path.suffix == ".png"


def test_array_images_are_encoded_as_jpeg(store):
    cv2 = pytest.importorskip("cv2")
    np = pytest.importorskip("numpy")
    frame = np.zeros((48, 64, 3), np.uint8)
    frame[:, 32:] = (0, 0, 255)
    iid = store.record_inspection(sample_result(1), frame, operator="ins")
    path = Path(store.get_inspection(iid)["image_path"])
    assert path.suffix == ".jpg"
    decoded = cv2.imread(str(path))
    assert decoded.shape == frame.shape and abs(int(decoded[10, 50, 2]) - 255) < 8  # red stays red (BGR)


def test_same_image_bytes_are_stored_once(store):
    a = record(store, 1)
    b = record(store, 1)
    assert a != b
    assert store.get_inspection(a)["image_file"] == store.get_inspection(b)["image_file"]
    assert len(list(store.images_dir.rglob("*.png"))) == 1


def test_decisions(store):
    fail = record(store, 7)  # sample_result(7) is a fail
    passed = record(store, 8)
    rejected = record(store, 9)
    store.record_decision(fail, "accept", actor="ins")
    assert store.get_inspection(fail)["final_verdict"] == "fail"
    with pytest.raises(InvalidInput, match="needs a reason"):
        store.record_decision(passed, "override", actor="ins")
    store.record_decision(passed, "override", actor="ins", reason="scratch the model missed")
    got = store.get_inspection(passed)
    assert (got["final_verdict"], got["decision_reason"], got["disagreement"]) == ("fail", "scratch the model missed", True)
    store.record_decision(rejected, "reject", actor="ins", reason="wrong part on the fixture")
    assert store.get_inspection(rejected)["final_verdict"] is None
    with pytest.raises(StoreError, match="already has a decision"):
        store.record_decision(fail, "override", actor="ins", reason="changed my mind")
    with pytest.raises(NotFound):
        store.record_decision(9999, "accept", actor="ins")


def test_reviews_roles_and_outcomes(store):
    iid = record(store, 8)  # pass
    with pytest.raises(PermissionDenied, match="needs qa or admin"):
        store.record_review(iid, "confirm", actor="ins")
    store.record_review(iid, "confirm", actor="qa")
    with pytest.raises(InvalidInput, match="needs a reason"):
        store.record_review(iid, "override", actor="qa2")
    with pytest.raises(InvalidInput, match="confirm keeps"):
        store.record_review(iid, "confirm", actor="qa2", final_verdict="fail")
    store.record_review(iid, "override", actor="qa2", reason="burr visible at 3 o'clock")
    got = store.get_inspection(iid)
    assert (got["final_verdict"], got["review"], got["reviewed_by"], got["review_count"]) == ("fail", "override", "qa2", 2)
    assert [r["action"] for r in got["reviews"]] == ["confirm", "override"] and got["disagreement"] is True
    # The person who decided cannot review their own decision.
    own = record(store, 10)
    store.record_decision(own, "accept", actor="qa")
    with pytest.raises(PermissionDenied, match="cannot review"):
        store.record_review(own, "confirm", actor="qa")
    store.record_review(own, "confirm", actor="admin")
    # A rejected inspection has no verdict to flip: an override must say which.
    rejected = record(store, 11)
    store.record_decision(rejected, "reject", actor="ins", reason="blurred")
    with pytest.raises(InvalidInput, match="say pass or fail"):
        store.record_review(rejected, "override", actor="qa", reason="image is fine")
    store.record_review(rejected, "override", actor="qa", reason="image is fine", final_verdict="pass")
    assert store.get_inspection(rejected)["final_verdict"] == "pass"


def test_find_filters_and_paging(store):
    a = record(store, 7, station="line-1")  # fail
    b = record(store, 8, station="line-2", description="表面に傷があります 100% sure")
    c = record(store, 9, station="line-1", qa=[{"question": "Any crack_line?", "answer": "No."}])
    store.record_decision(b, "override", actor="ins", reason="scratch")
    store.record_review(c, "confirm", actor="qa")

    def ids(**kw):
        return [r["id"] for r in store.find_inspections(**kw).rows]

    assert ids() == [c, b, a]
    assert ids(station="line-1") == [c, a]
    assert ids(verdict="fail") == [a]
    assert ids(final_verdict="fail") == [b, a]
    assert ids(disagreement=True) == [b] and ids(disagreement=False) == [c, a]
    assert ids(unreviewed=True) == [b, a]
    assert ids(text="傷") == [b]
    assert ids(text="100%") == [b] and ids(text="%") == [b]  # % is literal, not a wildcard
    assert ids(text="crack_line") == [c] and ids(text="crack%line") == []
    assert ids(text="SCRATCH NEAR") == [b, a]  # the samples' question; ASCII case-insensitive
    today = dt.datetime.now(dt.timezone.utc).date()
    assert ids(since=today) == [c, b, a] and ids(until=today) == [c, b, a]
    assert ids(until=today - dt.timedelta(days=1)) == []
    assert ids(since=(today + dt.timedelta(days=1)).isoformat()) == []
    assert ids(since=dt.datetime.now(dt.timezone(dt.timedelta(hours=9))) + dt.timedelta(minutes=1)) == []
    page = store.find_inspections(limit=2, offset=1)
    assert (page.total, [r["id"] for r in page.rows]) == (3, [b, a])
    assert store.find_inspections(station="line-1", limit=1).total == 2


def test_find_sorts_in_the_database_and_pages_in_that_order(store):
    a = record(store, 1, station="line-2", defect_probability=0.9, verdict="fail", serial="S-3")
    b = record(store, 2, station="line-1", defect_probability=0.1, verdict="pass", serial="S-1")
    c = record(store, 3, station="line-1", defect_probability=0.5, verdict="fail", serial="S-2")
    store.record_decision(c, "override", actor="ins", reason="only dust")  # outcome of c: pass

    def ids(**kw):
        return [r["id"] for r in store.find_inspections(**kw).rows]

    assert ids(sort="probability") == [a, c, b] and ids(sort="probability", descending=False) == [b, c, a]
    assert ids(sort="serial", descending=False) == [b, c, a]
    assert ids(sort="id", descending=False) == [a, b, c] == ids(sort="time", descending=False)
    # Ties: by time, then id, in the same direction.
    assert ids(sort="station", descending=False) == [b, c, a] and ids(sort="station") == [a, c, b]
    assert ids(sort="outcome", descending=False) == [a, b, c] and ids(sort="outcome") == [c, b, a]  # "fail" < "pass"
    assert ids(sort="probability", verdict="fail") == [a, c]
    page = store.find_inspections(sort="probability", descending=False, limit=1, offset=1)
    assert (page.total, [r["id"] for r in page.rows]) == (3, [c])
    with pytest.raises(InvalidInput, match="sort: expected one of"):
        store.find_inspections(sort="defect_probability; DROP TABLE inspections")
    with pytest.raises(InvalidInput, match="descending: expected True or False"):
        store.find_inspections(descending="yes")


def test_users_and_roles(store):
    assert [u["username"] for u in store.list_users()] == ["admin", "ins", "qa", "qa2"]
    assert "password_hash" not in store.list_users()[0]
    with pytest.raises(PermissionDenied, match="may not manage users"):
        store.add_user("eve", "admin", "secret-1", actor="qa")
    with pytest.raises(PermissionDenied, match="name the acting admin"):
        store.add_user("eve", "admin", "secret-1", actor=None)
    with pytest.raises(InvalidInput, match="already exists"):
        store.add_user("ins", "qa", "secret-1", actor="admin")
    store.add_user("bob", "inspector", "bob-pin-1", actor="admin", display_name="Bob 佐藤")
    assert store.authenticate("bob", "bob-pin-1")["role"] == "inspector"
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        store.authenticate("bob", "wrong-pin")
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        store.authenticate("nobody", "wrong-pin")
    with pytest.raises(PermissionDenied, match="may not manage users"):
        store.disable_user("bob", actor="ins")
    store.disable_user("bob", actor="admin")
    with pytest.raises(PermissionDenied, match="disabled"):
        store.authenticate("bob", "bob-pin-1")
    with pytest.raises(PermissionDenied, match="disabled"):
        record(store, 1, operator="bob")
    store.enable_user("bob", actor="admin")
    record(store, 1, operator="bob")
    with pytest.raises(PermissionDenied, match="last active admin"):
        store.disable_user("admin", actor="admin")
    # Passwords: one's own with the old one, anyone's as admin.
    with pytest.raises(PermissionDenied, match="old password is wrong"):
        store.set_password("bob", "new-pin-2", actor="bob", old_password="nope-nope")
    store.set_password("bob", "new-pin-2", actor="bob", old_password="bob-pin-1")
    with pytest.raises(PermissionDenied, match="only an admin"):
        store.set_password("ins", "hacked-1", actor="bob", old_password="new-pin-2")
    store.set_password("bob", "reset-pin-3", actor="admin")
    assert store.authenticate("bob", "reset-pin-3")["username"] == "bob"
    with pytest.raises(NotFound, match="unknown user"):
        store.disable_user("ghost", actor="admin")


def test_first_user_must_be_an_admin(tmp_path):
    with Store(tmp_path / "new.db") as s:
        with pytest.raises(InvalidInput, match="must be an admin"):
            s.add_user("ann", "inspector", "pin-1234", actor=None)
        s.add_user("root", "admin", "pin-1234", actor=None)
        assert s.audit_trail()[0]["user_id"] is None  # bootstrap: nobody acted


def test_passwords_are_never_stored_in_clear(store):
    store.add_user("carol", "qa", "Very-Distinct-Secret-42", actor="admin")
    store.set_password("carol", "Other-Distinct-Secret-43", actor="admin")
    store.close()
    blob = b"".join(p.read_bytes() for p in store.path.parent.glob("inspections.db*") if p.is_file())
    assert b"Distinct-Secret" not in blob
    assert b"scrypt$" in blob  # the hashes are there (sanity of the scan)


def test_audit_trail_records_who_did_what(store):
    iid = record(store, 8)
    store.record_decision(iid, "override", actor="ins", reason="scratch")
    store.record_review(iid, "confirm", actor="qa")
    store.disable_user("qa2", actor="admin")
    trail = store.audit_trail(limit=5)
    assert [(r["action"], r["username"]) for r in trail] == [
        ("user.disable", "admin"), ("review.create", "qa"), ("decision.create", "ins"),
        ("inspection.create", "ins"), ("station.create", "ins"),
    ]
    assert (trail[0]["before"]["active"], trail[0]["after"]["active"]) == (1, 0)
    assert "password_hash" not in trail[0]["after"] and len(trail[0]["after"]["password_hash_sha256"]) == 64
    assert trail[3]["after"]["qa"][0] == [sample_result(8)["qa"][0]["question"], sample_result(8)["qa"][0]["answer"]]
    assert [r["action"] for r in store.audit_trail(entity="inspection", entity_id=iid)] == ["inspection.create"]


def test_sweep_removes_only_old_orphans(store):
    kept = Path(store.get_inspection(record(store, 1))["image_path"])
    orphan = store.images_dir / "ab" / ("ab" * 32 + ".png")
    young = store.images_dir / "cd" / ("cd" * 32 + ".png")
    tmp = store.images_dir / "ab" / ".tmp-xyz"
    foreign = store.images_dir / "ab" / "notes.txt"
    for p in (orphan, young, tmp, foreign):
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(b"x")
    old = time.time() - 3600
    for p in (kept, orphan, tmp, foreign):
        os.utime(p, (old, old))
    removed = store.sweep_orphans(grace_s=600)
    assert sorted(removed) == sorted([orphan, tmp])
    assert kept.exists() and young.exists() and foreign.exists()
    store.verify()


def test_export_csv(store, tmp_path):
    a = record(store, 7)
    b = record(store, 8, description="説明, with \"quotes\"\nand a newline")
    store.record_decision(b, "override", actor="ins", reason="scratch")
    out = tmp_path / "out.csv"
    assert store.export_csv(out) == 2
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert [int(r["id"]) for r in rows] == [a, b]
    assert rows[1]["description"] == "説明, with \"quotes\"\nand a newline"
    assert rows[1]["decision"] == "override" and rows[1]["final_verdict"] == "fail"
    assert '"question": "Is there a scratch near the bore?"' in rows[0]["qa"]
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    assert store.export_csv(out, since=tomorrow.isoformat()) == 0


def test_export_csv_never_hands_a_spreadsheet_a_formula(store, tmp_path):
    ident = record(store, 9, serial="=HYPERLINK(\"http://x\")", lot="+1", description="-2+3 thin scratch")
    store.record_decision(ident, "reject", actor="ins", reason="@SUM(A1)")
    out = tmp_path / "out.csv"
    store.export_csv(out)
    row = next(csv.DictReader(out.open(encoding="utf-8-sig", newline="")))
    assert row["serial"] == "'=HYPERLINK(\"http://x\")" and row["lot"] == "'+1"
    assert row["description"] == "'-2+3 thin scratch" and row["decision_reason"] == "'@SUM(A1)"
    assert float(row["defect_probability"]) >= 0  # numbers stay numbers


def test_backup_copies_database_and_images(store, tmp_path):
    for i in range(3):
        record(store, i)
    result = store.backup(tmp_path / "bk")
    assert result["images_copied"] == 3 and not result["images_missing"]
    record(store, 3)
    assert store.backup(tmp_path / "bk")["images_copied"] == 1  # only the new image
    with Store(tmp_path / "bk" / "inspections.db", create=False) as copy:
        assert copy.verify()["counts"]["inspections"] == 4
    with pytest.raises(InvalidInput, match="own folder"):
        store.backup(store.path.parent)


def test_default_locations(monkeypatch, tmp_path):
    monkeypatch.delenv("SQINSPECT_DATA_DIR", raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "sq-inspect"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert default_data_dir() == Path.home() / ".local" / "share" / "sq-inspect"
    monkeypatch.setattr("sys.platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert default_data_dir() == tmp_path / "local" / "sq-inspect"
    monkeypatch.setenv("SQINSPECT_DATA_DIR", str(tmp_path / "override"))
    assert default_db_path() == tmp_path / "override" / "inspections.db"


def test_open_refuses_missing_or_foreign_files(tmp_path):
    with pytest.raises(NotFound, match="no database"):
        Store(tmp_path / "missing.db", create=False)
    bogus = tmp_path / "bogus.db"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store(bogus)


def test_database_settings(store):
    db = store.db
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_rows_cannot_be_changed_through_sql(store):
    iid = record(store, 1)
    for sql in (f"UPDATE inspections SET verdict = 'fail' WHERE id = {iid}",
                f"DELETE FROM inspections WHERE id = {iid}", "DELETE FROM audit_log", "DELETE FROM users"):
        with pytest.raises(sqlite3.IntegrityError, match="cannot be changed"):
            store.db.execute(sql)
