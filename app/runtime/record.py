"""Result records (what `inspect` prints and the store keeps) and recording them."""

from __future__ import annotations

import re

from app.runtime.images import LoadedImage
from app.runtime.pipeline import Inspection

# The store refuses control characters (other than tab/newline) in text; a small model can emit
# them as bytes. The JSON keeps the model's exact text; the database copy shows U+FFFD instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def result_record(image: LoadedImage, inspection: Inspection, bundle: dict, load_ms: float) -> dict:
    latency = {"load": round(load_ms, 3), **inspection.latency_ms}
    latency["total"] = round(inspection.latency_ms["total"] + load_ms, 3)
    return {
        "image": image.path,
        "image_sha256": image.sha256,
        "description": inspection.description,
        "qa": inspection.qa,
        "verdict": inspection.verdict,
        "defect_probability": round(inspection.defect_probability, 6),
        "threshold": inspection.threshold,
        "latency_ms": latency,
        "questions_sampled": inspection.questions_sampled,
        "bundle": bundle,
    }


def _clean(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


def for_store(result: dict) -> dict:
    """The record with text the store accepts (control characters replaced)."""
    rec = dict(result)
    rec["description"] = _clean(result["description"])
    rec["qa"] = [{"question": _clean(p["question"]), "answer": _clean(p["answer"])} for p in result["qa"]]
    return rec
