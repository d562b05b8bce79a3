"""Checks on everything handed to the store's public API: types, ranges, sizes.

Each returns the normalised value or raises InvalidInput with a message naming the field.
"""

from __future__ import annotations

import math
import re

from app.store.errors import InvalidInput

MAX_NAME = 64  # user and station names
MAX_FIELD = 128  # part serial, lot
MAX_SOURCE = 4096  # image path or camera name
MAX_DESCRIPTION = 20_000
MAX_QA_TEXT = 4_000
MAX_QA_PAIRS = 64
MAX_REASON = 2_000
MAX_PASSWORD = 256
MIN_PASSWORD = 4  # a 4-digit PIN is the shortest secret the stations use
MAX_PAGE = 1_000
MAX_BUNDLE_NAME = 200

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]*")
SHA256_RE = re.compile(r"[0-9a-f]{64}")
# Control characters (other than tab and line breaks in free text) have no business in a record.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _type_name(value: object) -> str:
    return type(value).__name__


def text(value: object, field: str, *, max_len: int, multiline: bool = False, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: expected text, got {_type_name(value)}")
    if len(value) > max_len:
        raise InvalidInput(f"{field}: too long ({len(value)} characters, at most {max_len})")
    if required and not value.strip():
        raise InvalidInput(f"{field}: must not be empty")
    if (_CONTROL_RE if multiline else _LINE_CONTROL_RE).search(value):
        raise InvalidInput(f"{field}: contains control characters")
    return value


def optional_text(value: object, field: str, *, max_len: int) -> str | None:
    if value is None:
        return None
    value = text(value, field, max_len=max_len, required=False)
    return value.strip() or None


def name(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: expected a name, got {_type_name(value)}")
    if not (1 <= len(value) <= MAX_NAME) or not NAME_RE.fullmatch(value):
        shown = value if len(value) <= MAX_NAME else value[:MAX_NAME] + "..."
        raise InvalidInput(
            f"{field}: {shown!r} is not a valid name (1-{MAX_NAME} letters, digits, '.', '_', '-', '@')"
        )
    return value


def choice(value: object, field: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidInput(f"{field}: expected one of {', '.join(choices)}, got {value!r:.80}")
    return value


def flag(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidInput(f"{field}: expected True or False, got {_type_name(value)}")
    return value


def number(value: object, field: str, *, lo: float = 0.0, hi: float = math.inf) -> float:
    # bool is an int subclass; True as a probability is a bug upstream, not a number.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidInput(f"{field}: expected a number, got {_type_name(value)}")
    value = float(value)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise InvalidInput(f"{field}: {value} is outside [{lo}, {hi}]")
    return value


def integer(value: object, field: str, *, lo: int = 0, hi: int = 2**63 - 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{field}: expected an integer, got {_type_name(value)}")
    if not lo <= value <= hi:
        raise InvalidInput(f"{field}: {value} is outside [{lo}, {hi}]")
    return value


def record_id(value: object, field: str) -> int:
    return integer(value, field, lo=1)


def sha256_hex(value: object, field: str) -> str:
    if not isinstance(value, str) or not SHA256_RE.fullmatch(value.lower()):
        raise InvalidInput(f"{field}: expected a sha256 as 64 hex digits, got {value!r:.80}")
    return value.lower()


def password(value: object, field: str = "password") -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{field}: expected text, got {_type_name(value)}")
    if not MIN_PASSWORD <= len(value) <= MAX_PASSWORD:
        raise InvalidInput(f"{field}: must be {MIN_PASSWORD} to {MAX_PASSWORD} characters")
    if _LINE_CONTROL_RE.search(value):
        raise InvalidInput(f"{field}: contains control characters")
    return value


def mapping(value: object, field: str) -> dict:
    if not isinstance(value, dict):
        raise InvalidInput(f"{field}: expected a mapping, got {_type_name(value)}")
    return value


def inspection_result(result: object) -> dict:
    """The pipeline's result record, checked and reduced to the fields the store keeps.
    Keys the store does not know are ignored (the pipeline may add more)."""
    result = mapping(result, "result")
    missing = [
        k
        for k in ("image", "image_sha256", "description", "qa", "verdict", "defect_probability",
                  "threshold", "latency_ms", "bundle")
        if k not in result
    ]
    if missing:
        raise InvalidInput(f"result: missing {', '.join(missing)}")
    qa = result["qa"]
    if not isinstance(qa, (list, tuple)):
        raise InvalidInput(f"result.qa: expected a list, got {_type_name(qa)}")
    if len(qa) > MAX_QA_PAIRS:
        raise InvalidInput(f"result.qa: {len(qa)} pairs, at most {MAX_QA_PAIRS}")
    pairs = []
    for i, pair in enumerate(qa):
        pair = mapping(pair, f"result.qa[{i}]")
        pairs.append(
            (
                text(pair.get("question"), f"result.qa[{i}].question", max_len=MAX_QA_TEXT, multiline=True),
                text(pair.get("answer"), f"result.qa[{i}].answer", max_len=MAX_QA_TEXT, multiline=True,
                     required=False),
            )
        )
    latency = mapping(result["latency_ms"], "result.latency_ms")
    if len(latency) > 32:
        raise InvalidInput("result.latency_ms: too many stages")
    latency_ms = {}
    for stage, ms in latency.items():
        stage = text(stage, "result.latency_ms stage", max_len=40)
        latency_ms[stage] = number(ms, f"result.latency_ms.{stage}", hi=1e9)
    bundle = mapping(result["bundle"], "result.bundle")
    return {
        "source": text(result["image"], "result.image", max_len=MAX_SOURCE),
        "source_sha256": sha256_hex(result["image_sha256"], "result.image_sha256"),
        "description": text(result["description"], "result.description", max_len=MAX_DESCRIPTION,
                            multiline=True, required=False),
        "qa": pairs,
        "verdict": choice(result["verdict"], "result.verdict", ("pass", "fail")),
        "defect_probability": number(result["defect_probability"], "result.defect_probability", hi=1.0),
        "threshold": number(result["threshold"], "result.threshold", hi=1.0),
        "latency_ms": latency_ms,
        "bundle_name": text(bundle.get("name"), "result.bundle.name", max_len=MAX_BUNDLE_NAME),
        "bundle_sha256": sha256_hex(bundle.get("sha256"), "result.bundle.sha256"),
    }
