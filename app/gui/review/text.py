"""How the QA view writes times, probabilities and outcomes (translated where they are words)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication

from app.gui.theme import VERDICT_COLOURS

# pyside6-lupdate finds calls of a function named `translate` with literal context and text.
translate = QCoreApplication.translate

# The colour of an inspection with no outcome (the inspector rejected the image as unusable):
# it needs a person's attention, as REVIEW does at the station.
NO_OUTCOME = "review"
assert NO_OUTCOME in VERDICT_COLOURS
NONE = "–"  # no decision, no review yet


def local_time(utc_text: str | None, *, seconds: bool = True) -> str:
    """'2025-03-01T08:00:00.123456Z' as this computer's local time, '2025-03-01 17:00:00'."""
    if not utc_text:
        return ""
    when = dt.datetime.fromisoformat(utc_text.replace("Z", "+00:00")).astimezone()
    return when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def probability(p: float | None) -> str:
    """Four significant digits, never in exponent form: 0.9997, 0.003162, 0.0001678."""
    if p is None:
        return ""
    text = f"{p:.4g}"
    if "e" in text:
        digits = max(0, 3 - int(f"{p:e}".split("e")[1]))
        text = f"{p:.{digits}f}".rstrip("0").rstrip(".")
    return text


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate * 100:.1f} %"


def verdict(value: str | None) -> str:
    """PASS / FAIL, or 'no outcome' for a rejected inspection."""
    if value == "pass":
        return translate("ReviewText", "PASS")
    if value == "fail":
        return translate("ReviewText", "FAIL")
    return translate("ReviewText", "NO OUTCOME")


def decision(row: dict) -> str:
    """The inspector's decision in a few words."""
    kind = row.get("decision")
    if kind is None:
        return NONE
    if kind == "accept":
        return translate("ReviewText", "accepted")
    if kind == "override":
        return translate("ReviewText", "overrode to %1").replace("%1", verdict(row.get("decision_verdict")))
    return translate("ReviewText", "rejected image")


def review(row: dict) -> str:
    """The latest QA review in a few words, with how many there were."""
    count = row.get("review_count") or 0
    if not count:
        return NONE
    if row.get("review") == "confirm":
        text = translate("ReviewText", "confirmed")
    else:
        text = translate("ReviewText", "overrode to %1").replace("%1", verdict(row.get("review_verdict")))
    who = row.get("reviewed_by") or ""
    text = f"{text} ({who})" if who else text
    return text if count == 1 else translate("ReviewText", "%1, %2 reviews").replace("%1", text).replace("%2", str(count))
