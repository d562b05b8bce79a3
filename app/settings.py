"""Station settings, persisted as a small TOML file in the platform's config folder.

    settings = load()            # defaults for anything missing
    settings.camera = "0"
    save(settings)

The file is plain (IT edits it by hand or copies it between stations); unknown keys are kept
out, bad values are refused with a one-line reason naming the key.
"""

from __future__ import annotations

import logging
import os
import tempfile
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from app.errors import SQInspectError
from app.platform_dirs import user_dir

log = logging.getLogger(__name__)

FILE = "settings.toml"
ENV_CONFIG_DIR = "SQINSPECT_CONFIG_DIR"
LANGUAGES = ("en", "ja")


class SettingsError(SQInspectError):
    pass


@dataclass
class Settings:
    camera: str = ""              # device index, video file, image folder or URL; "" = the sample video
    camera_width: int = 0         # 0: the camera's own resolution
    camera_height: int = 0
    bundle: str = ""              # "" = the default bundle
    threshold: float = 0.0        # 0: the bundle's threshold
    review_band: float = 1.0      # |log-odds(p) - log-odds(threshold)| below this -> REVIEW
    questions: int = 4            # self-questions per part
    station: str = ""             # "" = this machine's host name
    data_dir: str = ""            # "" = the platform's data folder
    language: str = "en"

    def validate(self) -> Settings:
        def bad(key: str, why: str) -> SettingsError:
            return SettingsError(f"setting {key}: {why}")

        if self.camera_width < 0 or self.camera_height < 0 or (self.camera_width == 0) != (self.camera_height == 0):
            raise bad("camera_width/camera_height", "give both (pixels) or neither (0)")
        if not 0.0 <= self.threshold < 1.0:
            raise bad("threshold", "a probability in [0, 1) (0 = the bundle's)")
        if not 0.0 <= self.review_band <= 10.0:
            raise bad("review_band", "between 0 and 10 (log-odds)")
        if not 0 <= self.questions <= 16:
            raise bad("questions", "between 0 and 16")
        if self.language not in LANGUAGES:
            raise bad("language", f"one of {', '.join(LANGUAGES)}")
        if len(self.station) > 64:
            raise bad("station", "at most 64 characters")
        return self


def config_dir() -> Path:
    """$SQINSPECT_CONFIG_DIR, else %APPDATA%\\sq-inspect, ~/Library/Preferences/sq-inspect, or
    $XDG_CONFIG_HOME/sq-inspect (~/.config/sq-inspect)."""
    return user_dir("config", ENV_CONFIG_DIR)


def settings_path() -> Path:
    return config_dir() / FILE


def load(path: Path | None = None) -> Settings:
    path = Path(path) if path else settings_path()
    if not path.exists():
        return Settings()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: unreadable settings file ({exc}); fix or delete it") from None
    known = {f.name: f for f in fields(Settings)}
    values = {}
    for key, value in raw.items():
        if key not in known:
            log.warning("%s: ignoring unknown setting %r", path, key)
            continue
        kind = type(getattr(Settings(), key))
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not kind:
            raise SettingsError(f"{path}: setting {key} must be {kind.__name__}, not {type(value).__name__}")
        values[key] = value
    return Settings(**values).validate()


def _toml_value(value) -> str:
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        escaped = "".join(c if c >= " " else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    return repr(value)


def save(settings: Settings, path: Path | None = None) -> Path:
    """Write atomically (a crash leaves the old file, never half a file)."""
    settings.validate()
    path = Path(path) if path else settings_path()
    text = "# SQ-Inspect station settings\n" + "".join(
        f"{key} = {_toml_value(value)}\n" for key, value in asdict(settings).items())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot save settings ({exc.strerror or exc})") from None
    return path
