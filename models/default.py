"""Where the embedded default checkpoint lives (models/default_model/, shipped in the repo)."""

from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parent / "default_model"


def default_checkpoint() -> Path:
    return DEFAULT_DIR
