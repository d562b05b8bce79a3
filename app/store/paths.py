"""Where a station's database and images live, by the platform's conventions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "sq-inspect"
DB_FILE = "inspections.db"
ENV_DATA_DIR = "SQINSPECT_DATA_DIR"


def default_data_dir() -> Path:
    """$SQINSPECT_DATA_DIR, else %LOCALAPPDATA%\\sq-inspect (Windows),
    ~/Library/Application Support/sq-inspect (macOS), $XDG_DATA_HOME/sq-inspect or
    ~/.local/share/sq-inspect (Linux and other Unix)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return (Path(base) if base else Path.home() / "AppData" / "Local") / APP_DIR
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP_DIR
    xdg = os.environ.get("XDG_DATA_HOME")
    # The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / APP_DIR
    return Path.home() / ".local" / "share" / APP_DIR


def default_db_path() -> Path:
    return default_data_dir() / DB_FILE


def images_dir_for(db_path: Path) -> Path:
    """Images sit beside their database, in a folder named after it, so that two databases in
    one folder never share (and never sweep) each other's images."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + "-images")
