"""`backup`: a consistent copy of a live database, and the images its records refer to."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlite_utils import Database

from app.store import images
from app.store.errors import InvalidInput, StoreError
from app.store.paths import images_dir_for

log = logging.getLogger(__name__)


def _fsync(path: Path) -> None:
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def backup(store, out_dir: Path, *, with_images: bool = True) -> dict:
    """Copy the database to out_dir/<name>.db (and its images to out_dir/<name>-images/), so the
    folder can be checked with `sqinspect db verify --db out_dir/<name>.db` or put back in place.
    Images are named by content and never change, so a repeated backup into the same folder only
    copies new ones."""
    from app.store.store import _errors  # one translation of OS/SQLite errors for the store

    dest = out_dir / store.path.name
    with _errors(dest):
        out_dir.mkdir(parents=True, exist_ok=True)
        if dest.resolve() == store.path.resolve():
            raise InvalidInput(f"{out_dir} is the database's own folder; back up somewhere else")
        tmp = dest.with_name(dest.name + ".tmp")
        tmp.unlink(missing_ok=True)
        with Database(tmp, execute_plugins=False) as target:
            # pages=-1 copies everything in one step, i.e. inside one read transaction: a single
            # consistent snapshot, which in WAL mode does not block the station's writer. (A
            # stepped copy restarts whenever the station commits.)
            store.db.conn.backup(target.conn, pages=-1)
            # A standalone file: no -wal beside it that could be left behind when copying it on.
            target.execute("PRAGMA journal_mode = DELETE")
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            tmp.unlink(missing_ok=True)
            raise StoreError(f"the backup copy failed its integrity check: {check}")
        _fsync(tmp)
        os.replace(tmp, dest)
        images.fsync_dir(out_dir)
    copied, missing = 0, []
    if with_images:
        dest_images = images_dir_for(dest)
        with _errors(dest_images), Database(dest, execute_plugins=False) as snapshot:
            # The images of the snapshot's records, not of whatever was written since.
            for row in snapshot.query("SELECT DISTINCT image_file FROM inspections ORDER BY image_file"):
                if not images.RELATIVE_RE.fullmatch(row["image_file"]):
                    missing.append(row["image_file"])  # an edited row; never followed outside the folder
                    continue
                source = store.images_dir / row["image_file"]
                target = dest_images / row["image_file"]
                if target.is_file():
                    continue
                if not source.is_file():
                    missing.append(str(source))
                    continue
                images.write_atomic(target, source.read_bytes())
                copied += 1
    for path in missing:
        log.warning("image missing from the live database's folder, not backed up: %s", path)
    log.info("backup of %s written to %s (%d new images)", store.path, dest, copied)
    return {"database": str(dest), "images_copied": copied, "images_missing": missing}
