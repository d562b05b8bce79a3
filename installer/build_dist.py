"""Build the offline installation archive for Linux x86_64, and a .deb from the same pieces.

    python installer/build_dist.py [--out dist] [--python 3.11 ...] [--glibc 2.34] [--gpu]

The archive (sq-inspect-VERSION-linux-x86_64.tar.gz) unpacks to one folder:

    install.sh  uninstall.sh        the installer (installer/linux/)
    wheels/                         the app's wheel and every runtime dependency (no torch)
    wheels-gpu/                     with --gpu: CUDA, cuDNN and TensorRT libraries as wheels
    assets/bundles/default-int8/    the default model bundle
    assets/samples/                 sample parts (and the sample video, when there is one)
    share/sq-inspect.svg            the icon
    README.md LICENSE.txt THIRD-PARTY-LICENSES.txt
    dist.env dist.json SHA256SUMS   what was built, for which Pythons; every file's sha256

Downloads need the network (PyPI, or the mirror pip is configured for) at build time only;
pip resolves with requirements/constraints.txt, the same pins the tests run on. The .deb
(sq-inspect_VERSION_amd64.deb) carries that folder in /usr/lib/sq-inspect/dist and runs its
install.sh when installed: same wheels, same installer, same result.
"""

from __future__ import annotations

import argparse
import datetime as dt
import email.parser
import importlib.util
import json
import logging
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from app.hashing import sha256_file  # noqa: E402
from app.runtime.bundle import ASSETS, CACHE_DIR, check_files, read_manifest  # noqa: E402

log = logging.getLogger("build_dist")
INSTALLER = ROOT / "installer"
CONSTRAINTS = ROOT / "requirements" / "constraints.txt"
SOURCES = ("pyproject.toml", "README.md", "app", "export", "models")  # what the app's wheel is built from
DEFAULT_BUNDLE = "default-int8"  # the CPU stations' default; build the CUDA box with --bundle default-fp32
DEFAULT_GLIBC = "2.34"  # PySide6 6.12's wheels need it; Ubuntu 22.04, Debian 12, RHEL 9 and newer have it
DEB_PAYLOAD = "usr/lib/sq-inspect/dist"
DEB_PREFIX = "/opt/sq-inspect"
# What Qt's X11 plugin loads from the system (pip cannot bring these); the .deb recommends them.
DEB_RECOMMENDS = ("libegl1", "libgl1", "libfontconfig1", "libdbus-1-3", "libxkbcommon-x11-0", "libxcb-cursor0",
                  "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0", "libxcb-render-util0", "libxcb-shape0",
                  "libxcb-xkb1", "libxcb-randr0")


class BuildError(Exception):
    pass


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    log.debug("$ %s", shlex.join(str(c) for c in cmd))
    try:
        return subprocess.run([str(c) for c in cmd], check=True, **kw)
    except subprocess.CalledProcessError as exc:
        out = (exc.stderr or b"")
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        raise BuildError(f"{Path(str(cmd[0])).name} {' '.join(map(str, cmd[1:4]))} ... failed (exit {exc.returncode})"
                         + (f":\n{out.strip()[-2000:]}" if out.strip() else "")) from None


def project() -> tuple[str, str, str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    licence = meta.get("license", {})
    licence = licence.get("text", "") if isinstance(licence, dict) else str(licence)
    return meta["name"], meta["version"], licence


def manylinux_platforms(glibc: str) -> list[str]:
    """pip's --platform takes exact tags: every manylinux tag a glibc-`glibc` x86_64 machine accepts."""
    major, minor = (int(x) for x in glibc.split(".")[:2])
    if major != 2 or minor < 17:
        raise BuildError(f"--glibc {glibc}: expected 2.17 or newer")
    tags = [f"manylinux_2_{m}_x86_64" for m in range(minor, 4, -1)]
    return tags + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"]  # PEP 600 aliases


def git_commit() -> str | None:
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, check=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def build_app_wheel(out: Path, work: Path) -> Path:
    """The app's wheel, built from a copy of the sources (no build/ or egg-info left in the tree)."""
    src = work / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=ignore)
        else:
            shutil.copy2(path, src / name)
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out]
    if importlib.util.find_spec("setuptools") is not None:  # no build environment to download
        cmd.append("--no-build-isolation")
    run(cmd + [src], capture_output=True)
    wheels = sorted(out.glob("*.whl"))
    if len(wheels) != 1:
        raise BuildError(f"expected one app wheel, got {[w.name for w in wheels]}")
    with zipfile.ZipFile(wheels[0]) as zf:
        names = zf.namelist()
    for needed in ("app/cli.py", "app/runtime/verify.py"):
        if needed not in names:
            raise BuildError(f"{wheels[0].name} lacks {needed}")
    return wheels[0]


