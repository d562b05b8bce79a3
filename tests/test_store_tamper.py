"""Editing or deleting rows (or images) behind the app's back, with the protecting triggers
dropped first as a determined editor would, is found by verify."""

from __future__ import annotations

import sqlite3

import pytest
from store_helpers_fixtures import record, store, template_db  # noqa: F401 (fixtures)

from app.cli import main
from app.store import VerificationFailed


@pytest.fixture
def station(store):
    """Inspections 1-3 with a decision on 2 and a review of 3; closed, ready to be tampered with."""
    for i in (1, 2, 3):
        record(store, i)
    store.record_decision(2, "override", actor="ins", reason="scratch")
    store.record_review(3, "confirm", actor="qa")
    store.verify()
    store.close()
    return store


def tamper(store, *sql):
    conn = sqlite3.connect(store.path)
    for table in ("stations", "inspections", "qa_pairs", "decisions", "reviews", "audit_log", "users"):
        for op in ("update", "delete"):
            conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


def verify_fails(store, *, check_images=True):
    from app.store import Store

    with Store(store.path) as reopened:
        with pytest.raises(VerificationFailed) as info:
            reopened.verify(check_images=check_images)
    return str(info.value)


RESTORE = [
    f"CREATE TRIGGER {t}_no_{op} BEFORE {op.upper()} ON {t} BEGIN SELECT RAISE(ABORT, 'x'); END"
    for t in ("stations", "inspections", "qa_pairs", "decisions", "reviews", "audit_log") for op in ("update", "delete")
] + ["CREATE TRIGGER users_no_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'x'); END"]

CASES = {
    "edit inspection verdict": (["UPDATE inspections SET verdict = 'fail' WHERE id = 1"],
                                "inspection 1 differs from its audit record"),
    "edit probability": (["UPDATE inspections SET defect_probability = 0.02 WHERE id = 3"],
                         "inspection 3 differs"),
    "edit an answer": (["UPDATE qa_pairs SET answer = 'Yes.' WHERE inspection_id = 2 AND position = 1"],
                       "inspection 2 differs"),
    "delete a question": (["DELETE FROM qa_pairs WHERE inspection_id = 2 AND position = 4"], "inspection 2 differs"),
    "delete an inspection": (["DELETE FROM qa_pairs WHERE inspection_id = 1", "DELETE FROM inspections WHERE id = 1"],
                             "inspection 1 is in the audit log but not in the database"),
    "insert an inspection": (["INSERT INTO inspections SELECT 99, created_at, station_id, operator_id, serial, lot, "
                              "source, source_sha256, image_file, image_sha256, bundle_name, bundle_sha256, "
                              "description, 'pass', defect_probability, threshold, latency_ms, latency_total_ms "
                              "FROM inspections WHERE id = 1"],
                             "inspection 99 has no audit record"),
    "edit a decision": (["UPDATE decisions SET reason = 'looked fine' WHERE inspection_id = 2"], "decision 1 differs"),
    "delete a decision": (["DELETE FROM decisions"], "decision 1 is in the audit log but not in the database"),
    "delete a review": (["DELETE FROM reviews"], "review 1 is in the audit log but not in the database"),
    "promote a user": (["UPDATE users SET role = 'admin' WHERE username = 'ins'"], "user 2 differs"),
    "swap a password hash": (["UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE id = 1) "
                              "WHERE username = 'qa'"], "user 3 differs"),
    "rename a station": (["UPDATE stations SET name = 'line-9'"], "station 1 differs"),
    "edit an audit record": (["UPDATE audit_log SET at = '2000-01-01T00:00:00.000000Z' WHERE id = 8"],
                             "audit log: record 8 was altered"),
    "delete an audit record": (["DELETE FROM audit_log WHERE id = 6"], "audit log: record 6 is missing"),
    "delete the newest audit records": (["DELETE FROM audit_log WHERE id >= 10"], "the newest records were deleted"),
    # Change the first hex digit whatever it is ('f' || ... left a hash starting with 'f' unchanged: 1 run in 16).
    "edit an audit hash": (["UPDATE audit_log SET hash = (CASE WHEN substr(hash, 1, 1) = 'f' THEN 'e' ELSE 'f' END)"
                            " || substr(hash, 2) WHERE id = 9"],
                           "record 9 was altered"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_verify_detects(station, case):
    sql, expected = CASES[case]
    tamper(station, *sql, *RESTORE)
    assert expected in verify_fails(station, check_images=False)


def test_anchor_detects_a_recomputed_chain(station):
    """An editor who changes a row, its audit record and recomputes every later hash passes the
    in-file checks; the head noted before (verify's output) does not match any more."""
    from app.store import Store
    from app.store.audit import row_hash

    with Store(station.path) as s:
        anchor = (s.verify()["audit_head"]["id"], s.verify()["audit_head"]["hash"])
    tamper(station, "UPDATE decisions SET reason = 'looked fine'")
    conn = sqlite3.connect(station.path)
    conn.row_factory = sqlite3.Row
    prev = None
    for row in [dict(r) for r in conn.execute("SELECT * FROM audit_log ORDER BY id")]:
        if row["entity"] == "decision":
            row["after"] = row["after"].replace('"reason":"scratch"', '"reason":"looked fine"')
        row["prev_hash"] = prev or row["prev_hash"]
        row["hash"] = row_hash(row)
        conn.execute("UPDATE audit_log SET after = ?, prev_hash = ?, hash = ? WHERE id = ?",
                     [row["after"], row["prev_hash"], row["hash"], row["id"]])
        prev = row["hash"]
    conn.commit()
    conn.close()
    tamper(station, *RESTORE)
    with Store(station.path) as s:
        s.verify()  # the limit of a chain kept in the same file
        with pytest.raises(VerificationFailed, match="rewritten"):
            s.verify(anchor=anchor)


def test_verify_reports_dropped_triggers(station):
    tamper(station)  # only the triggers go
    assert "trigger stations_no_update was dropped" in verify_fails(station)


@pytest.mark.parametrize("change", ["edit", "delete"])
def test_verify_detects_image_changes(station, change):
    from app.store import Store

    with Store(station.path) as s:
        path = s.image_path(s.get_inspection(2))
    if change == "edit":
        path.write_bytes(path.read_bytes()[:-1] + b"\0")
        expected = "image of inspection 2 does not match its sha256"
    else:
        path.unlink()
        expected = "image of inspection 2 is missing"
    assert expected in verify_fails(station)


def test_verify_command_exits_non_zero_with_the_problem(station, capsys):
    assert main(["db", "verify", "--db", str(station.path)]) == 0
    tamper(station, "UPDATE inspections SET verdict = 'fail' WHERE id = 1", *RESTORE)
    assert main(["db", "verify", "--db", str(station.path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "inspection 1 differs from its audit record" in err


def test_verify_reports_a_corrupt_file(station):
    conn = sqlite3.connect(station.path)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'qa_pairs'").fetchone()[0]
    conn.close()
    data = bytearray(station.path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8: start + 8 + 64] = b"\xa5" * 64  # scribble over the table's cell pointers
    station.path.write_bytes(bytes(data))
    from app.store import Store, StoreError

    try:
        with Store(station.path) as s:
            with pytest.raises(VerificationFailed):
                s.verify()
    except StoreError as exc:  # too damaged to open at all: also a clear, non-zero refusal
        assert "malformed" in str(exc) or "not a database" in str(exc)
