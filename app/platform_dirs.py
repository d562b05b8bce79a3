"""Per-user folders by the platform's conventions (XDG on Linux and other Unix)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR = "sq-inspect"
_WINDOWS = {"data": ("LOCALAPPDATA", ("AppData", "Local")), "config": ("APPDATA", ("AppData", "Roaming"))}
_MACOS = {"data": ("Library", "Application Support"), "config": ("Library", "Preferences")}
_XDG = {"data": ("XDG_DATA_HOME", (".local", "share")), "config": ("XDG_CONFIG_HOME", (".config",))}


def user_dir(kind: str, override_env: str) -> Path:
    """$override_env if set; else the platform's per-user `kind` ("data" or "config") folder for
    the app: %LOCALAPPDATA% / %APPDATA% on Windows, ~/Library/... on macOS, $XDG_DATA_HOME /
    $XDG_CONFIG_HOME (default ~/.local/share, ~/.config) elsewhere."""
    override = os.environ.get(override_env)
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        env, fallback = _WINDOWS[kind]
        base = os.environ.get(env)
        return (Path(base) if base else Path.home().joinpath(*fallback)) / APP_DIR
    if sys.platform == "darwin":
        return Path.home().joinpath(*_MACOS[kind]) / APP_DIR
    env, fallback = _XDG[kind]
    xdg = os.environ.get(env)
    # The XDG spec says a relative path there is invalid and must be ignored.
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home().joinpath(*fallback)) / APP_DIR