def download(requirements: list[str], dest: Path, pythons: list[str], glibc: str) -> None:
    """Binary wheels for each target Python on manylinux x86_64, resolved with the constraints."""
    platforms = [a for p in manylinux_platforms(glibc) for a in ("--platform", p)]
    for py in pythons:
        log.info("  Python %s: %s", py, ", ".join(Path(r).name for r in requirements))
        run([sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--implementation", "cp",
             "--python-version", py, *platforms, "-c", CONSTRAINTS, "-d", dest, "--progress-bar", "off",
             "--quiet", *requirements], stderr=subprocess.PIPE)


def wheel_metadata(wheel: Path) -> tuple[dict, list[tuple[str, str]]]:
    """METADATA headers and the licence files (name, text) inside a wheel."""
    with zipfile.ZipFile(wheel) as zf:
        meta_name = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
        msg = email.parser.Parser().parsestr(zf.read(meta_name).decode("utf-8", "replace"), headersonly=True)
        dist_info = meta_name.rsplit("/", 1)[0]
        licences = []
        for n in zf.namelist():
            base = n.rsplit("/", 1)[-1]
            if n.startswith(dist_info + "/") and (n.startswith(dist_info + "/licenses/")
                                                  or re.match(r"(LICEN[CS]E|COPYING|NOTICE)", base, re.I)):
                if not n.endswith("/"):
                    licences.append((n[len(dist_info) + 1:], zf.read(n).decode("utf-8", "replace")))
    meta = {
        "name": msg.get("Name", wheel.name), "version": msg.get("Version", ""),
        "license": msg.get("License-Expression") or (msg.get("License") or "").split("\n")[0][:200],
        "classifiers": [c.split(" :: ")[-1] for c in msg.get_all("Classifier") or [] if c.startswith("License ::")],
        "home": msg.get("Home-page") or next((u.split(", ", 1)[-1] for u in msg.get_all("Project-URL") or []
                                              if u.lower().startswith(("homepage", "source", "repository"))), ""),
    }
    return meta, licences


def third_party_notices(wheel_dirs: list[Path], app_name: str) -> str:
    """One section per bundled wheel: name, version, licence, and the licence texts it ships."""
    seen, parts = set(), []
    for wheel in sorted(w for d in wheel_dirs if d.is_dir() for w in d.glob("*.whl")):
        meta, licences = wheel_metadata(wheel)
        key = (meta["name"].lower(), meta["version"])
        if meta["name"].lower().replace("_", "-") == app_name or key in seen:
            continue
        seen.add(key)
        licence = meta["license"] or ", ".join(meta["classifiers"]) or "see the package"
        head = f"{meta['name']} {meta['version']}\nLicence: {licence}" + (f"\nHome: {meta['home']}" if meta["home"] else "")
        texts = "".join(f"\n\n--- {name} ---\n{text.strip()}" for name, text in licences)
        parts.append(head + (texts or "\n\n(the wheel ships no licence file)"))
    rule = "\n\n" + "=" * 78 + "\n\n"
    return ("Third-party software bundled with SQ-Inspect (as Python wheels, unmodified).\n"
            "Each section gives the package, its version and licence, and the licence files it ships."
            + rule + rule.join(parts) + "\n")


