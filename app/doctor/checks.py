"""The station self-check behind `sqinspect doctor`: one Check per line of its table.

Each check looks at one thing, says what it found in one line, and when something is wrong says
what to do about it. A check that hangs (a camera that never delivers, a driver that never
answers) is abandoned after its time limit and reported as failed; the others still run.
The station can inspect when no check failed.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

OK, WARN, FAIL, INFO = "ok", "warn", "fail", "info"
# A date before this release: a station clock earlier than this has certainly been reset.
CLOCK_FLOOR = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
CLOCK_SLACK = dt.timedelta(minutes=5)
SAMPLE_VIDEO = "line.mp4"
GIB = 1 << 30


@dataclass
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""
    data: dict = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "detail": self.detail, "fix": self.fix,
                "seconds": round(self.seconds, 3), "data": self.data}


@dataclass
class Options:
    camera: str | None = None     # None: the settings' camera
    bundle: Path | None = None    # None: the settings' bundle, else the default bundle
    db: Path | None = None        # None: inspections.db in the settings' data_dir, else the default
    provider: str | None = None   # the provider the inspection must run on (default: automatic)
    check_images: bool = False    # re-hash every stored image (slow on a big database)
    min_free_gb: float = 1.0
    timeout_s: float = 60.0       # per check
    camera_timeout_s: float = 15.0


class CheckTimeout(Exception):
    pass


def bounded(fn: Callable, seconds: float):
    """fn() in a daemon thread; its result, its exception, or CheckTimeout after `seconds`."""
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="doctor-check", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise CheckTimeout(f"no answer within {seconds:.0f} s")
    if "error" in box:
        raise box["error"]
    return box.get("value")


def sample_source() -> str | None:
    """What an empty camera setting shows: the sample video, else the sample images folder
    (the shipped assets: beside the package in a checkout, linked there by the installer)."""
    from app.runtime.bundle import ASSETS

    samples = ASSETS / "samples"
    if (samples / SAMPLE_VIDEO).is_file():
        return str(samples / SAMPLE_VIDEO)
    if samples.is_dir() and any(samples.glob("*.png")):
        return str(samples)
    return None


def _gib(n: float) -> str:
    return f"{n / GIB:.1f} GiB"


class Doctor:
    """Runs the checks in order; later checks use what earlier ones found (settings, bundle,
    camera frame, database)."""

    def __init__(self, options: Options, progress: Callable[[int, int, str], None] | None = None):
        self.o = options
        self.progress = progress or (lambda i, n, name: None)
        self.settings = None
        self.gpu = None
        self.providers: list = []
        self.bundle_path: Path | None = None
        self.bundle_ok = False
        self.bundle_date: dt.datetime | None = None
        self.frame = None
        self.latest_record: dt.datetime | None = None
        self.db_path: Path | None = None

    # -- running -----------------------------------------------------------------------------
    def steps(self) -> list[tuple[str, Callable[[], list[Check] | Check], float]]:
        o = self.o
        return [
            ("system", self.check_system, o.timeout_s),
            ("settings", self.check_settings, o.timeout_s),
            ("onnxruntime", self.check_onnxruntime, o.timeout_s),
            ("gpu", self.check_gpu, o.timeout_s),
            ("providers", self.check_providers, max(o.timeout_s, 120.0)),  # TensorRT builds an engine
            ("bundle", self.check_bundle, max(o.timeout_s, 120.0)),
            ("camera", self.check_camera, o.camera_timeout_s),
            ("inspection", self.check_inspection, max(o.timeout_s, 120.0)),
            ("database", self.check_database, max(o.timeout_s, 600.0) if o.check_images else o.timeout_s),
            ("disk", self.check_disk, o.timeout_s),
            ("clock", self.check_clock, o.timeout_s),
        ]

    def run(self) -> list[Check]:
        checks: list[Check] = []
        steps = self.steps()
        for n, (name, fn, limit) in enumerate(steps, 1):
            self.progress(n, len(steps), name)
            t0 = time.perf_counter()
            try:
                found = bounded(fn, limit)
            except CheckTimeout as exc:
                found = Check(name, FAIL, str(exc), self._timeout_fix(name))
            except Exception as exc:  # a bug or an unforeseen failure: report it, go on
                log.debug("check %s raised", name, exc_info=True)
                found = Check(name, FAIL, f"the check itself failed: {type(exc).__name__}: {exc}",
                              "run `sqinspect -vv doctor` and report the output")
            found = found if isinstance(found, list) else [found]
            elapsed = time.perf_counter() - t0
            for c in found:
                c.seconds = elapsed / len(found)
            checks.extend(found)
        return checks

    @staticmethod
    def _timeout_fix(name: str) -> str:
        return {
            "camera": "check the cable and power of the camera, unplug and replug it, and close any other "
                      "program that uses it",
            "gpu": "the NVIDIA driver does not answer: reboot; if it persists, reinstall the driver",
            "database": "another program holds the database locked, or the disk is very slow: close other "
                        "sqinspect windows and retry",
        }.get(name, "retry; if it persists, run `sqinspect -vv doctor` and report the output")

    # -- the checks --------------------------------------------------------------------------
    def check_system(self) -> Check:
        from app import __version__

        try:
            os_name = platform.freedesktop_os_release().get("PRETTY_NAME", "")
        except (OSError, AttributeError):
            os_name = ""
        os_name = os_name or f"{platform.system()} {platform.release()}"
        mem = None
        if hasattr(os, "sysconf"):
            try:
                mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            except (ValueError, OSError):
                mem = None
        py = platform.python_version()
        data = {"os": os_name, "kernel": platform.release(), "machine": platform.machine(), "python": py,
                "python_executable": sys.executable, "sqinspect": __version__, "cpus": os.cpu_count(),
                "memory_bytes": mem}
        detail = (f"{os_name}, {platform.system()} {platform.release()} {platform.machine()}, Python {py}, "
                  f"sqinspect {__version__}, {os.cpu_count()} CPUs" + (f", {_gib(mem)} RAM" if mem else ""))
        if sys.version_info < (3, 10):
            return Check("system", FAIL, detail, "sqinspect needs Python 3.10 or newer: reinstall it", data)
        return Check("system", OK, detail, data=data)

    def check_settings(self) -> Check:
        from app import settings as settings_mod

        path = settings_mod.settings_path()
        try:
            self.settings = settings_mod.load()
        except settings_mod.SettingsError as exc:
            self.settings = settings_mod.Settings()
            return Check("settings", FAIL, str(exc), f"correct the file, or delete {path} to go back to the "
                         "defaults", {"path": str(path)})
        s = self.settings
        shown = {"camera": s.camera or "(sample video)", "bundle": s.bundle or "(default)",
                 "data_dir": s.data_dir or "(default)", "station": s.station or platform.node()}
        detail = ("from " if path.exists() else "defaults (no file yet at ") + str(path) + \
            ("" if path.exists() else ")") + ": " + ", ".join(f"{k}={v}" for k, v in shown.items())
        return Check("settings", OK, detail, data={"path": str(path), "exists": path.exists(), **shown})

    def check_onnxruntime(self) -> Check:
        try:
            import onnxruntime as ort
        except ImportError as exc:
            return Check("onnxruntime", FAIL, f"does not import ({exc})",
                         "reinstall SQ-Inspect (installer/install.sh); the runtime's environment is damaged")
        try:
            from onnxruntime.capi import build_and_package_info as info
            package = getattr(info, "package_name", "onnxruntime")
            cuda = getattr(info, "cuda_version", None)
        except ImportError:
            package, cuda = "onnxruntime", None
        available = ort.get_available_providers()
        from app.runtime.engine import SHORT

        names = [SHORT.get(p, p) for p in available]
        detail = f"{package} {ort.__version__}" + (f" (built for CUDA {cuda})" if cuda else "") + \
            f"; providers in this build: {', '.join(names)}"
        return Check("onnxruntime", OK, detail, data={"package": package, "version": ort.__version__,
                                                      "cuda_build": cuda, "build_providers": names})

    def check_gpu(self) -> list[Check]:
        from app.doctor.gpu import gpu_report

        g = self.gpu = gpu_report()
        if not g.present:
            return [Check("gpu", INFO, "no NVIDIA GPU found: inspections run on the CPU")]
        data = {"gpus": [vars(x) for x in g.gpus], "driver_cuda": g.driver_cuda,
                "libraries": {p: [vars(lib) for lib in libs] for p, libs in g.libraries.items()}}
        checks = []
        if g.smi_error or not g.gpus:
            checks.append(Check("gpu", WARN, f"NVIDIA device present but the driver does not answer "
                                f"({g.smi_error or 'nvidia-smi not found'})",
                                "install or repair the NVIDIA driver (nvidia-smi must list the GPU), then reboot",
                                data))
        else:
            names = "; ".join(f"{x.name}" + (f" {x.memory_mib} MiB" if x.memory_mib else "") for x in g.gpus)
            checks.append(Check("gpu", OK, f"{names}, driver {g.gpus[0].driver}"
                                + (f", CUDA {g.driver_cuda} (driver API)" if g.driver_cuda else ""), data=data))
        for provider, libs in g.libraries.items():
            found = [f"{lib.name}" + (f" {lib.version}" if lib.version else "") for lib in libs if lib.found]
            missing = [lib.name for lib in libs if not lib.found]
            label = {"cuda": "cuda libraries", "tensorrt": "tensorrt libraries"}.get(provider, provider)
            if missing:
                checks.append(Check(label, WARN, f"missing {', '.join(missing)}"
                                    + (f"; found {', '.join(found)}" if found else ""),
                                    "install the GPU extras (`install.sh --gpu` from an archive built with "
                                    "`--gpu`), or NVIDIA's CUDA/cuDNN/TensorRT packages of these versions; "
                                    "see installer/README.md, 'GPU extras'", {"missing": missing}))
            else:
                checks.append(Check(label, OK, ", ".join(found)))
        return checks

    def check_providers(self) -> list[Check]:
        from app.doctor.probe import probe_all
        from app.runtime.engine import SHORT, provider_name

        wanted = SHORT[provider_name(self.o.provider)] if self.o.provider else None
        self.providers = probe_all()
        gpu_present = bool(self.gpu and self.gpu.present)
        checks = []
        for r in self.providers:
            name = f"provider {r.name}"
            if r.works:
                checks.append(Check(name, OK, r.detail, data={"works": True, "session_ms": r.session_ms,
                                                              "run_ms": r.run_ms}))
                continue
            data = {"works": False, "reason": r.detail}
            if r.name == "cpu" or r.name == wanted:
                fix = ("reinstall SQ-Inspect; the ONNX Runtime installation is damaged" if r.name == "cpu" else
                       "make this provider work (see the gpu lines above), or inspect on another: --provider")
                checks.append(Check(name, FAIL, r.detail, fix, data))
            elif gpu_present:
                checks.append(Check(name, WARN, r.detail, "inspections fall back to the next provider; to use the "
                                    "GPU install the GPU extras (installer/README.md, 'GPU extras')", data))
            else:
                checks.append(Check(name, INFO, f"not usable without an NVIDIA GPU ({r.detail})", data=data))
        return checks

    def _bundle_dir(self) -> Path | None:
        from app.runtime.bundle import default_bundle_dir

        if self.o.bundle:
            return Path(self.o.bundle)
        if self.settings is not None and self.settings.bundle:
            return Path(self.settings.bundle).expanduser()
        return default_bundle_dir()

    def check_bundle(self) -> Check:
        from app.runtime.errors import BundleError
        from app.runtime.verify import verify_bundle

        folder = self._bundle_dir()
        if folder is None:
            return Check("bundle", FAIL, "no model bundle: none given, none in the settings, no default installed",
                         "reinstall SQ-Inspect (it installs the default bundle), or set `bundle` in the settings")
        self.bundle_path = folder
        try:
            summary = verify_bundle(folder)
        except BundleError as exc:
            return Check("bundle", FAIL, str(exc), "copy the bundle again from the installation archive (or "
                         "reinstall), or choose another one; `sqinspect verify DIR` checks a bundle",
                         {"path": str(folder)})
        self.bundle_ok = True
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        date = manifest.get("provenance", {}).get("date")
        try:
            self.bundle_date = dt.datetime.fromisoformat(date) if date else None
        except ValueError:
            self.bundle_date = None
        model = summary["model"]
        return Check("bundle", OK, f"{model.get('name')} {model.get('version')} ({summary['precision']}) at "
                     f"{folder}: {summary['files']} files match their sha256, graphs load, smoke generation "
                     "matches the export", data={"path": str(folder), "model": model,
                                                 "precision": summary["precision"]})

    def _camera_source(self) -> tuple[str | None, bool]:
        """The source text, and whether it is the sample stand-in for an unset camera."""
        if self.o.camera:
            return self.o.camera, False
        if self.settings is not None and self.settings.camera:
            return self.settings.camera, False
        return sample_source(), True

    def check_camera(self) -> Check:
        from app.camera import CameraError, open_source

        source, is_sample = self._camera_source()
        if source is None:
            return Check("camera", FAIL, "no camera configured, and no sample video installed",
                         "set `camera` in the settings (a device number such as 0, a stream URL, a video file "
                         "or an image folder), or pass --camera")
        s = self.settings
        size = {"width": s.camera_width, "height": s.camera_height} if s and s.camera_width and not is_sample else {}
        t0 = time.perf_counter()
        try:
            with open_source(source, **size) as cam:
                frame = cam.read()
                spec = str(cam.spec)
        except CameraError as exc:
            return Check("camera", FAIL, str(exc), self._camera_fix(source), {"source": source})
        ms = (time.perf_counter() - t0) * 1000
        self.frame = frame
        h, w = frame.shape[:2]
        data = {"source": source, "spec": spec, "width": w, "height": h, "first_frame_ms": round(ms, 1)}
        detail = f"{spec}: opened, first frame {w}x{h} in {ms:.0f} ms"
        if is_sample:
            return Check("camera", WARN, f"no camera configured; the sample stands in ({detail})",
                         "set `camera` in the settings to the station's camera (e.g. 0 for /dev/video0)", data)
        return Check("camera", OK, detail, data=data)

    @staticmethod
    def _camera_fix(source: str) -> str:
        if not source.strip().isdigit():
            return "check the path or URL in the `camera` setting (or --camera), and that the stream is reachable"
        dev = Path(f"/dev/video{int(source)}")
        if sys.platform.startswith("linux"):
            if not dev.exists():
                present = sorted(str(p) for p in Path("/dev").glob("video*"))
                return (f"{dev} does not exist (present: {', '.join(present) or 'none'}): plug the camera in, or "
                        "set `camera` to the right number")
            if not os.access(dev, os.R_OK | os.W_OK):
                import grp

                try:
                    group = grp.getgrgid(dev.stat().st_gid).gr_name
                except (KeyError, OSError):
                    group = "video"
                return (f"this user may not open {dev}: add it to the '{group}' group "
                        f"(sudo usermod -aG {group} $USER), then log out and in again")
        return "check the cable, close other programs using the camera, and check the `camera` number"

    def check_inspection(self) -> Check:
        if not self.bundle_ok or self.frame is None:
            missing = " and ".join(x for x, bad in (("a bundle", not self.bundle_ok), ("a camera frame", self.frame is None))
                                   if bad)
            return Check("inspection", FAIL, f"not tried: needs {missing} (see above)", "fix the lines above")
        from app.runtime.engine import Engine
        from app.runtime.errors import BundleError, ProviderError
        from app.runtime.pipeline import Pipeline

        questions = self.settings.questions if self.settings is not None else None
        try:
            engine = Engine(self.bundle_path, provider=self.o.provider)
            result = Pipeline(engine, num_questions=questions).inspect(self.frame, seed=0)
        except (BundleError, ProviderError) as exc:
            return Check("inspection", FAIL, str(exc), "see the provider lines above; `--provider cpu` always "
                         "works where the cpu line is ok")
        info = engine.describe()
        data = {"provider": info["provider"], "providers_not_used": info["providers_not_used"],
                "threads": info["threads"], "latency_ms": result.latency_ms, "verdict": result.verdict,
                "defect_probability": result.defect_probability, "questions": len(result.qa)}
        detail = (f"one camera frame inspected on {info['provider']} ({info['threads']} threads) in "
                  f"{result.latency_ms['total']:.0f} ms: {len(result.qa)} self-questions, verdict {result.verdict} "
                  f"(p={result.defect_probability:.2f})")
        gpu_ok = [r.name for r in self.providers if r.works and r.name != "cpu"]
        if info["provider"] == "cpu" and self.gpu is not None and self.gpu.present and not self.o.provider:
            why = "; ".join(f"{k}: {v}" for k, v in info["providers_not_used"].items())
            fix = (f"`sqinspect build-engines {self.bundle_path}` for TensorRT" if gpu_ok else
                   "install the GPU extras (installer/README.md, 'GPU extras')")
            return Check("inspection", WARN, f"{detail}; the GPU is not used ({why})", fix, data)
        return Check("inspection", OK, detail, data=data)

    def _db_path(self) -> Path:
        from app.store import default_db_path
        from app.store.paths import DB_FILE

        if self.o.db:
            return Path(self.o.db)
        if self.settings is not None and self.settings.data_dir:
            return Path(self.settings.data_dir).expanduser() / DB_FILE
        return default_db_path()

    def check_database(self) -> Check:
        from app.store import Store, StoreError

        path = self.db_path = self._db_path()
        folder = path.parent
        owner_fix = self._permission_fix(folder)
        if not folder.is_dir():
            return Check("database", FAIL, f"no data folder {folder}",
                         f"create it (the installer does: install.sh --data {folder}), or set `data_dir` in the settings",
                         {"path": str(path)})
        if not os.access(folder, os.W_OK | os.X_OK):
            return Check("database", FAIL, f"this user cannot write in {folder}", owner_fix, {"path": str(path)})
        if not path.is_file():
            return Check("database", FAIL, f"no database yet at {path}",
                         "create it with its first administrator: "
                         f"sqinspect db users add NAME --role admin --db {path}", {"path": str(path)})
        for f in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if f.exists() and not os.access(f, os.R_OK | os.W_OK):
                return Check("database", FAIL, f"this user cannot write {f}", owner_fix, {"path": str(path)})
        try:
            store = Store(path, create=False)
        except StoreError as exc:
            return Check("database", FAIL, str(exc), "restore the last backup (sqinspect db backup), or ask IT",
                         {"path": str(path)})
        try:
            info = store.info()
            # The write lock, taken and given back: proves a record could be written now.
            store.db.execute("BEGIN IMMEDIATE")
            store.db.execute("ROLLBACK")
            for where in (folder, store.images_dir):
                if where.is_dir():
                    _write_probe(where)
            report = store.verify(check_images=self.o.check_images)
            users = [u for u in store.list_users() if u["active"]]
            row = store.db.execute("SELECT max(created_at) FROM inspections").fetchone()
        except StoreError as exc:
            fix = ("sqinspect db verify shows the problem; restore the last good backup and tell QA"
                   if "verif" in type(exc).__name__.lower() else
                   "close other programs using the database, check the disk, and retry")
            return Check("database", FAIL, str(exc), fix, {"path": str(path)})
        except OSError as exc:
            return Check("database", FAIL, f"cannot write in {exc.filename or folder}: {exc.strerror or exc}",
                         owner_fix, {"path": str(path)})
        finally:
            store.close()
        if row and row[0]:
            self.latest_record = dt.datetime.strptime(row[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc)
        counts = info["counts"]
        head = report.get("audit_head")
        data = {"path": str(path), "schema": info["schema"], "counts": counts, "active_users": len(users),
                "images_checked": self.o.check_images,
                "audit_head": f"{head['id']}:{head['hash']}" if head else None}
        detail = (f"{path}: schema {info['schema']}, {counts['inspections']} inspections, {len(users)} active users; "
                  f"writable; verified (integrity, audit chain, records"
                  + (", images)" if self.o.check_images else "; images not re-hashed: --images)"))
        if not users:
            return Check("database", FAIL, detail.replace("; writable", "; no active user; writable"),
                         f"add the first administrator: sqinspect db users add NAME --role admin --db {path}", data)
        return Check("database", OK, detail, data=data)

    @staticmethod
    def _permission_fix(folder: Path) -> str:
        if os.name != "posix":
            return f"give this user write access to {folder}"
        import grp

        probe = folder if folder.exists() else folder.parent
        try:
            group = grp.getgrgid(probe.stat().st_gid).gr_name
        except (KeyError, OSError):
            return f"give this user write access to {folder}"
        return (f"add this user to the '{group}' group (sudo usermod -aG {group} $USER, then log out and in), "
                f"or fix the folder's permissions (sudo chmod -R g+rwX {folder})")

    def check_disk(self) -> Check:
        folder = (self.db_path or self._db_path()).parent
        probe = folder
        while not probe.exists() and probe.parent != probe:
            probe = probe.parent
        usage = shutil.disk_usage(probe)
        pct = 100.0 * usage.free / usage.total if usage.total else 0.0
        data = {"path": str(probe), "free_bytes": usage.free, "total_bytes": usage.total}
        detail = f"{_gib(usage.free)} free of {_gib(usage.total)} ({pct:.0f}%) on the data folder's disk ({probe})"
        fix = ("free space on that disk, or move the data folder (install.sh --data DIR); back up and then "
               "archive old images: sqinspect db backup DIR")
        if usage.free < self.o.min_free_gb * GIB:
            return Check("disk", FAIL, detail + f"; below the {self.o.min_free_gb:g} GiB minimum", fix, data)
        if usage.free < 5 * GIB or pct < 5:
            return Check("disk", WARN, detail + "; running low", fix, data)
        return Check("disk", OK, detail, data=data)

    def check_clock(self) -> Check:
        now = dt.datetime.now(dt.timezone.utc)
        local = dt.datetime.now().astimezone()
        floors = [("this sqinspect release", CLOCK_FLOOR)]
        if self.bundle_date:
            floors.append(("the model bundle's export", self.bundle_date.astimezone(dt.timezone.utc)))
        if self.latest_record:
            floors.append(("the newest inspection in the database", self.latest_record))
        what, floor = max(floors, key=lambda f: f[1])
        data = {"utc": now.isoformat(timespec="seconds"), "local": local.isoformat(timespec="seconds"),
                "timezone": local.tzname(), "floor": floor.isoformat(timespec="seconds"), "floor_source": what}
        detail = f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}" + ("" if local.utcoffset() == dt.timedelta(0)
                                                                   else f" (UTC {now:%H:%M})")
        if now + CLOCK_SLACK < floor:
            return Check("clock", FAIL, f"{detail} is before {what} ({floor:%Y-%m-%d %H:%M} UTC): the clock is wrong",
                         "set the date and time (sudo timedatectl set-time 'YYYY-MM-DD HH:MM:SS', or in the "
                         "BIOS if it resets at power-off), and keep it synchronised (sudo timedatectl set-ntp true)",
                         data)
        synced = _ntp_synchronised()
        data["ntp_synchronised"] = synced
        if synced is False:
            return Check("clock", WARN, f"{detail}; not synchronised with a time server",
                         "records carry this clock's time: enable time sync (sudo timedatectl set-ntp true) "
                         "against the plant's time server", data)
        return Check("clock", OK, detail + ("; synchronised with a time server" if synced else ""), data=data)


def _write_probe(folder: Path) -> None:
    """Create, fsync and remove a small file: the folder and its disk take writes."""
    fd, tmp = tempfile.mkstemp(prefix=".sqinspect-doctor-", dir=folder)
    try:
        os.write(fd, b"sqinspect doctor write probe\n")
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(tmp)


def _ntp_synchronised() -> bool | None:
    """systemd's view of time sync; None where it cannot be asked."""
    exe = shutil.which("timedatectl")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "show", "-p", "NTPSynchronized", "--value"], capture_output=True, text=True,
                             timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    value = out.stdout.strip().lower()
    return {"yes": True, "no": False}.get(value) if out.returncode == 0 else None


def station_can_inspect(checks: list[Check]) -> bool:
    return not any(c.status == FAIL for c in checks)
