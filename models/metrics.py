"""Small metric helpers (numpy only)."""

from __future__ import annotations

import numpy as np


def roc_auc(labels, scores) -> float:
    """Area under the ROC curve via the rank-sum statistic (ties share their average rank)."""
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = labels.sum(), (~labels).sum()
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = scores.argsort(kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def threshold_for_recall(labels, scores, recall: float = 0.95) -> float:
    """Highest threshold (score >= t means defective) that still reaches `recall`."""
    labels = np.asarray(labels, dtype=bool)
    pos = np.sort(np.asarray(scores, dtype=np.float64)[labels])[::-1]
    if pos.size == 0:
        return 0.5
    k = int(np.ceil(recall * pos.size)) - 1
    return float(pos[min(max(k, 0), pos.size - 1)])


def rates_at(labels, scores, threshold: float) -> tuple[float, float]:
    """(recall, false alarm rate) when score >= threshold is called defective."""
    labels = np.asarray(labels, dtype=bool)
    called = np.asarray(scores, dtype=np.float64) >= threshold
    recall = float(called[labels].mean()) if labels.any() else float("nan")
    false_alarm = float(called[~labels].mean()) if (~labels).any() else float("nan")
    return recall, false_alarm


def recall_at_false_alarm(labels, scores, false_alarm: float) -> float:
    """Recall at the lowest threshold that calls at most `false_alarm` of good parts defective."""
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=np.float64)
    if not labels.any() or labels.all():
        return float("nan")
    negatives = np.sort(scores[~labels])[::-1]
    allowed = int(np.floor(false_alarm * negatives.size + 1e-9))  # good parts that may be called
    if allowed >= negatives.size:
        return 1.0
    # Called: strictly above the first good part that must pass (ties with it pass too).
    return float((scores[labels] > negatives[allowed]).mean())