def copy_bundle(name: str, dest: Path) -> None:
    src = Path(name) if os.sep in name or Path(name).is_dir() else ASSETS / "bundles" / name
    manifest, _ = read_manifest(src)
    check_files(src, manifest)  # never ship a damaged bundle
    shutil.copytree(src, dest / src.name, ignore=shutil.ignore_patterns(CACHE_DIR, "__pycache__"))


def write_sums(tree: Path) -> int:
    files = sorted(p for p in tree.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_file(p)}  {p.relative_to(tree).as_posix()}\n" for p in files]
    (tree / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    return len(files)


def write_tar(tree: Path, out: Path) -> None:
    """tar.gz of the tree under its own name; owners root, modes normalised, fast gzip (wheels are
    already compressed)."""
    def norm(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        info.mode = 0o755 if info.isdir() or info.mode & 0o111 else 0o644
        return info

    tmp = out.with_name(out.name + ".part")
    with tarfile.open(tmp, "w:gz", compresslevel=1) as tar:
        tar.add(tree, arcname=tree.name, filter=norm)
    os.replace(tmp, out)


def deb_depends(pythons: list[str]) -> str:
    versions = sorted(tuple(int(x) for x in p.split(".")) for p in pythons)
    lo, hi = versions[0], versions[-1]
    return f"python3 (>= {lo[0]}.{lo[1]}), python3 (<< {hi[0]}.{hi[1] + 1}), python3-venv, coreutils"


def write_deb(tree: Path, out: Path, *, name: str, version: str, pythons: list[str], work: Path) -> None:
    if shutil.which("dpkg-deb") is None:
        raise BuildError("dpkg-deb is not installed (Debian/Ubuntu: apt install dpkg); or pass --no-deb")
    root = work / "deb"
    payload = root / DEB_PAYLOAD
    payload.parent.mkdir(parents=True)
    # Hard links where the file system allows: the payload is hundreds of MB.
    shutil.copytree(tree, payload, copy_function=_link_or_copy)
    apps = root / "usr/share/applications"
    icons = root / "usr/share/icons/hicolor/scalable/apps"
    apps.mkdir(parents=True)
    icons.mkdir(parents=True)
    entry = run(["bash", tree / "install.sh", "--print-desktop-entry", DEB_PREFIX], capture_output=True, text=True).stdout
    (apps / "sq-inspect.desktop").write_text(entry, encoding="utf-8")
    shutil.copy2(tree / "share" / "sq-inspect.svg", icons / "sq-inspect.svg")
    (root / "usr/bin").mkdir(parents=True)
    os.symlink(f"{DEB_PREFIX}/bin/sqinspect", root / "usr/bin/sqinspect")
    docs = root / "usr/share/doc" / name
    docs.mkdir(parents=True)
    for f in ("README.md", "LICENSE.txt", "THIRD-PARTY-LICENSES.txt"):
        shutil.copy2(tree / f, docs / f)
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    control = root / "DEBIAN"
    control.mkdir()
    (control / "control").write_text(
        f"Package: {name}\nVersion: {version}\nArchitecture: amd64\nMaintainer: SQ-Inspect <it@localhost>\n"
        f"Installed-Size: {size_kib}\nDepends: {deb_depends(pythons)}\nRecommends: {', '.join(DEB_RECOMMENDS)}\n"
        "Section: science\nPriority: optional\n"
        "Description: on-premise visual inspection with a self-questioning vision-language model\n"
        " SQ-Inspect inspects parts under a camera: it describes each part, asks itself the questions an\n"
        " inspector would ask, answers them and gives a pass/fail verdict. This package carries its own\n"
        " Python wheels and model and installs them offline into /opt/sq-inspect; the station database\n"
        " lives in /var/lib/sq-inspect and is kept on removal and purge.\n", encoding="utf-8")
    scripts = {
        "postinst": f"""#!/bin/sh
set -e
case "$1" in
    configure)
        # The same installer as the archive's: venv from the bundled wheels, data folders, migration.
        bash /{DEB_PAYLOAD}/install.sh --system --prefix {DEB_PREFIX} --bin-dir "" --desktop-dir ""
        ;;
esac
exit 0
""",
        "prerm": f"""#!/bin/sh
set -e
case "$1" in
    remove|deconfigure)
        # The program goes; the database, images and settings stay (see postrm).
        if [ -x {DEB_PREFIX}/uninstall.sh ]; then {DEB_PREFIX}/uninstall.sh --prefix {DEB_PREFIX}; fi
        ;;
esac
exit 0
""",
        "postrm": """#!/bin/sh
set -e
case "$1" in
    purge)
        # Settings go with purge. Inspection records are quality records: never deleted by the
        # package manager; remove /var/lib/sq-inspect by hand once they are archived.
        rm -rf /etc/sq-inspect
        if [ -d /var/lib/sq-inspect ]; then
            echo "sq-inspect: kept the inspection data in /var/lib/sq-inspect (delete it by hand when archived)"
        fi
        ;;
esac
exit 0
""",
    }
    for script, text in scripts.items():
        (control / script).write_text(text, encoding="utf-8")
        (control / script).chmod(0o755)
    tmp = out.with_name(out.name + ".part")
    run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "--build", root, tmp], capture_output=True)
    os.replace(tmp, out)


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def build(args) -> dict:
    name, version, licence = project()
    pythons = args.python or [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    for py in pythons:
        if not re.fullmatch(r"3\.\d{1,2}", py):
            raise BuildError(f"--python {py}: expected a version like 3.11")
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    base = f"{name}-{version}-linux-x86_64"
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=".build-", dir=out) as tmp:
        work = Path(tmp)
        tree = work / base
        wheels = tree / "wheels"
        wheels.mkdir(parents=True)
        step = _steps(5 + bool(args.gpu) + (not args.no_deb))
        step("building the app's wheel")
        app_wheel = build_app_wheel(wheels, work)
        step(f"downloading the runtime wheels for Python {', '.join(pythons)}, glibc {args.glibc}+")
        # The app's own wheel brings its dependencies; pip itself bootstraps the installed venv.
        download([str(app_wheel), "pip"], wheels, pythons, args.glibc)
        torch = sorted(w.name for w in wheels.glob("*.whl") if re.match(r"(torch|nvidia_|triton)", w.name, re.I))
        if torch:
            raise BuildError(f"the runtime wheelhouse must not hold {', '.join(torch)}")
        if args.gpu:
            reqs = [line.split("#")[0].strip() for line in (INSTALLER / "gpu-requirements.txt").read_text().splitlines()]
            step(f"downloading the GPU wheels ({', '.join(r for r in reqs if r)})")
            (tree / "wheels-gpu").mkdir()
            download([r for r in reqs if r], tree / "wheels-gpu", pythons, args.glibc)
            for w in (tree / "wheels-gpu").glob("*.whl"):
                if (wheels / w.name).exists():
                    w.unlink()  # already in wheels/
        step(f"adding the model bundle {args.bundle}, the samples and the other assets")
        (tree / "assets" / "bundles").mkdir(parents=True)
        copy_bundle(args.bundle, tree / "assets" / "bundles")
        bundle_name = Path(args.bundle).name
        for item in sorted(ASSETS.iterdir()):  # samples, translations, ...: all but the other bundles
            if item.name != "bundles" and item.is_dir():
                shutil.copytree(item, tree / "assets" / item.name, ignore=shutil.ignore_patterns("__pycache__"))
        step("adding the installer, icon and documents")
        for script in ("install.sh", "uninstall.sh"):
            shutil.copy2(INSTALLER / "linux" / script, tree / script)
            (tree / script).chmod(0o755)
        for extra in ("gpu-requirements.txt", "upgrade_db.py"):
            shutil.copy2(INSTALLER / extra, tree / extra)
        (tree / "share").mkdir()
        shutil.copy2(INSTALLER / "share" / "sq-inspect.svg", tree / "share" / "sq-inspect.svg")
        shutil.copy2(INSTALLER / "README.md", tree / "README.md")
        (tree / "LICENSE.txt").write_text(
            f"SQ-Inspect {version}\nLicence: {licence or 'see your agreement with the supplier'}\n\n"
            "The bundled third-party packages keep their own licences: THIRD-PARTY-LICENSES.txt.\n", encoding="utf-8")
        (tree / "THIRD-PARTY-LICENSES.txt").write_text(third_party_notices([wheels, tree / "wheels-gpu"], name),
                                                       encoding="utf-8")
        info = {"name": name, "version": version, "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "commit": git_commit(), "builder": f"{platform.node()} Python {platform.python_version()}",
                "pythons": pythons, "glibc": args.glibc, "platform": "linux-x86_64", "bundle": bundle_name,
                "gpu": bool(args.gpu), "wheels": sorted(w.name for w in wheels.glob("*.whl"))}
        (tree / "dist.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        (tree / "dist.env").write_text(
            "".join(f"{k}={shlex.quote(str(v))}\n" for k, v in (
                ("DIST_NAME", name), ("DIST_VERSION", version), ("DIST_PYTHONS", " ".join(pythons)),
                ("DIST_GLIBC", args.glibc), ("DIST_BUNDLE", bundle_name), ("DIST_GPU", int(bool(args.gpu))))),
            encoding="utf-8")
        n_files = write_sums(tree)
        tree_bytes = sum(p.stat().st_size for p in tree.rglob("*") if p.is_file())
        step(f"writing {base}.tar.gz ({tree_bytes / 2**20:.0f} MiB in {n_files} files)")
        archive = out / f"{base}.tar.gz"
        write_tar(tree, archive)
        result = {"archive": str(archive), "archive_bytes": archive.stat().st_size, "tree_bytes": tree_bytes,
                  "files": n_files, **info}
        if not args.no_deb:
            deb = out / f"{name}_{version}_amd64.deb"
            step(f"writing {deb.name}")
            write_deb(tree, deb, name=name, version=version, pythons=pythons, work=work)
            result.update(deb=str(deb), deb_bytes=deb.stat().st_size)
        if args.keep_tree:
            kept = out / base
            shutil.rmtree(kept, ignore_errors=True)
            os.replace(tree, kept)
            result["tree"] = str(kept)
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def _steps(total: int):
    state = {"n": 0}

    def step(text: str) -> None:
        state["n"] += 1
        print(f"[{state['n']}/{total}] {text}", flush=True)

    return step


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    p.add_argument("--python", action="append", metavar="X.Y",
                   help="a Python version the target machines have (repeatable; default: this one's)")
    p.add_argument("--glibc", default=DEFAULT_GLIBC, help=f"oldest glibc to support (default: {DEFAULT_GLIBC})")
    p.add_argument("--bundle", default=DEFAULT_BUNDLE, help=f"model bundle: a name in assets/bundles or a folder "
                                                            f"(default: {DEFAULT_BUNDLE})")
    p.add_argument("--gpu", action="store_true", help="also carry the CUDA/cuDNN/TensorRT wheels (several GB)")
    p.add_argument("--no-deb", action="store_true", help="only the archive")
    p.add_argument("--keep-tree", action="store_true", help="also leave the unpacked folder in --out")
    p.add_argument("--notices", nargs=2, metavar=("WHEELS", "OUT"),
                   help="only write the third-party licence notices of a folder of wheels (the Windows build uses it)")
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, format="%(message)s")
    if args.notices:
        wheels, out = (Path(x) for x in args.notices)
        out.write_text(third_party_notices([wheels], project()[0]), encoding="utf-8")
        return 0
    try:
        result = build(args)
    except BuildError as exc:
        print(f"build_dist: error: {exc}", file=sys.stderr)
        return 1
    print(f"archive: {result['archive']} ({result['archive_bytes'] / 2**20:.0f} MiB)")
    if "deb" in result:
        print(f"deb:     {result['deb']} ({result['deb_bytes'] / 2**20:.0f} MiB)")
    print(f"built in {result['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
