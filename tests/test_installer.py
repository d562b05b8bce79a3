"""The offline installer, end to end: build the archive and the .deb (installer/build_dist.py),
install from the unpacked archive with no network, run the installed `sqinspect doctor` and
`sqinspect inspect`, prove torch is not there, upgrade over an old database (migrated) and over
itself (database, images and settings kept), uninstall (data kept), purge.

The build downloads the runtime wheels (about 450 MB) from the package index pip is configured
for; everything after it runs without network (a network namespace where one can be made).
About two minutes on two cores; `make dist-test` runs this file alone.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VERSION = __import__("app").__version__
NAME = f"sq-inspect-{VERSION}-linux-x86_64"
DEAD = "http://127.0.0.1:9"  # discard port: nothing listens, any attempt fails at once

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform != "linux" or os.uname().machine != "x86_64", reason="Linux x86_64 installer"),
]


def _offline_wrapper() -> list[str]:
    """A command prefix that cuts the network off: a new network namespace (root: unshare -n;
    others: with a user namespace), where one can be made."""
    unshare = shutil.which("unshare")
    if unshare:
        for cmd in ([unshare, "-n"], [unshare, "--map-current-user", "-n"]) if os.geteuid() == 0 else \
                ([unshare, "--map-current-user", "-n"], [unshare, "-rn"]):
            if subprocess.run([*cmd, "true"], capture_output=True).returncode == 0:
                return cmd
    return []


OFFLINE = _offline_wrapper()


def station_env(home: Path) -> dict:
    """A clean login environment for the installed program: nothing of this checkout's venv,
    no SQINSPECT_* overrides, pip and proxies pointed at a dead port."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": str(home), "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen", "PIP_INDEX_URL": DEAD + "/simple", "PIP_FIND_LINKS": "",
            "http_proxy": DEAD, "https_proxy": DEAD, "HTTP_PROXY": DEAD, "HTTPS_PROXY": DEAD}


def sh(cmd, env, *, cwd, offline=True, input=None, timeout=600) -> subprocess.CompletedProcess:
    cmd = [str(c) for c in cmd]
    out = subprocess.run((OFFLINE if offline else []) + cmd, env=env, cwd=cwd, capture_output=True, text=True,
                         input=input, timeout=timeout)
    print(f"$ {' '.join(cmd)} -> {out.returncode}\n{out.stdout[-3000:]}{out.stderr[-3000:]}")
    return out


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    """Build once: the archive and the .deb."""
    if shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run([sys.executable, str(ROOT / "installer" / "build_dist.py"), "--out", str(out)],
                           capture_output=True, text=True, timeout=1200)
    print(built.stdout[-3000:], built.stderr[-3000:])
    assert built.returncode == 0, built.stderr[-3000:]
    yield {"archive": out / f"{NAME}.tar.gz", "deb": out / f"sq-inspect_{VERSION}_amd64.deb", "out": out}
    shutil.rmtree(out, ignore_errors=True)  # about a GB: not left for pytest's kept temp folders


@pytest.fixture(scope="module")
def unpacked(dist, tmp_path_factory):
    where = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(dist["archive"]) as tar:
        tar.extractall(where, filter="data")
    yield where / NAME
    shutil.rmtree(where, ignore_errors=True)


