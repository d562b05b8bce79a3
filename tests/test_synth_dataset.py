"""write_dataset and `sqinspect synth`: files, re-renderability, refusal of bad arguments."""

import json

import cv2
import numpy as np
import pytest

from app.cli import main
from models.synth import DEFECT_TYPES, image_seed, render_part, write_dataset


def _read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_write_dataset_layout_and_rerender(tmp_path):
    out = tmp_path / "ds"
    stats = write_dataset(out, count=12, seed=5, progress=False)
    gts = _read_jsonl(out / "groundtruth.jsonl")
    assert len(gts) == 12 == stats["images"]
    assert sorted(p.name for p in (out / "images").iterdir()) == [f"{i:06d}.png" for i in range(12)]
    assert len(list((out / "masks").iterdir())) == 12
    info = json.loads((out / "info.json").read_text())
    assert info["mask_values"]["1"] == DEFECT_TYPES[0] and info["count"] == 12
    for i, gt in enumerate(gts):
        assert gt["id"] == f"{i:06d}" and gt["image"] == f"images/{i:06d}.png" and gt["mask"] == f"masks/{i:06d}.png"
        assert gt["seed"] == image_seed(5, i)
    # Any image can be rendered alone from its per-image seed, bit for bit.
    for i in (0, 7):
        img, gt, mask = render_part(image_seed(5, i))
        assert np.array_equal(cv2.imread(str(out / gts[i]["image"]), cv2.IMREAD_COLOR), img)
        assert np.array_equal(cv2.imread(str(out / gts[i]["mask"]), cv2.IMREAD_UNCHANGED), mask)
        assert {k: v for k, v in gts[i].items() if k not in ("id", "image", "mask")} == \
               {k: v for k, v in gt.items() if k != "id"}


def test_image_seeds_are_distinct_and_depend_on_the_data_set_seed():
    seeds = {image_seed(1, i) for i in range(1000)}
    assert len(seeds) == 1000
    assert image_seed(1, 0) != image_seed(2, 0)


def test_workers_give_the_same_data_set(tmp_path):
    write_dataset(tmp_path / "a", count=6, seed=11, progress=False)
    write_dataset(tmp_path / "b", count=6, seed=11, workers=2, progress=False)
    assert (tmp_path / "a/groundtruth.jsonl").read_text() == (tmp_path / "b/groundtruth.jsonl").read_text()
    for i in range(6):
        a = (tmp_path / f"a/images/{i:06d}.png").read_bytes()
        assert a == (tmp_path / f"b/images/{i:06d}.png").read_bytes()


def test_cli_writes_dataset(tmp_path, capsys):
    out = tmp_path / "cli"
    assert main(["synth", str(out), "--count", "5", "--seed", "3", "--size", "96"]) == 0
    gts = _read_jsonl(out / "groundtruth.jsonl")
    assert len(gts) == 5 and all(gt["size"] == 96 for gt in gts)
    assert cv2.imread(str(out / gts[0]["image"])).shape == (96, 96, 3)
    assert "wrote 5 images" in capsys.readouterr().out


def test_cli_refuses_non_empty_output_unless_overwrite(tmp_path, capsys):
    out = tmp_path / "ds"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    assert main(["synth", str(out), "--count", "2", "--seed", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not empty" in err and "--overwrite" in err
    assert not (out / "groundtruth.jsonl").exists()
    assert main(["synth", str(out), "--count", "2", "--seed", "1", "--overwrite"]) == 0
    assert main(["synth", str(out), "--count", "3", "--seed", "2", "--overwrite"]) == 0
    assert len(_read_jsonl(out / "groundtruth.jsonl")) == 3
    assert len(list((out / "images").iterdir())) == 3  # stale images of the old set are gone
    assert (out / "notes.txt").read_text() == "keep me"  # files that are not ours are left alone


@pytest.mark.parametrize("args, words", [
    (["--count", "0", "--seed", "1"], "count"),
    (["--count", "-3", "--seed", "1"], "count"),
    (["--count", "2", "--seed", "-1"], "seed"),
    (["--count", "2", "--seed", "1", "--size", "10"], "size"),
    (["--count", "2", "--seed", "1", "--workers", "0"], "workers"),
])
def test_cli_refuses_bad_numbers(tmp_path, capsys, args, words):
    rc = main(["synth", str(tmp_path / "x"), *args])
    err = capsys.readouterr().err.strip()
    assert rc != 0 and len(err.splitlines()) == 1 and words in err
    assert not (tmp_path / "x" / "groundtruth.jsonl").exists()


def test_cli_refuses_a_file_as_output(tmp_path, capsys):
    f = tmp_path / "file"
    f.write_text("x")
    assert main(["synth", str(f), "--count", "1", "--seed", "1"]) != 0
    assert "not a directory" in capsys.readouterr().err


def test_cli_requires_count_and_seed(tmp_path):
    with pytest.raises(SystemExit) as exc:
        main(["synth", str(tmp_path / "y")])
    assert exc.value.code != 0
    with pytest.raises(SystemExit) as exc:
        main(["synth", str(tmp_path / "y"), "--count", "many", "--seed", "1"])
    assert exc.value.code != 0
