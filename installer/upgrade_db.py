"""Back up a station database before an install migrates it (stdlib only; the Linux and Windows
installers both run it with the new runtime's Python).

    python upgrade_db.py DB BACKUP_FILE

SQLite's online backup API gives a consistent copy even while a station writes (WAL), and the
database is opened read-only and not through the store, which would migrate it first. The copy
must pass SQLite's integrity check, or the exit status is 1 and the install stops.
"""

import sqlite3
import sys
from pathlib import Path


def backup(db: Path, out: Path) -> str:
    out.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    dst = sqlite3.connect(out)
    try:
        with dst:
            src.backup(dst)
        return dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        src.close()
        dst.close()


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: upgrade_db.py DB BACKUP_FILE", file=sys.stderr)
        return 2
    db, out = Path(argv[0]), Path(argv[1])
    try:
        result = backup(db, out)
    except (OSError, sqlite3.Error) as exc:
        print(f"upgrade_db: cannot back up {db}: {exc}", file=sys.stderr)
        return 1
    if result != "ok":
        print(f"upgrade_db: the backup of {db} fails its integrity check: {result}", file=sys.stderr)
        return 1
    print(f"backed up {db} to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
