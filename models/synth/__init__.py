"""Synthetic parts data: procedurally rendered part photos with pixel-exact defect masks, and
text (captions, conversations, question grading) grounded in their ground truth.

numpy + OpenCV only: importable without torch (the evaluation graders are used by tools that
must not pull in the training stack).

Public API
  render_part(rng_or_seed, size=128, image_id=None) -> (image_bgr uint8 HxWx3, gt dict, defect_mask uint8 HxW)
  write_dataset(out_dir, count, seed, size=128, workers=1, overwrite=False) -> stats dict
  image_seed(seed, index) -> int                 the render seed of image `index` of a data set
  caption(gt, rng) -> str                        stage-1 caption
  conversation(gt, rng) -> list of {"from", "value"} turns (LLaVA format)
  questions: VERDICT_QUESTION, QUESTION_TYPES, parse_question, is_valid_for, true_answer,
             answer_is_correct, description_claims, claim_is_true, describe
  mask_to_grid(mask, grid) -> per-cell defect labels for patch-level supervision

Ground truth (JSON-serialisable):
  {"id", "seed", "generator_version", "size", "part", "material", "background",
   "counts": {"holes": n} | {"teeth": n} | {},          what the picture shows
   "expected_counts": same keys,                        the design (differs for a missing/extra hole)
   "defects": [{"type", "location", "severity", "bbox": [x0, y0, x1, y1],
                "detail": "missing"|"extra" (missing_hole only)}],
   "defective": bool, "part_bbox": [x0, y0, x1, y1]}
  Boxes are in output pixels, x1/y1 exclusive. "location" is the 3x3 cell (vocab.LOCATIONS) of the
  defect's pixel centroid within part_bbox. Defect mask value k = 1 + DEFECT_TYPES.index(type).
"""

from .dataset import image_seed, write_dataset
from .masks import mask_to_grid, mask_to_multilabel
from .questions import (QUESTION_TYPES, VERDICT_QUESTION, ParsedQuestion, answer_is_correct, claim_is_true,
                        describe, description_claims, is_valid_for, parse_question, true_answer)
from .render import render_part
from .text import caption, conversation
from .vocab import (BACKGROUNDS, DEFECT_TYPES, GENERATOR_VERSION, LOCATIONS, MATERIALS, PART_TYPES)

__all__ = [
    "render_part", "write_dataset", "image_seed", "caption", "conversation", "mask_to_grid",
    "mask_to_multilabel", "QUESTION_TYPES", "VERDICT_QUESTION", "ParsedQuestion", "parse_question",
    "is_valid_for", "true_answer", "answer_is_correct", "description_claims", "claim_is_true", "describe",
    "BACKGROUNDS", "DEFECT_TYPES", "GENERATOR_VERSION", "LOCATIONS", "MATERIALS", "PART_TYPES",
]
