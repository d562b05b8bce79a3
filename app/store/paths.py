"""Where a station's database and images live, by the platform's conventions."""

from __future__ import annotations

from pathlib import Path

from app.platform_dirs import user_dir

DB_FILE = "inspections.db"
ENV_DATA_DIR = "SQINSPECT_DATA_DIR"


def default_data_dir() -> Path:
    """$SQINSPECT_DATA_DIR, else %LOCALAPPDATA%\\sq-inspect (Windows),
    ~/Library/Application Support/sq-inspect (macOS), $XDG_DATA_HOME/sq-inspect or
    ~/.local/share/sq-inspect (Linux and other Unix)."""
    return user_dir("data", ENV_DATA_DIR)


def default_db_path() -> Path:
    return default_data_dir() / DB_FILE


def images_dir_for(db_path: Path) -> Path:
    """Images sit beside their database, in a folder named after it, so that two databases in
    one folder never share (and never sweep) each other's images."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + "-images")
