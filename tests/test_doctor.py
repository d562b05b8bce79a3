"""`sqinspect doctor`: the probe graph, provider probing, GPU discovery, and the checks end to end
on this machine (CPU only here), including the failures a station meets and what doctor says."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from app.cli import main
from app.doctor import checks as checks_mod
from app.doctor import gpu, probe, tiny_onnx
from app.doctor.checks import Doctor, Options

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "assets" / "samples"
BUNDLE = ROOT / "assets" / "bundles" / "default-fp32"


@pytest.fixture
def station(tmp_path, monkeypatch):
    """An empty station: its own settings and data folders, no environment overrides."""
    monkeypatch.delenv("SQINSPECT_BUNDLE", raising=False)
    monkeypatch.setenv("SQINSPECT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SQINSPECT_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    return tmp_path


def add_admin(db: Path) -> None:
    from app.store import Store

    with Store(db) as store:
        store.add_user("admin", "admin", "a-long-password", actor=None)


def doctor_json(capsys, *args) -> tuple[int, dict]:
    rc = main(["doctor", "--json", "-q", *args])
    doc = json.loads(capsys.readouterr().out)
    return rc, doc


def by_name(doc: dict) -> dict:
    return {c["name"]: c for c in doc["checks"]}


# -- the probe graph ---------------------------------------------------------------------------

def test_probe_graph_is_valid_onnx():
    onnx = pytest.importorskip("onnx")  # the training extras; the runtime never needs it
    model = onnx.load_from_string(tiny_onnx.model_bytes())
    onnx.checker.check_model(model, full_check=True)
    assert [n.op_type for n in model.graph.node] == ["MatMul", "Add", "Relu"]
    w = onnx.numpy_helper.to_array(next(i for i in model.graph.initializer if i.name == "W"))
    np.testing.assert_array_equal(w, tiny_onnx.weights()[0])


def test_probe_graph_runs_exactly_on_cpu():
    import onnxruntime as ort

    session = ort.InferenceSession(tiny_onnx.model_bytes(), providers=["CPUExecutionProvider"])
    x = tiny_onnx.sample_input()
    y = session.run(["Y"], {"X": x})[0]
    np.testing.assert_array_equal(y, tiny_onnx.expected(x))
    assert 0 < (y > 0).mean() < 1  # Relu really cuts: a graph that ignored it would differ


def test_cpu_provider_really_runs():
    result = probe.probe_provider("CPUExecutionProvider")
    assert result.works and result.in_build, result.detail
    assert result.run_ms is not None


def test_provider_with_wrong_numbers_is_not_working(monkeypatch):
    monkeypatch.setattr(tiny_onnx, "expected", lambda x: np.zeros((tiny_onnx.BATCH, tiny_onnx.OUT), np.float32))
    result = probe.probe_provider("CPUExecutionProvider")
    assert not result.works and "wrong numbers" in result.detail


def test_provider_missing_from_the_build(monkeypatch):
    import onnxruntime as ort

    monkeypatch.setattr(ort, "get_available_providers", lambda: ["CPUExecutionProvider"])
    result = probe.probe_provider("CUDAExecutionProvider")
    assert not result.works and not result.in_build and "not in this onnxruntime build" in result.detail


def test_gpu_provider_reports_truthfully():
    """Here (no GPU) CUDA must not be reported as working; with a GPU it must really run."""
    result = probe.probe_provider("CUDAExecutionProvider")
    has_gpu = gpu.gpu_report().gpus
    if has_gpu and result.works:
        assert "matched" in result.detail
    else:
        assert not result.works and result.detail


# -- GPU discovery ---------------------------------------------------------------------------

def test_elf_needed_matches_readelf():
    import onnxruntime

    lib = next((Path(onnxruntime.__file__).parent / "capi").glob("libonnxruntime_providers_shared.so"), None) \
        or next((Path(onnxruntime.__file__).parent / "capi").glob("onnxruntime_pybind11_state*.so"))
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf (binutils) is not installed")
    out = subprocess.run([readelf, "-d", str(lib)], capture_output=True, text=True, check=True).stdout
    want = [line.split("[", 1)[1].rstrip("]") for line in out.splitlines() if "(NEEDED)" in line]
    assert gpu.elf_needed(lib) == want and want


def test_provider_libraries_name_cuda_runtime():
    libs = gpu.provider_libraries()
    if "cuda" not in libs:
        pytest.skip("this onnxruntime has no CUDA provider library")
    assert any(n.startswith("libcudart.so") for n in libs["cuda"])
    assert not any(n.startswith(("libc.so", "libstdc++")) for n in libs["cuda"])


@pytest.mark.parametrize("kind,value,text", [("cuda", 13000, "13.0"), ("cudart", 12080, "12.8"),
                                              ("cudnn", 90100, "9.1.0"), ("cudnn", 8902, "8.9.2"),
                                              ("nvinfer", 100900, "10.9.0"), ("nvinfer", 8601, "8.6.1")])
def test_library_versions_decode(kind, value, text):
    assert gpu._decode_version(kind, value) == text


def test_nvidia_smi_is_read(tmp_path, monkeypatch):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho '0, NVIDIA H100 80GB HBM3, 580.65.06, 81559, 1'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    report = gpu.gpu_report()
    assert report.present
    assert [(g.name, g.driver, g.memory_mib) for g in report.gpus] == [("NVIDIA H100 80GB HBM3", "580.65.06", 81559)]


def test_broken_driver_is_reported(tmp_path, monkeypatch):
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\n"
                    "exit 9\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    report = gpu.gpu_report()
    assert report.present and not report.gpus and "could not communicate" in report.smi_error


# -- the checks, end to end ------------------------------------------------------------------

def test_new_station_needs_a_database_then_can_inspect(station, capsys):
    rc, doc = doctor_json(capsys, "--camera", str(SAMPLES))
    c = by_name(doc)
    assert rc == 1 and doc["station_can_inspect"] is False
    assert c["database"]["status"] == "fail" and "db users add" in c["database"]["fix"]
    for name in ("system", "settings", "onnxruntime", "provider cpu", "bundle", "camera", "inspection", "disk", "clock"):
        assert c[name]["status"] == "ok", (name, c[name])
    assert c["inspection"]["data"]["provider"] == "cpu"
    assert c["camera"]["data"]["width"] == 128

    add_admin(station / "data" / "inspections.db")
    rc, doc = doctor_json(capsys, "--camera", str(SAMPLES))
    c = by_name(doc)
    assert rc == 0 and doc["station_can_inspect"] is True, c["database"]
    assert c["database"]["data"]["active_users"] == 1
    assert c["database"]["data"]["schema"]


def test_table_says_what_to_do(station, capsys):
    rc = main(["doctor", "-q", "--camera", str(station / "no-such.mp4")])
    out = capsys.readouterr().out
    assert rc == 1
    lines = out.splitlines()
    assert lines[0].split() == ["CHECK", "STATUS", "DETAIL"]
    camera = next(i for i, line in enumerate(lines) if line.startswith("camera "))
    block = [lines[camera]]
    for line in lines[camera + 1:]:
        if not line.startswith(" "):
            break
        block.append(line.strip())
    assert "FAIL" in block[0] and "no such video file" in " ".join(block)
    assert any(line.startswith("-> ") for line in block[1:])
    assert "inspection" in out and "not tried" in out
    assert out.rstrip().endswith("(FAIL lines above)")


def test_damaged_bundle_fails(station, tmp_path, capsys):
    bundle = tmp_path / "bundle"
    shutil.copytree(BUNDLE, bundle)
    data = bytearray((bundle / "tokenizer.json").read_bytes())
    data[-2] ^= 0x01
    (bundle / "tokenizer.json").write_bytes(bytes(data))
    rc, doc = doctor_json(capsys, "--camera", str(SAMPLES), "--bundle", str(bundle))
    c = by_name(doc)
    assert rc == 1
    assert c["bundle"]["status"] == "fail" and "tokenizer.json" in c["bundle"]["detail"]
    assert c["inspection"]["status"] == "fail" and "not tried" in c["inspection"]["detail"]


def test_bad_settings_file_fails_with_the_fix(station, capsys):
    (station / "config").mkdir()
    (station / "config" / "settings.toml").write_text("questions = 'many'\n")
    rc, doc = doctor_json(capsys, "--camera", str(SAMPLES))
    c = by_name(doc)
    assert rc == 1 and c["settings"]["status"] == "fail"
    assert "delete" in c["settings"]["fix"] and "settings.toml" in c["settings"]["fix"]


def test_settings_choose_camera_and_data_folder(station, capsys):
    data = station / "elsewhere"
    data.mkdir()
    add_admin(data / "inspections.db")
    (station / "config").mkdir()
    (station / "config" / "settings.toml").write_text(f'camera = "{SAMPLES}"\ndata_dir = "{data}"\n')
    rc, doc = doctor_json(capsys)
    c = by_name(doc)
    assert rc == 0, [x for x in doc["checks"] if x["status"] == "fail"]
    assert c["camera"]["status"] == "ok" and c["camera"]["data"]["source"] == str(SAMPLES)
    assert c["database"]["data"]["path"] == str(data / "inspections.db")


def test_tampered_database_fails(station, capsys):
    db = station / "data" / "inspections.db"
    add_admin(db)
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TRIGGER inspections_no_update")
    rc, doc = doctor_json(capsys, "--camera", str(SAMPLES))
    c = by_name(doc)
    assert rc == 1 and c["database"]["status"] == "fail" and "inspections_no_update" in c["database"]["detail"]


def test_low_disk_and_wrong_clock_fail(station, capsys, monkeypatch):
    import datetime as dt

    add_admin(station / "data" / "inspections.db")
    monkeypatch.setattr(checks_mod, "CLOCK_FLOOR", dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400))
    rc, doc = doctor_json(capsys, "--camera", str(SAMPLES), "--min-free-gb", "1000000")
    c = by_name(doc)
    assert rc == 1
    assert c["disk"]["status"] == "fail" and "below" in c["disk"]["detail"]
    assert c["clock"]["status"] == "fail" and "timedatectl" in c["clock"]["fix"]


def test_clock_behind_the_newest_record_fails(station):
    doctor = Doctor(Options())
    import datetime as dt

    doctor.latest_record = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=2)
    check = doctor.check_clock()
    assert check.status == "fail" and "newest inspection" in check.detail


def test_hanging_camera_is_abandoned(station, monkeypatch):
    import app.camera

    class Stuck(app.camera.FrameSource):
        spec = "device 0"

        def read(self):
            time.sleep(30)

    monkeypatch.setattr(app.camera, "open_source", lambda *a, **k: Stuck())
    doctor = Doctor(Options(camera="0", camera_timeout_s=0.5))
    doctor.steps = lambda: [("camera", doctor.check_camera, 0.5)]
    t0 = time.perf_counter()
    [check] = doctor.run()
    assert time.perf_counter() - t0 < 5
    assert check.status == "fail" and "no answer within" in check.detail and check.fix


def test_sample_stands_in_for_an_unset_camera(station, tmp_path, monkeypatch):
    assets = tmp_path / "assets"
    shutil.copytree(SAMPLES, assets / "samples", ignore=shutil.ignore_patterns("*.mp4"))
    monkeypatch.setattr("app.runtime.bundle.ASSETS", assets)
    assert checks_mod.sample_source() == str(assets / "samples")  # no video: the images stand in
    doctor = Doctor(Options())
    doctor.check_settings()
    check = doctor.check_camera()
    assert check.status == "warn" and "no camera configured" in check.detail and "`camera`" in check.fix


def test_bad_provider_option_is_refused(capsys):
    assert main(["doctor", "--provider", "tpu"]) == 2
    assert "unknown provider" in capsys.readouterr().err


def test_doctor_needs_no_torch(station):
    """The checks import nothing from the training side (a line PC has no torch)."""
    code = ("import sys, json; from app.cli import main; "
            f"rc = main(['doctor', '-q', '--json', '--camera', {str(SAMPLES)!r}]); "
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'transformers', 'models')); "
            "print(json.dumps(bad), file=sys.stderr); sys.exit(0 if not bad else 3)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode in (0, 1), out.stderr[-2000:]
    assert json.loads(out.stderr.strip().splitlines()[-1]) == []
