"""`sqinspect inspect`: a batch with bad images, the JSON document, seeds, the database."""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from test_runtime_support import tiny_bundle

from app.cli import main

ROOT = Path(__file__).resolve().parents[1]
KEYS = {"image", "image_sha256", "description", "qa", "verdict", "defect_probability", "threshold",
        "latency_ms", "questions_sampled", "bundle"}


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return tiny_bundle(tmp_path_factory)[1]


def _huge_png(side: int) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    body = zlib.compress(b"\x00" * (1 + side // 8) * 2000)  # header is all that is read
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", body) + chunk(b"IEND", b""))


@pytest.fixture(scope="module")
def images(tmp_path_factory) -> Path:
    """Good and bad images in one folder."""
    d = tmp_path_factory.mktemp("imgs")
    good = cv2.imread(str(ROOT / "assets" / "samples" / "000000.png"), cv2.IMREAD_COLOR)
    cv2.imwrite(str(d / "01_good.png"), good)
    cv2.imwrite(str(d / "02_good.jpg"), good)
    cv2.imwrite(str(d / "03_rgba.png"), np.dstack([good, np.full(good.shape[:2], 128, np.uint8)]))
    cv2.imwrite(str(d / "04_gray.png"), good[..., 0])
    cv2.imwrite(str(d / "05_deep.png"), good.astype(np.uint16) * 256)
    (d / "06_corrupt.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3)
    (d / "07_empty.jpg").write_bytes(b"")
    png = (d / "01_good.png").read_bytes()
    (d / "08_truncated.png").write_bytes(png[: len(png) // 2])
    jpg = (d / "02_good.jpg").read_bytes()
    (d / "09_truncated.jpg").write_bytes(jpg[: len(jpg) // 2])
    (d / "10_huge.png").write_bytes(_huge_png(20000))
    (d / "11_text.bmp").write_bytes(b"hello, not an image")
    return d


GOOD = {"01_good.png", "02_good.jpg", "03_rgba.png", "04_gray.png", "05_deep.png"}


def _run(capsys, *argv) -> tuple[int, dict, str]:
    code = main(["inspect", *argv])
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out.strip() else {}, out.err


def test_batch_goes_on_past_bad_images_and_exits_1(bundle, images, capsys):
    code, doc, err = _run(capsys, str(images), "--bundle", str(bundle), "--questions", "2")
    assert code == 1
    assert doc["n_images"] == 11 and doc["n_failed"] == 6
    assert doc["provider"] == "cpu" and doc["questions"] == 2 and doc["bundle"]["path"] == str(bundle)
    by_name = {Path(r["image"]).name: r for r in doc["results"]}
    for name, r in by_name.items():
        if name in GOOD:
            assert KEYS <= set(r) and "error" not in r, name
            assert r["verdict"] in ("pass", "fail") and 0 <= r["defect_probability"] <= 1
            assert r["verdict"] == ("fail" if r["defect_probability"] >= r["threshold"] else "pass")
            assert len(r["questions_sampled"]) == 2 and len(r["qa"]) <= 2
            assert {"load", "vision", "description", "verdict", "total"} <= set(r["latency_ms"])
            assert r["image_sha256"] == __import__("hashlib").sha256(Path(r["image"]).read_bytes()).hexdigest()
        else:
            assert set(r) == {"image", "error"}, name
            assert r["error"] and "\n" not in r["error"]
    assert "truncated" in by_name["08_truncated.png"]["error"] and "truncated" in by_name["09_truncated.jpg"]["error"]
    assert "over the limit" in by_name["10_huge.png"]["error"]
    assert "empty" in by_name["07_empty.jpg"]["error"]
    assert err.count("\n") == 11  # one progress line per image


def test_same_seed_same_output(bundle, images, tmp_path, capsys):
    def strip(doc):
        return [{k: v for k, v in r.items() if k != "latency_ms"} for r in doc["results"]]

    args = [str(images / "01_good.png"), str(images / "04_gray.png"), "--bundle", str(bundle), "-q"]
    runs = []
    for n in range(2):
        out = tmp_path / f"r{n}.json"
        assert main(["inspect", *args, "--seed", "5", "--json", str(out)]) == 0
        runs.append(json.loads(out.read_text()))
    assert strip(runs[0]) == strip(runs[1])
    assert capsys.readouterr().out == ""  # the JSON went to the file


def test_records_into_the_database(bundle, images, tmp_path, capsys):
    from app.store import Store

    db = tmp_path / "station.db"
    with Store(db) as store:
        store.add_user("admin", "admin", "correct horse battery", actor=None)
        store.add_user("ines", "inspector", "correct horse battery", actor="admin")
    code, doc, _ = _run(capsys, str(images / "01_good.png"), str(images / "02_good.jpg"), str(images / "07_empty.jpg"),
                        "--bundle", str(bundle), "--db", str(db), "--operator", "ines", "--serial", "SN-1",
                        "--lot", "L7", "--station", "line-3", "-q")
    assert code == 1  # the empty file
    ids = [r["inspection_id"] for r in doc["results"] if "inspection_id" in r]
    assert len(ids) == 2
    with Store(db) as store:
        rows = list(store.db.table("inspections").rows_where(order_by="id"))
        assert [r["serial"] for r in rows] == ["SN-1", "SN-1"] and rows[0]["lot"] == "L7"
        assert rows[0]["source_sha256"] == doc["results"][0]["image_sha256"]
        assert rows[0]["bundle_sha256"] == doc["bundle"]["sha256"]
        assert store.db.table("qa_pairs").count == sum(len(r["qa"]) for r in doc["results"][:2])
    assert main(["db", "verify", "--db", str(db)]) == 0


def test_recording_needs_a_known_operator(bundle, images, tmp_path, capsys):
    from app.store import Store

    db = tmp_path / "station.db"
    with Store(db) as store:
        store.add_user("admin", "admin", "correct horse battery", actor=None)
    code = main(["inspect", str(images / "01_good.png"), "--bundle", str(bundle), "--db", str(db), "--operator", "zed"])
    err = capsys.readouterr().err
    assert code == 2 and "'zed' is not a user" in err and "sqinspect db users add" in err
    code = main(["inspect", str(images / "01_good.png"), "--bundle", str(bundle), "--db", str(db)])
    assert code == 2 and "--operator" in capsys.readouterr().err
    code = main(["inspect", str(images / "01_good.png"), "--bundle", str(bundle), "--db", str(tmp_path / "none.db"),
                 "--operator", "admin"])
    assert code == 2 and "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


def test_no_bundle_is_one_line_and_nonzero(images, tmp_path, monkeypatch, capsys):
    import app.runtime.bundle as rb

    monkeypatch.delenv(rb.ENV_BUNDLE, raising=False)
    monkeypatch.setattr(rb, "ASSETS", tmp_path)
    code = main(["inspect", str(images / "01_good.png")])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "no model bundle" in err and "\n" not in err


def test_damaged_bundle_is_refused(bundle, images, tmp_path, capsys):
    import shutil

    copy = tmp_path / "b"
    shutil.copytree(bundle, copy)
    (copy / "vision.onnx").write_bytes((copy / "vision.onnx").read_bytes()[:-1] + b"\x00")
    code = main(["inspect", str(images / "01_good.png"), "--bundle", str(copy)])
    assert code == 2 and "vision.onnx" in capsys.readouterr().err


def test_empty_folder_is_an_error_entry(bundle, tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, doc, _ = _run(capsys, str(tmp_path / "empty"), "--bundle", str(bundle), "-q")
    assert code == 1 and "no image files" in doc["results"][0]["error"]


def test_verdict_tokens_are_found_as_the_reply_splits_them():
    from tiny_models import llama_style_tokenizer
    from tokenizers import Tokenizer

    from models.inspect import reply_token_id

    llama = llama_style_tokenizer()
    assert len(llama.encode(" Yes", add_special_tokens=False).ids) == 2  # "▁" + "▁Yes": the word alone
    yes = reply_token_id(llama, "ASSISTANT", " Yes")
    assert llama.id_to_token(yes) == "▁Yes"  # what the model emits after "ASSISTANT:"
    ours = Tokenizer.from_file(str(Path(__file__).resolve().parents[1] / "models" / "default_model" / "tokenizer.json"))
    for word in (" Yes", " No"):  # byte-level BPE: the reply's token is the word's own
        assert [reply_token_id(ours, "ASSISTANT", word)] == ours.encode(word, add_special_tokens=False).ids
    with pytest.raises(ValueError, match="not a single token"):
        reply_token_id(ours, "ASSISTANT", " Absolutely not")
