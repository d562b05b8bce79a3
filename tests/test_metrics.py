"""Verdict metrics on small hand-checked cases, and the eval report's per-defect breakdowns."""

import math

import numpy as np
import pytest

from models.evaluate import false_alarm_by_part, recall_by_defect
from models.metrics import rates_at, recall_at_false_alarm, roc_auc, threshold_for_recall

LABELS = [True, True, True, True, False, False, False, False, False, False]
SCORES = [0.9, 0.8, 0.4, 0.2, 0.85, 0.3, 0.1, 0.05, 0.02, 0.01]


def test_roc_auc_counts_ordered_pairs_and_ties_as_half():
    # The share of (defective, good) pairs ranked right, ties half: counted directly.
    pairs = [(p > n) + 0.5 * (p == n) for p, lp in zip(SCORES, LABELS) if lp
             for n, ln in zip(SCORES, LABELS) if not ln]
    assert roc_auc(LABELS, SCORES) == pytest.approx(sum(pairs) / len(pairs))
    assert roc_auc([True, False], [0.5, 0.5]) == 0.5
    assert roc_auc([True, False], [0.9, 0.1]) == 1.0
    assert math.isnan(roc_auc([True, True], [0.1, 0.2]))


def test_threshold_for_recall_and_rates_at_it():
    t = threshold_for_recall(LABELS, SCORES, recall=0.75)
    assert t == 0.4  # the third-highest defective score keeps 3 of 4
    assert rates_at(LABELS, SCORES, t) == (0.75, pytest.approx(1 / 6))  # 0.85 is the only false alarm


def test_recall_at_false_alarm():
    # No false alarm allowed: called must beat the best good part (0.85): only 0.9 does.
    assert recall_at_false_alarm(LABELS, SCORES, 0.0) == 0.25
    # One in six allowed (17%): beat the second good part (0.3): 0.9, 0.8, 0.4.
    assert recall_at_false_alarm(LABELS, SCORES, 0.17) == 0.75
    assert recall_at_false_alarm(LABELS, SCORES, 0.16) == 0.25  # still none of six allowed
    assert recall_at_false_alarm(LABELS, SCORES, 1.0) == 1.0
    # Ties with the first good part that must pass are not called.
    assert recall_at_false_alarm([True, False], [0.5, 0.5], 0.0) == 0.0
    assert math.isnan(recall_at_false_alarm([False, False], [0.1, 0.2], 0.05))


def test_recall_at_false_alarm_keeps_its_promise_on_random_scores():
    rng = np.random.default_rng(0)
    labels = rng.random(500) < 0.5
    scores = np.round(rng.random(500) + labels * 0.3, 2)  # rounded: many ties
    for fa in (0.01, 0.05, 0.2):
        r = recall_at_false_alarm(labels, scores, fa)
        # Some threshold reaches this recall within the false-alarm budget, and none does better.
        reachable = [rates_at(labels, scores, t) for t in np.unique(scores)] + [(0.0, 0.0)]
        assert max(rec for rec, f in reachable if f <= fa + 1e-12) == pytest.approx(r)


def test_breakdowns_by_defect_and_by_part():
    gts = [
        {"part": "gear", "defective": True, "defects": [{"type": "chip", "severity": "subtle"}]},
        {"part": "gear", "defective": True, "defects": [{"type": "chip", "severity": "subtle"},
                                                        {"type": "rust", "severity": "clear"}]},
        {"part": "gear", "defective": False, "defects": []},
        {"part": "plate", "defective": False, "defects": []},
        {"part": "plate", "defective": False, "defects": []},
    ]
    called = [False, True, True, False, True]
    assert recall_by_defect(gts, called) == {"chip/subtle": {"recall": 0.5, "n": 2},
                                             "rust/clear": {"recall": 1.0, "n": 1}}
    assert false_alarm_by_part(gts, called) == {"gear": {"false_alarm": 1.0, "n": 1},
                                                "plate": {"false_alarm": 0.5, "n": 2}}
