"""Which ONNX Runtime execution providers really work here: a real session of the tiny probe graph
on each, with CPU fallback disabled, and its output compared with numpy's.

onnxruntime-gpu lists the CUDA and TensorRT providers (and ort.get_device() says GPU) on machines
where they cannot start, and a session asked for CUDA quietly runs on the CPU when CUDA fails.
So each provider gets its own session with `session.disable_cpu_ep_fallback`, the providers the
session reports are checked, and the numbers must come out right.
"""

from __future__ import annotations

import contextlib
import io
import logging
import time
from dataclasses import dataclass

import numpy as np

from app.doctor import tiny_onnx
from app.runtime.engine import AUTO_ORDER, CPU, SHORT, captured_native_output, why_provider_failed

log = logging.getLogger(__name__)


@dataclass
class ProviderResult:
    name: str              # tensorrt | cuda | cpu
    works: bool
    detail: str            # timings when it works, the reason when it does not
    in_build: bool = True  # listed by this onnxruntime build at all
    session_ms: float | None = None
    run_ms: float | None = None


def probe_provider(full_name: str, *, threads: int = 1) -> ProviderResult:
    """Create a session of the probe graph on exactly this provider and run it once."""
    import onnxruntime as ort

    short = SHORT.get(full_name, full_name)
    if full_name not in ort.get_available_providers():
        return ProviderResult(short, False, f"not in this onnxruntime build ({ort.__version__})", in_build=False)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    if full_name != CPU:
        # Fail instead of silently placing nodes on the CPU: we want to know the provider ran them.
        opts.add_session_config_entry("session.disable_cpu_ep_fallback", "1")
    x = tiny_onnx.sample_input()
    error = ""
    t0 = time.perf_counter()
    printed = io.StringIO()  # onnxruntime's Python side prints "EP Error" messages too
    with captured_native_output() as native, contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            session = ort.InferenceSession(tiny_onnx.model_bytes(), opts, providers=[full_name])
            t1 = time.perf_counter()
            y = session.run(["Y"], {"X": x})[0]
            t2 = time.perf_counter()
        except Exception as exc:  # ORT's own exception types
            error = str(exc)
    said = (native[0] if native else "") + printed.getvalue()
    if error:
        return ProviderResult(short, False, why_provider_failed(said, error))
    running = session.get_providers()
    if running[0] != full_name:
        return ProviderResult(short, False, why_provider_failed(said, "") if said.strip() else f"the session fell back to {running[0]}")
    want = tiny_onnx.expected(x)
    if y.shape != want.shape or not np.array_equal(y, want):
        diff = float(np.max(np.abs(y.astype(np.float64) - want))) if y.shape == want.shape else float("nan")
        return ProviderResult(short, False, f"ran, but computed wrong numbers (max error {diff:.3g}); "
                                            "the GPU, its driver or the provider library is faulty")
    session_ms, run_ms = (t1 - t0) * 1000, (t2 - t1) * 1000
    return ProviderResult(short, True, f"test graph ran and matched numpy (session {session_ms:.0f} ms, "
                                       f"run {run_ms:.1f} ms)", session_ms=session_ms, run_ms=run_ms)


def probe_all() -> list[ProviderResult]:
    """Every provider the runtime knows, in the engine's order of preference."""
    results = []
    for name in AUTO_ORDER:
        result = probe_provider(name)
        log.info("provider %s: %s", result.name, result.detail)
        results.append(result)
    return results
