"""`sqinspect db ...`: users, verify, export-csv, backup, sweep, info, bench."""

from __future__ import annotations

import csv
import io

import pytest
from store_helpers import png_bytes

from app.cli import main
from app.store import Store
from app.store.bench import sample_result


def run(capsys, monkeypatch, *argv, stdin: str | None = None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """The default location, moved into tmp_path by the environment variable."""
    monkeypatch.setenv("SQINSPECT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_users_commands(capsys, monkeypatch, data_dir):
    code, out, _ = run(capsys, monkeypatch, "db", "users", "add", "boss", "--role", "admin", "--password-stdin",
                       stdin="boss-pin\n")
    assert code == 0 and "user boss (admin) added" in out
    assert (data_dir / "inspections.db").is_file()  # the default location
    code, _, err = run(capsys, monkeypatch, "db", "users", "add", "ann", "--role", "inspector", "--password-stdin",
                       stdin="ann-pin1\n")
    assert code == 2 and "pass --as ADMIN" in err
    code, _, err = run(capsys, monkeypatch, "db", "users", "add", "ann", "--role", "inspector", "--as", "boss",
                       "--password-stdin", stdin="not-the-pin\nann-pin1\n")
    assert code == 2 and err.strip() == "sqinspect db: error: wrong user name or password"
    code, _, _ = run(capsys, monkeypatch, "db", "users", "add", "ann", "--role", "inspector", "--as", "boss",
                     "--display-name", "Ann 山田", "--password-stdin", stdin="boss-pin\nann-pin1\n")
    assert code == 0
    # passwd: one's own with the current password; anyone's as admin
    code, out, _ = run(capsys, monkeypatch, "db", "users", "passwd", "ann", "--password-stdin",
                       stdin="ann-pin1\nann-pin2\n")
    assert code == 0 and "password of ann changed" in out
    code, _, _ = run(capsys, monkeypatch, "db", "users", "passwd", "ann", "--as", "boss", "--password-stdin",
                     stdin="boss-pin\nann-pin3\n")
    assert code == 0
    code, _, _ = run(capsys, monkeypatch, "db", "users", "disable", "ann", "--as", "boss", "--password-stdin",
                     stdin="boss-pin\n")
    assert code == 0
    code, out, _ = run(capsys, monkeypatch, "db", "users", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[1].split()[:3] == ["ann", "inspector", "no"] and "Ann 山田" in lines[1]
    assert lines[2].split()[:3] == ["boss", "admin", "yes"]
    code, _, _ = run(capsys, monkeypatch, "db", "users", "enable", "ann", "--as", "boss", "--password-stdin",
                     stdin="boss-pin\n")
    assert code == 0
    with Store() as store:
        assert store.authenticate("ann", "ann-pin3")["role"] == "inspector"
        assert [r["action"] for r in store.audit_trail(entity="user", entity_id=2)] == [
            "user.enable", "user.disable", "user.password", "user.password", "user.create"]


def test_passwords_are_prompted_and_confirmed(capsys, monkeypatch, tmp_path):
    db = str(tmp_path / "s.db")
    answers = iter(["root-pin", "root-pin"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["db", "users", "add", "root", "--role", "admin", "--db", db]) == 0
    answers = iter(["root-pin", "new-pin-1", "typo-pin-1"])
    code, _, err = run(capsys, monkeypatch, "db", "users", "add", "qa1", "--role", "qa", "--as", "root", "--db", db)
    assert code == 2 and "do not match" in err


@pytest.fixture
def station(tmp_path, capsys, monkeypatch):
    db = tmp_path / "station" / "inspections.db"
    with Store(db) as store:
        store.add_user("root", "admin", "root-pin", actor=None)
        for i in range(3):
            iid = store.record_inspection(sample_result(i), png_bytes(i), operator="root", station="line-1")
        store.record_decision(iid, "override", actor="root", reason="burr")
    return db


def test_verify_info_export_backup_sweep(capsys, monkeypatch, station, tmp_path):
    db = str(station)
    code, out, _ = run(capsys, monkeypatch, "db", "verify", "--db", db)
    assert code == 0 and "3 inspections" in out and "3 images" in out
    head = out.splitlines()[-1].split()[-1]
    code, out, _ = run(capsys, monkeypatch, "db", "verify", "--db", db, "--skip-images", "--anchor", head)
    assert code == 0 and "images" not in out
    code, _, err = run(capsys, monkeypatch, "db", "verify", "--db", db, "--anchor", "1:" + "0" * 64)
    assert code == 1 and "rewritten" in err
    code, out, _ = run(capsys, monkeypatch, "db", "info", "--db", db)
    assert code == 0 and f"database: {db}" in out and "inspections 3" in out and f"audit head: {head}" in out

    code, _, err = run(capsys, monkeypatch, "db", "export-csv", "--db", db, str(tmp_path / "all.csv"))
    assert code == 0 and "3 inspections written" in err
    rows = list(csv.DictReader((tmp_path / "all.csv").open(encoding="utf-8-sig", newline="")))
    assert [r["decision"] for r in rows] == ["", "", "override"]
    code, out, _ = run(capsys, monkeypatch, "db", "export-csv", "--db", db, "--since", "2999-01-01", "-")
    assert code == 0 and out.count("\n") == 1  # header only

    code, out, _ = run(capsys, monkeypatch, "db", "backup", "--db", db, str(tmp_path / "bk"))
    assert code == 0 and "3 new images copied" in out
    code, out, _ = run(capsys, monkeypatch, "db", "verify", "--db", str(tmp_path / "bk" / "inspections.db"))
    assert code == 0 and head in out

    orphan = station.parent / "inspections-images" / "ab" / ("ab" * 32 + ".jpg")
    orphan.parent.mkdir()
    orphan.write_bytes(b"\xff\xd8\xff")
    code, out, _ = run(capsys, monkeypatch, "db", "sweep", "--db", db, "--grace", "0")
    assert code == 0 and "1 orphan files removed" in out and not orphan.exists()


def test_missing_database_is_a_clear_error(capsys, monkeypatch, tmp_path):
    for action in ("verify", "info", "export-csv"):
        argv = ["db", action, "--db", str(tmp_path / "none.db")] + (["-"] if action == "export-csv" else [])
        code, _, err = run(capsys, monkeypatch, *argv)
        assert code == 2 and err.strip() == f"sqinspect db: error: no database at {tmp_path / 'none.db'}"
    assert not (tmp_path / "none.db").exists()


def test_bench_command(capsys, monkeypatch, tmp_path):
    pytest.importorskip("cv2")
    code, out, _ = run(capsys, monkeypatch, "db", "bench", "-n", "10", "--dir", str(tmp_path))
    assert code == 0 and "10 inspections in" in out and "inspections/s" in out
    assert list(tmp_path.iterdir()) == []  # its temporary database is gone
