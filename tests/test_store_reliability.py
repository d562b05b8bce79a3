"""Reliability of the store against real processes: a writer killed with SIGKILL at random moments,
a reader and two writers at once, and a full disk (a file-size limit)."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_helpers_fixtures import record, template_db  # noqa: F401 (fixtures)

from app.store import Store

HELPER = str(Path(__file__).with_name("store_helpers.py"))
KILL_ROUNDS = 20

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL and RLIMIT_FSIZE are POSIX")


@pytest.fixture
def station_db(template_db, tmp_path):
    with Store(template_db) as template:
        template.backup(tmp_path / "station")
    return tmp_path / "station" / "inspections.db"


def helper(*args: object, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, HELPER, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def complete_lines(out: str) -> list[list[str]]:
    """Only lines that were written whole: a kill can cut the last one."""
    return [line.split() for line in out.split("\n")[:-1]]


@pytest.mark.slow
@posix_only
def test_sigkill_at_random_moments_loses_nothing_reported(station_db):
    rng = random.Random(20250601)
    inspections, decisions = set(), set()
    for _ in range(KILL_ROUNDS):
        with helper("writer", station_db) as proc:
            assert proc.stdout.readline() == "ready\n", proc.stderr.read()
            time.sleep(rng.uniform(0.0, 0.25))
            proc.send_signal(signal.SIGKILL)
            # Read on through the same stream: readline() may have buffered past "ready", and
            # communicate() reads the pipe itself, so it would start mid-line (CI failed so).
            out, err = proc.stdout.read(), proc.stderr.read()
            assert proc.wait(timeout=30) == -signal.SIGKILL, err  # killed, not failed on its own
        for kind, number in complete_lines(out):
            (inspections if kind == "I" else decisions).add(int(number))
    assert len(inspections) > KILL_ROUNDS  # the kills landed while it was writing
    with Store(station_db) as store:
        stored = {r["id"] for r in store.db.query("SELECT id FROM inspections")}
        assert inspections <= stored
        assert decisions <= {r["id"] for r in store.db.query("SELECT id FROM decisions")}
        swept = store.sweep_orphans(grace_s=0)  # images whose rows never committed
        print(f"{len(inspections)} reported, {len(stored)} stored, {len(swept)} orphan files swept")
        report = store.verify()  # integrity_check, audit chain, every row against it, image hashes
        assert report["counts"]["images"] == len(stored)
        assert len(list(store.images_dir.rglob("*.png"))) == len(stored)


@pytest.mark.slow
def test_reader_and_two_writers_never_see_a_locked_database(station_db, tmp_path):
    seconds = 4.0
    writer = helper("writer", station_db, seconds)
    reviewer = helper("reviewer", station_db, seconds)
    errors, reads, backups = [], 0, 0
    with Store(station_db) as qa_view:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                page = qa_view.find_inspections(limit=20)
                for row in page.rows[:3]:
                    qa_view.get_inspection(row["id"])
                qa_view.find_inspections(text="burr", unreviewed=True, station="line-1")
                qa_view.audit_trail(limit=10)
                if reads % 40 == 20:  # a backup while the station writes
                    qa_view.backup(tmp_path / f"backup-{backups}")
                    backups += 1
                reads += 1
            except Exception as exc:  # anything at all reaching the QA view is a failure
                errors.append(repr(exc))
    w_out, w_err = writer.communicate(timeout=60)
    r_out, r_err = reviewer.communicate(timeout=60)
    assert not errors, errors[:3]
    assert writer.returncode == 0 and reviewer.returncode == 0, w_err + r_err
    assert "locked" not in w_err + r_err
    written = sum(1 for words in complete_lines(w_out) if words[0] == "I")
    reviewed = int(r_out.split()[-1])
    print(f"{written} written, {reviewed} reviewed, {reads} QA-view reads, {backups} backups")
    assert written > 20 and reviewed > 0 and reads > 20 and backups > 0
    with Store(station_db) as store:
        store.verify()
    for i in range(backups):
        with Store(tmp_path / f"backup-{i}" / "inspections.db", create=False) as copy:
            copy.verify()  # each backup is a consistent snapshot, images included


@posix_only
@pytest.mark.parametrize("what_overflows", ["image", "database"])
def test_full_disk_is_a_clear_error_and_leaves_the_database_intact(station_db, what_overflows):
    with Store(station_db) as store:
        before = [record(store, i) for i in range(2)]
        limit = max(p.stat().st_size for p in station_db.parent.glob("inspections.db*")) + 150_000
    # Random pixels do not compress: a PNG of side s has about 3*s*s bytes.
    image_side = int((limit / 3) ** 0.5) + 20 if what_overflows == "image" else 16
    proc = helper("fill", station_db, limit, image_side)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    lines = complete_lines(out)
    stored = [int(words[1]) for words in lines if words[0] == "STORED"]
    kind, *message = lines[-1]
    assert (kind, message[0]) == ("ERROR", "StorageFull"), out + err
    message = " ".join(message[1:])
    assert "nothing was recorded" in message
    if what_overflows == "image":
        assert "-images: File too large" in message
    else:
        assert "inspections.db: disk I/O error (disk full, file size limit" in message
    assert (len(stored) == 0) == (what_overflows == "image")
    with Store(station_db) as store:
        store.verify()
        ids = [r["id"] for r in store.db.query("SELECT id FROM inspections ORDER BY id")]
        assert ids == before + stored
        assert not list(store.images_dir.rglob(".tmp-*"))
        assert len(store.sweep_orphans(grace_s=0)) == (what_overflows == "database")
        record(store, 99)  # with room again, the station carries on
        store.verify()