def test_archive_holds_the_runtime_and_no_torch(dist, unpacked):
    size = dist["archive"].stat().st_size
    print(f"archive: {size / 2**20:.0f} MiB")
    for rel in ("install.sh", "uninstall.sh", "README.md", "LICENSE.txt", "THIRD-PARTY-LICENSES.txt",
                "dist.json", "dist.env", "SHA256SUMS", "share/sq-inspect.svg",
                "assets/bundles/default-int8/manifest.json", "assets/samples/000000.png"):
        assert (unpacked / rel).is_file(), rel
    assert os.access(unpacked / "install.sh", os.X_OK)
    wheels = sorted(p.name for p in (unpacked / "wheels").glob("*.whl"))
    for needed in (f"sq_inspect-{VERSION}-", "onnxruntime_gpu-", "numpy-", "opencv_python_headless-",
                   "pyside6_essentials-", "sqlite_utils-", "tokenizers-", "pip-"):
        assert any(w.startswith(needed) for w in wheels), needed
    assert not [w for w in wheels if w.lower().startswith(("torch", "nvidia", "transformers", "triton"))]
    sums = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], cwd=unpacked,
                          capture_output=True, text=True)
    assert sums.returncode == 0, sums.stdout + sums.stderr
    listed = {line.split("  ", 1)[1] for line in (unpacked / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(unpacked).as_posix() for p in unpacked.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk
    info = json.loads((unpacked / "dist.json").read_text())
    assert info["version"] == VERSION and info["pythons"] == [f"{sys.version_info[0]}.{sys.version_info[1]}"]
    notices = (unpacked / "THIRD-PARTY-LICENSES.txt").read_text()
    assert "onnxruntime-gpu" in notices.lower() and "numpy" in notices.lower() and "Licence: " in notices


def test_deb_is_built_from_the_same_pieces(dist, unpacked, tmp_path):
    deb = dist["deb"]
    info = subprocess.run(["dpkg-deb", "--field", str(deb)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line and not line.startswith(" "))
    assert fields["Package"] == "sq-inspect" and fields["Version"] == VERSION and fields["Architecture"] == "amd64"
    assert "python3 (>= " in fields["Depends"] and "python3-venv" in fields["Depends"]
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp_path / "root")], check=True)
    subprocess.run(["dpkg-deb", "-e", str(deb), str(tmp_path / "control")], check=True)
    payload = tmp_path / "root" / "usr/lib/sq-inspect/dist"
    assert (payload / "SHA256SUMS").read_text() == (unpacked / "SHA256SUMS").read_text()
    check = subprocess.run(["sha256sum", "--check", "--strict", "--quiet", "SHA256SUMS"], cwd=payload,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout
    assert os.readlink(tmp_path / "root/usr/bin/sqinspect") == "/opt/sq-inspect/bin/sqinspect"
    entry = (tmp_path / "root/usr/share/applications/sq-inspect.desktop").read_text()
    assert "Exec=/opt/sq-inspect/bin/sqinspect gui" in entry and "Icon=sq-inspect" in entry
    assert (tmp_path / "root/usr/share/icons/hicolor/scalable/apps/sq-inspect.svg").is_file()
    for script in ("postinst", "prerm", "postrm"):
        path = tmp_path / "control" / script
        assert path.stat().st_mode & stat.S_IXUSR
        assert subprocess.run(["sh", "-n", str(path)]).returncode == 0
    assert "install.sh --system --prefix /opt/sq-inspect" in (tmp_path / "control/postinst").read_text()
    assert "rm -rf /var/lib" not in (tmp_path / "control/postrm").read_text()  # records are never purged by dpkg
    shutil.rmtree(tmp_path / "root")


def test_install_inspect_upgrade_uninstall(unpacked, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = station_env(home)
    prefix = home / ".local/opt/sq-inspect"
    data = home / ".local/share/sq-inspect"
    config = home / ".config/sq-inspect"
    db = data / "inspections.db"
    sqinspect = home / ".local/bin/sqinspect"
    install = [unpacked / "install.sh", "--user"]
    print("network:", "cut off (" + " ".join(OFFLINE) + ")" if OFFLINE else "pip and proxies pointed at a dead port")

    # -- fresh install, with no network -----------------------------------------------------
    r = sh(install, env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sqinspect.is_symlink() and os.readlink(sqinspect) == str(prefix / "bin/sqinspect")
    release = os.readlink(prefix / "current")
    venv = prefix / "current/venv"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700 and stat.S_IMODE(config.stat().st_mode) == 0o700
    entry = (home / ".local/share/applications/sq-inspect.desktop").read_text()
    assert f"Exec={prefix}/bin/sqinspect gui" in entry
    assert (home / ".local/share/icons/hicolor/scalable/apps/sq-inspect.svg").is_file()
    size = sum(p.stat().st_size for p in prefix.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"installed runtime: {size / 2**20:.0f} MiB in {prefix}")

    # the installed program is the installed copy, and torch is nowhere
    where = sh([venv / "bin/python", "-c", "import app, sys; print(app.__file__); import torch"], env, cwd=tmp_path)
    assert where.stdout.startswith(str(prefix)) and "No module named 'torch'" in where.stderr
    pkgs = sh([venv / "bin/python", "-m", "pip", "list", "--format=json"], env, cwd=tmp_path)
    names = {p["name"].lower() for p in json.loads(pkgs.stdout)}
    assert "onnxruntime-gpu" in names and not names & {"torch", "transformers", "peft", "onnx"}

    # -- doctor on the fresh station: all but the database -----------------------------------
    r = sh([sqinspect, "doctor", "--json", "-q"], env, cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert [n for n, c in checks.items() if c["status"] == "fail"] == ["database"]
    assert checks["bundle"]["data"]["path"].startswith(str(prefix))
    assert checks["camera"]["status"] == "warn" and checks["camera"]["data"]["source"].startswith(str(prefix))
    assert checks["provider cpu"]["status"] == "ok" and checks["inspection"]["status"] == "ok"

    # -- an older database (first schema only) is migrated by the upgrade ----------------------
    old_schema = sh([venv / "bin/python", "-c",
                     "import sys; from sqlite_utils import Database; from app.store.schema import migrations, "
                     "migration_names; names = migration_names(); db = Database(sys.argv[1]); "
                     "migrations.apply(db, stop_before=names[1]) if len(names) > 1 else None; print(len(names))", db],
                    env, cwd=tmp_path)
    assert old_schema.returncode == 0, old_schema.stderr
    r = sh(install, env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f"upgrade from {VERSION}" in r.stdout and "backed up" in r.stdout
    with sqlite3.connect(db) as conn:
        applied = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
    latest = sh([venv / "bin/python", "-c", "from app.store.schema import migration_names; print(migration_names())"],
                env, cwd=tmp_path)
    assert str(applied) == latest.stdout.strip(), (applied, latest.stdout)
    assert os.readlink(prefix / "current") != release and not (prefix / release).exists()

    # -- a working station: first admin, inspections recorded, settings --------------------
    r = sh([sqinspect, "db", "users", "add", "admin", "--role", "admin", "--password-stdin"], env, cwd=tmp_path,
           input="a-long-password\n")
    assert r.returncode == 0, r.stderr
    samples = prefix / "current/assets/samples"
    r = sh([sqinspect, "inspect", "-q", "--record", "--operator", "admin", samples], env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    n_png = len(list(samples.glob("*.png")))
    assert doc["provider"] == "cpu" and doc["n_images"] == n_png and doc["n_failed"] == 0
    assert all(isinstance(x.get("inspection_id"), int) and x["verdict"] in ("pass", "fail") for x in doc["results"])
    (config / "settings.toml").write_text(f'camera = "{samples}"\nstation = "line-7"\n', encoding="utf-8")
    settings_before = (config / "settings.toml").read_bytes()
    assert len([p for p in (data / "inspections-images").rglob("*") if p.is_file()]) == n_png
    r = sh([sqinspect, "doctor", "--json", "-q"], env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    # the GUI's assets resolve in the installed tree, and the installed station runs headless
    r = sh([venv / "bin/python", "-c", "from app.runtime.bundle import ASSETS; print(sorted(p.name for p in "
            "ASSETS.iterdir()), (ASSETS / 'samples/line.mp4').is_file())"], env, cwd=tmp_path)
    assert "'translations'" in r.stdout and r.stdout.strip().endswith("True"), r.stdout + r.stderr
    r = sh([sqinspect, "gui", "--smoke", "--user", "admin"], {**env, "SQINSPECT_PASSWORD": "a-long-password"},
           cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    n_png += 1  # the smoke run stores its inspection too
    images_before = sorted((p.name, p.stat().st_size) for p in (data / "inspections-images").rglob("*") if p.is_file())
    r = sh([sqinspect, "doctor", "--json", "-q"], env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert checks["camera"]["status"] == "ok" and checks["database"]["data"]["counts"]["inspections"] == n_png
    head_before = checks["database"]["data"]["audit_head"]

    # -- upgrade over itself: database, images and settings kept ----------------------------
    r = sh(install, env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (config / "settings.toml").read_bytes() == settings_before
    assert sorted((p.name, p.stat().st_size) for p in (data / "inspections-images").rglob("*") if p.is_file()) \
        == images_before
    r = sh([sqinspect, "db", "verify"], env, cwd=tmp_path)
    assert r.returncode == 0 and f"{n_png} inspections" in r.stdout, r.stdout + r.stderr
    assert f"audit head: {head_before}" in r.stdout
    backups = sorted((data / "backups").iterdir())
    assert len(backups) == 2 and (backups[-1] / "inspections.db").is_file()
    with sqlite3.connect(backups[-1] / "inspections.db") as conn:
        assert conn.execute("SELECT count(*) FROM inspections").fetchone()[0] == n_png
    assert len(list((prefix / "releases").iterdir())) == 1

    # -- uninstall: the program goes, the data stays ----------------------------------------
    r = sh([prefix / "uninstall.sh"], env, cwd=tmp_path, offline=False)
    assert r.returncode == 0, r.stderr
    assert not prefix.exists() and not sqinspect.exists() and not os.path.lexists(sqinspect)
    assert not (home / ".local/share/applications/sq-inspect.desktop").exists()
    assert db.is_file() and (config / "settings.toml").read_bytes() == settings_before


def test_uninstall_purge_deletes_data_only_when_asked(unpacked, tmp_path):
    """--purge on an installation record (the venv itself is not needed for this)."""
    prefix, data, config = tmp_path / "prefix", tmp_path / "data", tmp_path / "config"
    for d in (prefix / "releases/x", data, config):
        d.mkdir(parents=True)
    (data / "inspections.db").write_bytes(b"records")
    shutil.copy2(unpacked / "uninstall.sh", prefix / "uninstall.sh")
    (prefix / "install.env").write_text(
        f"INSTALLED_VERSION='{VERSION}'\nMODE='user'\nPREFIX='{prefix}'\nDATA='{data}'\nCONFIG='{config}'\n"
        "BIN_LINK=''\nDESKTOP_FILE=''\nICON_FILE=''\nGROUP=''\nGROUP_CREATED='0'\n")
    env = station_env(tmp_path)
    r = sh(["bash", prefix / "uninstall.sh", "--purge"], env, cwd=tmp_path, offline=False, input="")
    assert r.returncode != 0 and "--yes" in r.stderr and (data / "inspections.db").exists()
    r = sh(["bash", prefix / "uninstall.sh", "--purge", "--yes"], env, cwd=tmp_path, offline=False)
    assert r.returncode == 0, r.stderr
    assert not prefix.exists() and not data.exists() and not config.exists()


def test_install_refuses_a_damaged_archive(unpacked, tmp_path):
    copy = tmp_path / "copy"
    copy.mkdir()
    for entry in unpacked.iterdir():  # links, not copies: the wheels are large
        (copy / entry.name).symlink_to(entry)
    (copy / "assets").unlink()
    shutil.copytree(unpacked / "assets", copy / "assets")
    (copy / "assets/samples/000000.png").write_bytes(b"not the image")
    (copy / "install.sh").unlink()
    shutil.copy2(unpacked / "install.sh", copy / "install.sh")
    r = sh([copy / "install.sh", "--user", "--prefix", tmp_path / "p"], station_env(tmp_path), cwd=tmp_path)
    assert r.returncode == 1 and "damaged" in r.stderr and not (tmp_path / "p").exists()


def test_install_refuses_a_python_without_wheels(unpacked, tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\nexec python3 -c 'print(\"3.9\")'\n")
    fake.chmod(0o755)
    r = sh([unpacked / "install.sh", "--user", "--prefix", tmp_path / "p", "--python", fake],
           station_env(tmp_path), cwd=tmp_path)
    assert r.returncode == 1 and "Python 3.9" in r.stderr and "wheels for" in r.stderr


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("runuser") is None, reason="needs root and runuser")
def test_system_install_shares_the_data_with_the_group(unpacked, tmp_path, request):
    """A station-wide install: the data folder belongs to a group whose members (here the user
    nobody, through its group nogroup; nothing on the machine is changed) record inspections."""
    import grp
    import pwd

    try:
        nobody = pwd.getpwnam("nobody")
        group = grp.getgrgid(nobody.pw_gid).gr_name
    except KeyError:
        pytest.skip("no user nobody")
    # pytest's temporary folders are private (0700): the station's user could not reach the program.
    root = Path(tempfile.mkdtemp(prefix="sqinspect-station-", dir="/tmp"))
    request.addfinalizer(lambda: shutil.rmtree(root, ignore_errors=True))
    root.chmod(0o755)
    prefix, data, config = root / "opt", root / "data", root / "etc"
    env = station_env(Path("/root"))
    r = sh([unpacked / "install.sh", "--system", "--prefix", prefix, "--data", data, "--config", config,
            "--bin-dir", "", "--desktop-dir", "", "--group", group], env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    db = data / "inspections.db"
    for path, mode in ((data, 0o2770), (config, 0o2775), (db, 0o660)):
        st = path.stat()
        assert stat.S_IMODE(st.st_mode) == mode and st.st_gid == nobody.pw_gid, path
    assert "umask 007" in (prefix / "bin/sqinspect").read_text()

    def as_nobody(*args, input=None):
        return sh(["runuser", "-u", "nobody", "--", prefix / "bin/sqinspect", *args],
                  {**env, "HOME": str(tmp_path)}, cwd=tmp_path, input=input)

    assert as_nobody("db", "users", "add", "kiosk", "--role", "admin", "--password-stdin",
                     input="a-long-password\n").returncode == 0
    r = as_nobody("inspect", "-q", "--record", "--operator", "kiosk", prefix / "current/assets/samples/000001.png")
    assert r.returncode == 0, r.stderr
    r = as_nobody("doctor", "--json", "-q")
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert r.returncode == 0 and checks["database"]["status"] == "ok", checks["database"]
    r = sh([prefix / "uninstall.sh"], env, cwd=tmp_path, offline=False)
    assert r.returncode == 0 and not prefix.exists() and db.stat().st_size > 0
