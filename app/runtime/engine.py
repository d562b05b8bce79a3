"""ONNX Runtime sessions of a bundle: provider choice, thread settings, and the graph calls.

Providers: TensorRT (only where `sqinspect build-engines` left engines beside the bundle), then
CUDA, then CPU; or the one named. onnxruntime-gpu lists CUDA/TensorRT (and ort.get_device() says
GPU) even where they cannot start, so each is tried with a real session and
session.get_providers() says what actually runs.

Threads: one intra-op thread by default ($SQINSPECT_THREADS or threads= to change), one inter-op
thread, and no spin-waiting. The default model's ops are too small to pay for a pool: on this
2-core machine one thread inspected a part in 54 ms (p50, fp32, model 0.2) against 77 ms with
two, and the other core stays free for the GUI and the camera. Larger models want more threads.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from app.runtime.bundle import CACHE_DIR, Bundle, open_bundle
from app.runtime.errors import BundleError, ProviderError

log = logging.getLogger(__name__)

TENSORRT, CUDA, CPU = "TensorrtExecutionProvider", "CUDAExecutionProvider", "CPUExecutionProvider"
AUTO_ORDER = (TENSORRT, CUDA, CPU)
ALIASES = {"tensorrt": TENSORRT, "trt": TENSORRT, "cuda": CUDA, "gpu": CUDA, "cpu": CPU}
SHORT = {TENSORRT: "tensorrt", CUDA: "cuda", CPU: "cpu"}
ENV_THREADS = "SQINSPECT_THREADS"
# The embedding graph is a table lookup; below this size the table is read out once and looked
# up in numpy, which saves a session.run per decode step.
EMBED_TABLE_MAX_BYTES = 256 << 20


def provider_name(name: str) -> str:
    """'cuda' / 'CUDAExecutionProvider' -> 'CUDAExecutionProvider'."""
    full = ALIASES.get(name.lower(), name)
    if full not in AUTO_ORDER:
        raise ProviderError(f"unknown provider {name!r}; choose from tensorrt, cuda, cpu")
    return full


def default_threads() -> int:
    env = os.environ.get(ENV_THREADS)
    if env:
        try:
            return max(1, int(env))
        except ValueError:
            raise ProviderError(f"${ENV_THREADS}={env!r} is not a number of threads") from None
    return 1


def session_options(threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    opts.log_severity_level = 3
    return opts


@contextlib.contextmanager
def captured_native_output():
    """What ONNX Runtime's C++ side prints while a provider is tried (it bypasses sys.stderr)."""
    sys.stdout.flush()
    sys.stderr.flush()
    text: list[str] = []
    with tempfile.TemporaryFile(mode="w+b") as sink:
        saved = os.dup(1), os.dup(2)
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield text
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sink.seek(0)
            text.append(sink.read().decode("utf-8", "replace"))


def why_provider_failed(native: str, error: str) -> str:
    libs = re.findall(r"([\w.+-]+\.so[.\d]*|[\w.+-]+\.dll): cannot open shared object file", native + error)
    if libs:
        return "missing library " + ", ".join(dict.fromkeys(libs))
    for pattern in (r"no CUDA-capable device is detected", r"CUDA driver version is insufficient[^\n]*",
                    r"Require cuDNN [\d.*]+ and CUDA [\d.*]+", r"install TensorRT libraries"):
        m = re.search(pattern, native + error)
        if m:
            return m.group(0)
    lines = [line.strip() for line in (error or native).splitlines() if line.strip()]
    return lines[-1][:200] if lines else "the provider did not start"


def _tensorrt_options(bundle: Bundle) -> dict | None:
    """Options that find the engines `sqinspect build-engines` cached beside the bundle, or None."""
    info_file = bundle.path / CACHE_DIR / "engines.json"
    if not info_file.is_file():
        return None
    info = json.loads(info_file.read_text())
    cache = bundle.path / CACHE_DIR / "trt"
    return {"info": info, "cache": cache}


