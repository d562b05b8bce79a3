"""What the station shows for a probability: PASS, FAIL, or REVIEW near the threshold."""

from __future__ import annotations

import math

PASS, FAIL, REVIEW = "pass", "fail", "review"
_EPS = 1e-9


def log_odds(p: float) -> float:
    p = min(max(float(p), _EPS), 1.0 - _EPS)
    return math.log(p / (1.0 - p))


def model_verdict(probability: float, threshold: float) -> str:
    return FAIL if probability >= threshold else PASS


def shown_verdict(probability: float, threshold: float, band: float) -> str:
    """REVIEW when the probability is within `band` log-odds of the threshold. Log-odds, because
    thresholds near 0 or 1 make "near" meaningless on the probability scale."""
    if band > 0 and abs(log_odds(probability) - log_odds(threshold)) < band:
        return REVIEW
    return model_verdict(probability, threshold)


def verdict_label(verdict: str | None) -> str:
    """The verdict as the windows show it, in the current language."""
    from PySide6.QtCore import QCoreApplication

    names = {PASS: QCoreApplication.translate("Verdict", "PASS"), FAIL: QCoreApplication.translate("Verdict", "FAIL"),
             REVIEW: QCoreApplication.translate("Verdict", "REVIEW")}
    return names.get(verdict or "", verdict or "")


def role_label(role: str) -> str:
    from PySide6.QtCore import QCoreApplication

    names = {"inspector": QCoreApplication.translate("Role", "inspector"), "qa": QCoreApplication.translate("Role", "QA"),
             "admin": QCoreApplication.translate("Role", "admin")}
    return names.get(role, role)
