"""`sqinspect demo` (what `make run` shows): the runtime on the sample parts, with ground truth."""

from pathlib import Path

import pytest
from test_runtime_support import tiny_bundle

from app.cli import main

SAMPLES = Path(__file__).resolve().parents[1] / "assets" / "samples"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return tiny_bundle(tmp_path_factory)[1]


def test_demo_prints_a_verdict_and_the_truth_per_sample(bundle, capsys):
    assert main(["demo", "--bundle", str(bundle), "--questions", "2"]) == 0
    out = capsys.readouterr().out
    n = len(list(SAMPLES.glob("*.png")))
    assert n >= 4
    assert out.count("defect probability") == n
    assert out.count("ground truth:") == n


def test_demo_reports_a_bad_image_and_fails(bundle, tmp_path, capsys):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert main(["demo", "--bundle", str(bundle), str(bad)]) == 1
    assert "broken.png: error:" in capsys.readouterr().out


def test_demo_without_a_bundle_is_a_one_line_error(tmp_path, capsys):
    assert main(["demo", "--bundle", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "missing" in err
