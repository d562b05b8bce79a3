"""The Japanese translation covers every string of the GUI, and the shipped .qm is compiled
from the committed .ts (a new or changed string without its translation fails here)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "assets" / "translations" / "sqinspect_ja.ts"
QM = TS.with_suffix(".qm")
TOOLS = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = TOOLS / name
    return str(found) if found.exists() else shutil.which(name)


def test_every_gui_string_has_a_japanese_translation(tmp_path):
    ts = tmp_path / TS.name
    shutil.copy(TS, ts)
    sources = sorted(str(p) for p in (ROOT / "app" / "gui").rglob("*.py"))
    subprocess.run([_tool("pyside6-lupdate"), *sources, "-no-obsolete", "-ts", str(ts)],
                   check=True, capture_output=True)
    messages = list(ET.parse(ts).iter("message"))
    assert len(messages) > 100
    untranslated = [m.find("source").text for m in messages
                    if m.find("translation").get("type") == "unfinished" or not m.find("translation").text]
    assert untranslated == []
    committed = {m.find("source").text for m in ET.parse(TS).iter("message")}
    assert {m.find("source").text for m in messages} == committed, "run `make translations` and commit the .ts"


def test_shipped_qm_is_compiled_from_the_ts(tmp_path):
    qm = tmp_path / QM.name
    subprocess.run([_tool("pyside6-lrelease"), str(TS), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.read_bytes() == QM.read_bytes(), "run `make translations` and commit the .qm"


def test_screenshots_refuse_a_language_no_font_can_draw(qapp, tmp_path, monkeypatch):
    """Without a Japanese font Qt paints boxes; the screenshots stop before overwriting anything."""
    from PySide6.QtGui import QFontDatabase

    from app.gui import screenshots

    families = {QFontDatabase.WritingSystem.Japanese: []}
    monkeypatch.setattr(QFontDatabase, "families", staticmethod(lambda system=None: families.get(system, ["Sans"])))
    assert screenshots.missing_fonts(["en", "ja"]) == ["ja"]
    out = tmp_path / "shots"
    with pytest.raises(RuntimeError, match="Japanese.*fonts-noto-cjk"):
        screenshots.render(out)
    assert not out.exists()
    families[QFontDatabase.WritingSystem.Japanese] = ["Noto Sans CJK JP"]
    assert screenshots.missing_fonts(["en", "ja"]) == []
