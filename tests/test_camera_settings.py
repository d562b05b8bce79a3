"""Camera sources (OpenCV) and the station settings file."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from app import settings as settings_mod
from app.camera import CameraError, CameraLost, FolderSource, open_source, parse_source
from app.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[1]
VIDEO = ROOT / "assets" / "samples" / "line.mp4"


@pytest.mark.parametrize("text, kind", [
    ("0", "device"), ("12", "device"), ("rtsp://10.0.0.5/stream1", "url"), ("HTTP://cam.local/mjpg", "url"),
    (str(ROOT / "assets" / "samples"), "folder"), ("missing.mp4", "file"),
])
def test_parse_source_kinds(text, kind):
    assert parse_source(text).kind == kind


def test_parse_source_refuses_nonsense():
    with pytest.raises(CameraError, match="no camera source"):
        parse_source("  ")
    with pytest.raises(CameraError, match="both a width and a height"):
        parse_source("0", width=640)


def test_video_file_loops_and_keeps_its_size():
    with open_source(str(VIDEO)) as source:
        assert not source.live and source.fps == pytest.approx(30.0)
        first = source.read()
        total = int(cv2.VideoCapture(str(VIDEO)).get(cv2.CAP_PROP_FRAME_COUNT))
        for _ in range(total + 5):  # past the end: it starts again
            frame = source.read()
        assert frame.shape == first.shape == (320, 320, 3) and frame.dtype == np.uint8


def test_requested_resolution_applies_to_files(tmp_path):
    with open_source(str(VIDEO), width=160, height=120) as source:
        assert source.read().shape == (120, 160, 3)


def test_folder_holds_each_image_then_moves_on(tmp_path):
    for i, colour in enumerate((0, 255)):
        cv2.imwrite(str(tmp_path / f"{i}.png"), np.full((8, 8, 3), colour, np.uint8))
    (tmp_path / "notes.txt").write_text("not an image")
    source = FolderSource(parse_source(str(tmp_path)))
    per_image = int(source.fps * 2.0)
    frames = [source.read() for _ in range(2 * per_image + 1)]
    assert frames[0].max() == 0 and frames[per_image - 1].max() == 0
    assert frames[per_image].min() == 255 and frames[2 * per_image].max() == 0  # looped


def test_folder_skips_corrupt_images_and_fails_when_none_are_left(tmp_path):
    (tmp_path / "a.png").write_bytes(b"\x89PNG not really")
    cv2.imwrite(str(tmp_path / "b.png"), np.zeros((4, 4, 3), np.uint8))
    assert open_source(str(tmp_path)).read().shape == (4, 4, 3)
    (tmp_path / "b.png").write_bytes(b"broken")
    with pytest.raises(CameraLost, match="none of the folder's images"):
        open_source(str(tmp_path)).read()


@pytest.mark.parametrize("make, message", [
    (lambda p: p / "nothing.mp4", "no such video file"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "holds no images"),
    (lambda p: (p / "fake.mp4").write_bytes(b"\x00" * 64) and p / "fake.mp4", "cannot open video file"),
])
def test_sources_that_cannot_open_say_why(tmp_path, make, message):
    with pytest.raises(CameraError, match=message):
        open_source(str(make(tmp_path)))


def test_a_device_that_is_not_there_is_a_camera_error():
    with pytest.raises(CameraError, match="camera device 97"):
        open_source("97")


def test_settings_round_trip_and_defaults(tmp_path):
    path = tmp_path / "cfg" / "settings.toml"
    assert settings_mod.load(path) == Settings()
    wanted = Settings(camera='C:\\cams\\"line" 1', camera_width=1280, camera_height=720, threshold=0.25,
                      review_band=0.5, questions=6, station="line-3", language="ja")
    settings_mod.save(wanted, path)
    assert settings_mod.load(path) == wanted
    assert not list(path.parent.glob(".settings.toml.*"))  # no temp file left behind


def test_settings_file_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setenv("SQINSPECT_CONFIG_DIR", str(tmp_path / "conf"))
    settings_mod.save(Settings(questions=2))
    assert (tmp_path / "conf" / "settings.toml").is_file() and settings_mod.load().questions == 2


@pytest.mark.parametrize("text, message", [
    ("questions = 99\n", "setting questions"),
    ('language = "fr"\n', "setting language"),
    ("threshold = 1.5\n", "setting threshold"),
    ('questions = "four"\n', "must be int"),
    ("camera_width = 640\n", "camera_width/camera_height"),
    ("questions = [\n", "unreadable settings file"),
])
def test_bad_settings_are_one_clear_error(tmp_path, text, message):
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(SettingsError, match=message):
        settings_mod.load(path)


def test_unknown_settings_are_ignored(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('future_option = true\nstation = "line-9"\n')
    assert settings_mod.load(path).station == "line-9"


def test_config_folder_follows_xdg_and_ignores_a_relative_one(tmp_path, monkeypatch):
    monkeypatch.delenv("SQINSPECT_CONFIG_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert settings_mod.config_dir() == tmp_path / "xdg" / "sq-inspect"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/xdg")
    assert settings_mod.config_dir() == tmp_path / ".config" / "sq-inspect"