class Engine:
    """The three sessions of a bundle, plus the tokenizer, prompts and preprocessing it names."""

    def __init__(self, bundle: Bundle | Path | None = None, *, provider: str | None = None,
                 threads: int | None = None, verify_hashes: bool = True):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        from app.runtime.preprocess import Preprocessor
        from app.runtime.prompt import Prompts

        self.bundle = bundle if isinstance(bundle, Bundle) else open_bundle(bundle, verify_hashes=verify_hashes)
        m = self.bundle.manifest
        self.threads = threads or default_threads()
        self.ort_version = ort.__version__
        try:
            self.tokenizer = Tokenizer.from_file(str(self.bundle.tokenizer_file))
        except Exception as exc:  # tokenizers raises its own types
            raise BundleError(f"{self.bundle.tokenizer_file}: does not load ({exc})") from None
        self.prompts = Prompts(m, self.tokenizer)
        self.preprocess = Preprocessor(m["preprocessing"])
        self.num_layers, self.kv_heads, self.head_dim = m["num_layers"], m["num_kv_heads"], m["head_dim"]
        self.hidden, self.vocab = m["hidden_size"], m["vocab_size"]
        self.image_seq_length = int(m["image_seq_length"])
        kv = m.get("kv_cache", {})
        past_fmt = kv.get("past_inputs", "past_key_values.{layer}.key|value").split("|")[0].rsplit(".", 1)[0]
        present_fmt = kv.get("present_outputs", "present.{layer}.key|value").split("|")[0].rsplit(".", 1)[0]
        self.kv_in = [f"{past_fmt.format(layer=i)}.{k}" for i in range(self.num_layers) for k in ("key", "value")]
        self.kv_out = [f"{present_fmt.format(layer=i)}.{k}" for i in range(self.num_layers) for k in ("key", "value")]
        self.sessions, self.provider, self.provider_notes = self._start(provider)
        self._check_io()
        self.decoder_run_s = 0.0  # time inside the decoder's session.run, for the bench
        self.embed_table = self._embedding_table()

    # -- sessions --------------------------------------------------------------------------
    def _start(self, requested: str | None):
        import onnxruntime as ort

        available = ort.get_available_providers()
        order = [provider_name(requested)] if requested else list(AUTO_ORDER)
        notes: dict[str, str] = {}
        for name in order:
            if name not in available:
                notes[SHORT[name]] = f"not in this onnxruntime build ({ort.__version__})"
                continue
            try:
                sessions = self._sessions(name)
            except ProviderError as exc:
                notes[SHORT[name]] = str(exc)
                continue
            running = {g: s.get_providers()[0] for g, s in sessions.items()}
            if all(p == name for p in running.values()):
                for other, why in notes.items():
                    log.info("provider %s not used: %s", other, why)
                log.info("running on %s with %d intra-op threads", name, self.threads)
                return sessions, SHORT[name], notes
            notes[SHORT[name]] = "sessions fell back to " + ", ".join(sorted(set(running.values())))
        tried = "; ".join(f"{k}: {v}" for k, v in notes.items())
        if requested:
            raise ProviderError(f"provider {requested} does not run here ({tried})")
        raise ProviderError(f"no execution provider runs this bundle ({tried})")

    def _sessions(self, name: str) -> dict:
        import onnxruntime as ort

        opts = session_options(self.threads)
        per_graph: dict[str, list] = {}
        if name == TENSORRT:
            trt = _tensorrt_options(self.bundle)
            if trt is None:
                raise ProviderError("no TensorRT engines beside this bundle; build them on this machine with "
                                    f"`sqinspect build-engines {self.bundle.path}`")
            fp16 = bool(trt["info"].get("fp16"))
            for g, built in trt["info"].get("graphs", {}).items():
                prof = built["profile"]
                per_graph[g] = [(TENSORRT, {
                    "trt_engine_cache_enable": True, "trt_engine_cache_path": str(trt["cache"]),
                    "trt_timing_cache_enable": True, "trt_timing_cache_path": str(trt["cache"]),
                    "trt_fp16_enable": fp16, "trt_engine_cache_prefix": f"{g}_{'fp16' if fp16 else 'fp32'}",
                    "trt_profile_min_shapes": prof["min"], "trt_profile_opt_shapes": prof["opt"],
                    "trt_profile_max_shapes": prof["max"],
                }), CUDA, CPU]
        sessions = {}
        for graph in ("vision", "embedding", "decoder"):
            providers = per_graph.get(graph, [name, CPU] if name != CPU else [CPU])
            path = str(self.bundle.graph_file(graph))
            if name == CPU:
                try:
                    sessions[graph] = ort.InferenceSession(path, opts, providers=providers)
                except Exception as exc:  # ORT's own exception types
                    raise BundleError(f"{path}: does not load in ONNX Runtime ({str(exc).splitlines()[0]})") from None
                continue
            with captured_native_output() as native:
                error = ""
                try:
                    sessions[graph] = ort.InferenceSession(path, opts, providers=providers)
                except Exception as exc:
                    error = str(exc)
            if error:
                raise ProviderError(why_provider_failed(native[0] if native else "", error))
            if sessions[graph].get_providers()[0] != name:
                raise ProviderError(why_provider_failed(native[0] if native else "", ""))
        return sessions

    def _check_io(self) -> None:
        want = {"vision": ["pixel_values"], "embedding": ["input_ids"],
                "decoder": ["inputs_embeds", "attention_mask", "position_ids", *self.kv_in]}
        for graph, names in want.items():
            got = [i.name for i in self.sessions[graph].get_inputs()]
            if got != names:
                raise BundleError(f"{self.bundle.graph_file(graph)}: inputs {got}, expected {names}")

    def _embedding_table(self) -> np.ndarray | None:
        if self.vocab * self.hidden * 4 > EMBED_TABLE_MAX_BYTES:
            return None
        ids = np.arange(self.vocab, dtype=np.int64)[None]
        return self.sessions["embedding"].run(["inputs_embeds"], {"input_ids": ids})[0][0]

    # -- graph calls -----------------------------------------------------------------------
    def image_features(self, pixel_values: np.ndarray) -> np.ndarray:
        """[B, 3, S, S] -> [B, image_seq_length, hidden]."""
        feats = self.sessions["vision"].run(["image_features"], {"pixel_values": pixel_values.astype(np.float32)})[0]
        feats = feats.reshape(feats.shape[0], -1, self.hidden)
        if feats.shape[1] != self.image_seq_length:
            raise BundleError(f"{self.bundle.graph_file('vision')}: {feats.shape[1]} image feature rows, "
                              f"the manifest says {self.image_seq_length}")
        return feats

    def embed(self, ids: np.ndarray) -> np.ndarray:
        if self.embed_table is not None:
            return self.embed_table[ids]
        return self.sessions["embedding"].run(["inputs_embeds"], {"input_ids": ids.astype(np.int64)})[0]

    def embed_graph(self, ids: np.ndarray) -> np.ndarray:
        """Always through the embedding graph (the naive loop in the bench uses this)."""
        return self.sessions["embedding"].run(["inputs_embeds"], {"input_ids": ids.astype(np.int64)})[0]

    def decoder(self, embeds: np.ndarray, mask: np.ndarray, positions: np.ndarray, past: list[np.ndarray]):
        feeds = {"inputs_embeds": np.ascontiguousarray(embeds, np.float32), "attention_mask": mask,
                 "position_ids": positions}
        feeds.update(zip(self.kv_in, past))
        t0 = time.perf_counter()
        out = self.sessions["decoder"].run(["logits", *self.kv_out], feeds)
        self.decoder_run_s += time.perf_counter() - t0
        return out[0], out[1:]

    def describe(self) -> dict:
        """What runs, for reports: bundle, provider, threads."""
        return {"bundle": {**self.bundle.identity(), "path": str(self.bundle.path),
                           "precision": self.bundle.manifest["precision"]},
                "provider": self.provider, "providers_not_used": self.provider_notes, "threads": self.threads,
                "onnxruntime": self.ort_version}
