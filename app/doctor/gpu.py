"""What the machine has for the GPU providers: NVIDIA GPUs and driver, the CUDA driver API, and the
CUDA / cuDNN / TensorRT libraries that ONNX Runtime's provider libraries are linked against.

Everything here only looks: nvidia-smi is asked, libraries are loaded with the dynamic loader's
own search (LD_LIBRARY_PATH, the ld.so cache, rpath), as ONNX Runtime will load them. Nothing
raises; what cannot be found is reported as missing.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

NVIDIA_SMI_TIMEOUT_S = 15
# Libraries whose presence (and version) is reported; matched against the providers' needs.
_VERSION_CALLS = {
    "cuda": ("cuDriverGetVersion", "int_out"),
    "cudart": ("cudaRuntimeGetVersion", "int_out"),
    "cudnn": ("cudnnGetVersion", "size_t"),
    "nvinfer": ("getInferLibVersion", "int"),
}


@dataclass
class Gpu:
    index: int
    name: str
    driver: str
    memory_mib: int | None
    memory_used_mib: int | None


@dataclass
class Library:
    name: str                  # the soname / DLL name the provider asks for
    found: bool
    path: str | None = None    # where the loader found it
    version: str | None = None
    error: str | None = None


@dataclass
class GpuReport:
    gpus: list[Gpu] = field(default_factory=list)
    smi_error: str | None = None           # nvidia-smi present but failing (driver trouble)
    driver_cuda: str | None = None         # the CUDA version the driver supports (libcuda)
    device_nodes: bool = False             # /dev/nvidia0 and friends exist
    libraries: dict[str, list[Library]] = field(default_factory=dict)  # provider -> what it needs

    @property
    def present(self) -> bool:
        """Some sign of an NVIDIA GPU: a listed GPU, a working driver library, or device nodes."""
        return bool(self.gpus or self.driver_cuda or self.device_nodes or self.smi_error)

    def missing(self, provider: str) -> list[str]:
        return [lib.name for lib in self.libraries.get(provider, []) if not lib.found]


def _decode_version(kind: str, value: int) -> str:
    if kind in ("cuda", "cudart"):        # 13000 -> 13.0
        return f"{value // 1000}.{value % 1000 // 10}"
    if kind == "cudnn":                   # cuDNN 9: 90100 -> 9.1.0 (8.x: 8902 -> 8.9.2)
        return f"{value // 10000}.{value % 10000 // 100}.{value % 100}" if value >= 10000 else \
            f"{value // 1000}.{value % 1000 // 100}.{value % 100}"
    if kind == "nvinfer":                 # TensorRT 10: 100900 -> 10.9.0 (8.x: 8601 -> 8.6.1)
        return f"{value // 10000}.{value % 10000 // 100}.{value % 100}" if value >= 10000 else \
            f"{value // 1000}.{value % 1000 // 100}.{value % 100}"
    return str(value)


def _kind(soname: str) -> str | None:
    """Which version call a library answers, by its name (Linux soname or Windows DLL)."""
    name = soname.lower()
    if name.startswith(("libcuda.so", "nvcuda.")):
        return "cuda"
    if name.startswith(("libcudart.so", "cudart64")):
        return "cudart"
    if name.startswith(("libcudnn.so", "cudnn64")):
        return "cudnn"
    if name.startswith(("libnvinfer.so", "nvinfer_", "nvinfer.")):
        return "nvinfer"
    return None


def _loaded_path(soname: str) -> str | None:
    """Where the loader took a library from (Linux: /proc/self/maps)."""
    try:
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                path = line.rstrip("\n").split(maxsplit=5)[-1]
                if os.path.basename(path) == soname or os.path.basename(path).startswith(soname + "."):
                    return path
    except OSError:
        pass
    return None


def probe_library(soname: str) -> Library:
    try:
        handle = ctypes.CDLL(soname)
    except OSError as exc:
        return Library(soname, False, error=str(exc).split(": ")[-1][:200])
    lib = Library(soname, True, path=_loaded_path(soname))
    kind = _kind(soname)
    if kind:
        func, style = _VERSION_CALLS[kind]
        try:
            fn = getattr(handle, func)
            if style == "int_out":
                value = ctypes.c_int(0)
                fn.argtypes = [ctypes.POINTER(ctypes.c_int)]
                fn.restype = ctypes.c_int
                if fn(ctypes.byref(value)) == 0 and value.value:
                    lib.version = _decode_version(kind, value.value)
            else:
                fn.restype = ctypes.c_size_t if style == "size_t" else ctypes.c_int
                fn.argtypes = []
                lib.version = _decode_version(kind, int(fn()))
        except (AttributeError, OSError) as exc:
            log.debug("%s: no version from %s (%s)", soname, func, exc)
    return lib


def elf_needed(path: Path) -> list[str]:
    """DT_NEEDED entries of an ELF64 little-endian shared library (what `readelf -d` lists)."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ValueError(f"{path}: not a 64-bit little-endian ELF file")
    e_phoff, = struct.unpack_from("<Q", data, 0x20)
    e_phentsize, e_phnum = struct.unpack_from("<HH", data, 0x36)
    loads, dynamic = [], None
    for i in range(e_phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from("<IIQQQQ", data, e_phoff + i * e_phentsize)
        if p_type == 1:      # PT_LOAD
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == 2:    # PT_DYNAMIC
            dynamic = (p_offset, p_filesz)
    if dynamic is None:
        return []

    def file_offset(vaddr: int) -> int:
        for start, offset, size in loads:
            if start <= vaddr < start + size:
                return vaddr - start + offset
        raise ValueError(f"{path}: address {vaddr:#x} is outside the loaded segments")

    needed, strtab = [], None
    for pos in range(dynamic[0], dynamic[0] + dynamic[1], 16):
        tag, value = struct.unpack_from("<qQ", data, pos)
        if tag == 0:         # DT_NULL
            break
        if tag == 1:         # DT_NEEDED
            needed.append(value)
        elif tag == 5:       # DT_STRTAB
            strtab = file_offset(value)
    if strtab is None:
        return []
    names = []
    for off in needed:
        end = data.index(b"\0", strtab + off)
        names.append(data[strtab + off:end].decode("utf-8", "replace"))
    return names


# Libraries of the system itself, not worth reporting.
_SYSTEM = re.compile(r"^(libc|libm|libdl|librt|libpthread|libstdc\+\+|libgcc_s|ld-linux.*)\.so")
_NVIDIA_DLL = re.compile(rb"(?:cudart|cublasLt|cublas|cufft|curand|cudnn|nvinfer|nvonnxparser|nvrtc)[\w]*64_\d+\.dll", re.I)


def provider_libraries() -> dict[str, list[str]]:
    """Per GPU provider, the NVIDIA libraries its ONNX Runtime provider library needs."""
    try:
        import onnxruntime
    except ImportError:
        return {}
    capi = Path(onnxruntime.__file__).parent / "capi"
    out: dict[str, list[str]] = {}
    for provider in ("cuda", "tensorrt"):
        if sys.platform == "win32":
            lib = capi / f"onnxruntime_providers_{provider}.dll"
            if lib.is_file():
                out[provider] = sorted({m.decode() for m in _NVIDIA_DLL.findall(lib.read_bytes())})
            continue
        lib = capi / f"libonnxruntime_providers_{provider}.so"
        if not lib.is_file():
            continue
        try:
            out[provider] = [n for n in elf_needed(lib) if not _SYSTEM.match(n)]
        except (OSError, ValueError, struct.error) as exc:
            log.debug("cannot read %s: %s", lib, exc)
    return out


def _nvidia_smi() -> tuple[list[Gpu], str | None]:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return [], None
    try:
        out = subprocess.run(
            [exe, "--query-gpu=index,name,driver_version,memory.total,memory.used", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=NVIDIA_SMI_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return [], f"nvidia-smi did not answer ({type(exc).__name__})"
    if out.returncode != 0:
        lines = (out.stdout + out.stderr).strip().splitlines()
        return [], (lines[0] if lines else f"nvidia-smi exited with {out.returncode}")[:200]
    gpus = []
    for line in out.stdout.strip().splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 5:
            continue

        def mib(text: str) -> int | None:
            return int(text) if text.isdigit() else None

        gpus.append(Gpu(int(parts[0]) if parts[0].isdigit() else len(gpus), parts[1], parts[2], mib(parts[3]), mib(parts[4])))
    return gpus, None


def gpu_report() -> GpuReport:
    report = GpuReport()
    report.gpus, report.smi_error = _nvidia_smi()
    report.device_nodes = sys.platform.startswith("linux") and Path("/dev/nvidiactl").exists()
    driver = probe_library("nvcuda.dll" if sys.platform == "win32" else "libcuda.so.1")
    report.driver_cuda = driver.version if driver.found else None
    for provider, names in provider_libraries().items():
        report.libraries[provider] = [probe_library(n) for n in names]
    return report
