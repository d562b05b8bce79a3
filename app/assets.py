"""Where the shipped assets are: assets/ of the source tree, or the installed release's assets
(the installer links them beside the package, see installer/README.md)."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SAMPLES = ASSETS / "samples"
SAMPLE_VIDEO = SAMPLES / "line.mp4"
TRANSLATIONS = ASSETS / "translations"
BUNDLES = ASSETS / "bundles"
