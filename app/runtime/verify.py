"""Verify a bundle with the product runtime: hashes, graph I/O, and the smoke generation.

The exporter records a smoke run in the manifest (a uniform grey image, the describe prompt, a
few greedy tokens and the gap between the two best logits at each step). Here the runtime that
inspects parts repeats it: the tokens must match, except after a step where the recorded run
had a near-tie (another CPU's float rounding may legally flip it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from app.runtime.bundle import GRAPH_NAMES, open_bundle
from app.runtime.errors import BundleError
from app.runtime.generate import extend

NEAR_TIE = 1e-3  # logit gap (relative to max(1, |top logit|)) below which a flipped token is allowed
SMOKE_STEPS = 8
# ORT reports element types as "tensor(float)"; the manifest uses numpy's names.
ORT_DTYPES = {"float": "float32", "double": "float64", "float16": "float16", "int64": "int64", "int32": "int32"}


def check_graph_io(engine) -> None:
    """Names, element types and shapes of every graph's inputs and outputs, as the manifest declares."""
    for graph in GRAPH_NAMES:
        declared = engine.bundle.manifest["graphs"][graph]
        session = engine.sessions[graph]
        for kind, values in (("inputs", session.get_inputs()), ("outputs", session.get_outputs())):
            want = declared.get(kind)
            if want is None:
                continue
            got = []
            for v in values:
                element = v.type.removeprefix("tensor(").removesuffix(")")
                got.append({"name": v.name, "dtype": ORT_DTYPES.get(element, element),
                            "shape": [d if d is None or isinstance(d, int) else str(d) for d in v.shape]})
            if [g["name"] for g in got] != [w["name"] for w in want]:
                raise BundleError(f"{engine.bundle.graph_file(graph)}: {kind} {[g['name'] for g in got]} differ "
                                  f"from the manifest's {[w['name'] for w in want]}")
            for g, w in zip(got, want):
                if g["dtype"] != w["dtype"] or g["shape"] != w["shape"]:
                    raise BundleError(f"{engine.bundle.graph_file(graph)}: {kind[:-1]} {g['name']} is "
                                      f"{g['dtype']}{g['shape']}, the manifest says {w['dtype']}{w['shape']}")


def smoke_run(pipeline, steps: int = SMOKE_STEPS) -> dict:
    """Greedy tokens for the grey image and the describe prompt, with each step's top-2 gap."""
    engine = pipeline.engine
    size = int(engine.bundle.manifest["preprocessing"]["size"])
    grey = np.full((size, size, 3), 128, np.uint8)
    logits, cache = pipeline.prefill_prefix(engine.image_features(engine.preprocess(grey)[None])[0])
    tokens, margins = [], []
    for n in range(steps):
        row = logits[0]
        if not np.all(np.isfinite(row)):
            raise BundleError(f"{engine.bundle.graph_file('decoder')}: smoke generation produced non-finite "
                              f"logits at step {n}")
        top2 = np.sort(row)[-2:]
        tokens.append(int(row.argmax()))
        margins.append(float((top2[1] - top2[0]) / max(1.0, abs(float(top2[1])))))
        if n < steps - 1:
            logits, cache = extend(engine, cache, [[tokens[-1]]], pad_id=pipeline.pad)
    return {"steps": steps, "tokens": tokens, "margins": margins}


def verify_bundle(folder: Path, progress: Callable[[str], None] | None = None) -> dict:
    """Raise BundleError (naming the file) at the first problem; return a short summary when all is well."""
    from app.runtime.engine import Engine
    from app.runtime.pipeline import Pipeline

    tick = progress or (lambda name: None)
    bundle = open_bundle(Path(folder))
    tick("hashes")
    engine = Engine(bundle, provider="cpu", threads=1)
    check_graph_io(engine)
    tick("graphs")
    expected = bundle.manifest.get("smoke") or {}
    try:
        smoke = smoke_run(Pipeline(engine), int(expected.get("steps", SMOKE_STEPS)))
    except BundleError:
        raise
    except Exception as exc:  # ORT's own exception types: name the graph, keep one line
        raise BundleError(f"{bundle.graph_file('decoder')}: smoke generation failed "
                          f"({str(exc).splitlines()[0]})") from None
    for n, (want, got) in enumerate(zip(expected.get("tokens", []), smoke["tokens"])):
        if want != got:
            if expected["margins"][n] >= NEAR_TIE:
                raise BundleError(f"{bundle.graph_file('decoder')}: smoke generation differs from the export at "
                                  f"step {n} (token {got}, expected {want})")
            break  # a near-tie flipped: later tokens legitimately differ
    tick("smoke")
    m = bundle.manifest
    return {"model": m["model"], "precision": m["precision"], "files": len(m["files"]),
            "smoke_tokens": smoke["tokens"]}
