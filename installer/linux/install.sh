#!/usr/bin/env bash
# SQ-Inspect offline installer for Linux x86_64 (run from the unpacked archive; no network used).
#
#   sudo ./install.sh                      # the whole station: /opt/sq-inspect, data in /var/lib/sq-inspect
#   ./install.sh                           # this user only: ~/.local/opt/sq-inspect, data in ~/.local/share
#   sudo ./install.sh --data /srv/sq-inspect --add-user alice --add-user bob
#
# Run it again from a newer archive to upgrade: the database, settings and images stay where they
# are; the database is backed up and its schema migrated; on any failure the previous version
# stays in place. Uninstall with PREFIX/uninstall.sh (keeps the data unless --purge).
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: install.sh [options]

  --prefix DIR       where the program goes (default: /opt/sq-inspect as root,
                     ~/.local/opt/sq-inspect otherwise)
  --data DIR         the station's data folder: database, images, backups
                     (default: /var/lib/sq-inspect as root, ~/.local/share/sq-inspect otherwise)
  --config DIR       settings folder (default: /etc/sq-inspect as root, ~/.config/sq-inspect otherwise)
  --bin-dir DIR      where the `sqinspect` command is linked (default: /usr/local/bin as root,
                     ~/.local/bin otherwise; "" for no link)
  --desktop-dir DIR  where applications/ and icons/ get the menu entry (default: /usr/local/share as
                     root, ~/.local/share otherwise; "" for none)
  --system | --user  install for the whole station (default as root) or for this user only
  --group NAME       system install: the group whose members may use the data (default: sqinspect;
                     "" to leave ownership alone)
  --add-user USER    system install: add USER to that group and to the camera group (repeatable)
  --python PATH      the Python to build the environment with (default: python3, else python3.X
                     for a version this archive carries wheels for)
  --gpu              also install the GPU libraries (CUDA, cuDNN, TensorRT) from wheels-gpu/
                     (an archive built with `build_dist.py --gpu`)
  --keep-previous    keep the previous release for a manual rollback (costs its disk space)
  --print-desktop-entry PREFIX   print the menu entry for PREFIX and exit (used by the .deb build)
  -h, --help         this help
EOF
}

say() { printf '%s\n' "$*"; }
step() { STEP=$((STEP + 1)); printf '[%d/%d] %s\n' "$STEP" "$STEPS" "$*"; }
warn() { printf 'install.sh: warning: %s\n' "$*" >&2; }
die() { printf 'install.sh: error: %s\n' "$*" >&2; exit 1; }

desktop_entry() {  # $1 = prefix
    cat <<EOF
[Desktop Entry]
Type=Application
Version=1.0
Name=SQ-Inspect
GenericName=Visual inspection
GenericName[ja]=外観検査
Comment=Inspect parts with a self-questioning vision-language model
Comment[ja]=自問自答する視覚言語モデルによる部品の外観検査
Exec=$1/bin/sqinspect gui
Icon=sq-inspect
Terminal=false
Categories=Graphics;Engineering;Qt;
Keywords=inspection;quality;camera;defect;
StartupNotify=true
EOF
}

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ "$(id -u)" = 0 ] && MODE=system || MODE=user
PREFIX='' DATA='' CONFIG='' BIN_DIR=unset DESKTOP_DIR=unset GROUP=unset PYTHON='' GPU=0 KEEP_PREVIOUS=0
ADD_USERS=()
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
        --data) DATA=${2:?--data needs a folder}; shift 2 ;;
        --config) CONFIG=${2:?--config needs a folder}; shift 2 ;;
        --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a folder (or \"\")"; BIN_DIR=$2; shift 2 ;;
        --desktop-dir) [ $# -ge 2 ] || die "--desktop-dir needs a folder (or \"\")"; DESKTOP_DIR=$2; shift 2 ;;
        --system) MODE=system; shift ;;
        --user) MODE=user; shift ;;
        --group) [ $# -ge 2 ] || die "--group needs a name (or \"\")"; GROUP=$2; shift 2 ;;
        --add-user) ADD_USERS+=("${2:?--add-user needs a user name}"); shift 2 ;;
        --python) PYTHON=${2:?--python needs a path}; shift 2 ;;
        --gpu) GPU=1; shift ;;
        --keep-previous) KEEP_PREVIOUS=1; shift ;;
        --print-desktop-entry) desktop_entry "${2:?--print-desktop-entry needs a prefix}"; exit 0 ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done

abspath() { case "$1" in /*) printf '%s' "$1" ;; *) printf '%s/%s' "$PWD" "$1" ;; esac; }
XDG_DATA=${XDG_DATA_HOME:-$HOME/.local/share}
case "$XDG_DATA" in /*) ;; *) XDG_DATA=$HOME/.local/share ;; esac
XDG_CONF=${XDG_CONFIG_HOME:-$HOME/.config}
case "$XDG_CONF" in /*) ;; *) XDG_CONF=$HOME/.config ;; esac
if [ "$MODE" = system ]; then
    [ "$(id -u)" = 0 ] || die "a system install needs root (sudo ./install.sh), or use --user"
    : "${PREFIX:=/opt/sq-inspect}" "${DATA:=/var/lib/sq-inspect}" "${CONFIG:=/etc/sq-inspect}"
    [ "$BIN_DIR" != unset ] || BIN_DIR=/usr/local/bin
    [ "$DESKTOP_DIR" != unset ] || DESKTOP_DIR=/usr/local/share
    [ "$GROUP" != unset ] || GROUP=sqinspect
else
    : "${PREFIX:=$HOME/.local/opt/sq-inspect}" "${DATA:=$XDG_DATA/sq-inspect}" "${CONFIG:=$XDG_CONF/sq-inspect}"
    [ "$BIN_DIR" != unset ] || BIN_DIR=$HOME/.local/bin
    [ "$DESKTOP_DIR" != unset ] || DESKTOP_DIR=$XDG_DATA
    [ "$GROUP" = unset ] || [ -z "$GROUP" ] || die "--group is for system installs"
    GROUP=
    [ ${#ADD_USERS[@]} -eq 0 ] || die "--add-user is for system installs"
fi
PREFIX=$(abspath "$PREFIX"); DATA=$(abspath "$DATA"); CONFIG=$(abspath "$CONFIG")
[ -z "$BIN_DIR" ] || BIN_DIR=$(abspath "$BIN_DIR")
[ -z "$DESKTOP_DIR" ] || DESKTOP_DIR=$(abspath "$DESKTOP_DIR")
case "$DATA/" in "$PREFIX"/*) die "--data must not be inside --prefix (an uninstall would delete it)" ;; esac
case "$CONFIG/" in "$PREFIX"/*) die "--config must not be inside --prefix (an uninstall would delete it)" ;; esac

# pip must see only this archive: no index, no configuration files, no PIP_* from the caller.
for v in $(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p'); do unset "$v"; done
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
export PYTHONNOUSERSITE=1
umask 022  # the program must be readable by every inspector, whatever root's umask is
[ "$(uname -m)" = x86_64 ] || die "this archive is for x86_64 Linux, this machine is $(uname -m)"

STEP=0 STEPS=8
step "checking the archive ($SRC)"
[ -f "$SRC/dist.env" ] && [ -f "$SRC/SHA256SUMS" ] || die "$SRC is not an unpacked SQ-Inspect archive (no dist.env / SHA256SUMS)"
command -v sha256sum >/dev/null || die "sha256sum is missing (coreutils)"
(cd "$SRC" && sha256sum --check --quiet --strict SHA256SUMS) \
    || die "the archive is damaged or incomplete (files above differ from SHA256SUMS): copy it again"
# shellcheck source=/dev/null
. "$SRC/dist.env"   # DIST_NAME DIST_VERSION DIST_PYTHONS DIST_GLIBC DIST_BUNDLE DIST_GPU
[ "$GPU" = 0 ] || [ "$DIST_GPU" = 1 ] || die "--gpu: this archive has no GPU libraries (build it with build_dist.py --gpu)"

step "choosing Python (this archive has wheels for Python $DIST_PYTHONS)"
py_version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
if [ -z "$PYTHON" ]; then
    for candidate in python3 $(for v in $DIST_PYTHONS; do printf 'python%s ' "$v"; done); do
        ver=$(py_version "$candidate") || continue
        case " $DIST_PYTHONS " in *" $ver "*) PYTHON=$(command -v "$candidate"); break ;; esac
    done
    [ -n "$PYTHON" ] || die "no Python $DIST_PYTHONS on this machine (python3 is $(py_version python3 || echo missing)); install one (e.g. apt install python3), or build the archive for this machine's version: build_dist.py --python X.Y"
fi
PY_VER=$(py_version "$PYTHON") || die "$PYTHON does not run"
case " $DIST_PYTHONS " in *" $PY_VER "*) ;; *) die "$PYTHON is Python $PY_VER; this archive has wheels for $DIST_PYTHONS" ;; esac
"$PYTHON" -c 'import venv, sqlite3' \
    || die "$PYTHON lacks the venv or sqlite3 module (Debian/Ubuntu: apt install python3-venv)"
GLIBC=$("$PYTHON" -c 'import platform; print(platform.libc_ver()[1] or "0")')
"$PYTHON" - "$GLIBC" "$DIST_GLIBC" <<'EOF' || die "this machine's C library is glibc $GLIBC; the archive needs $DIST_GLIBC or newer (e.g. Ubuntu 22.04, Debian 12, RHEL 9)"
import sys
have, need = (tuple(int(x) for x in v.split(".")[:2]) for v in sys.argv[1:3])
sys.exit(0 if have >= need else 1)
EOF
say "    $PYTHON (Python $PY_VER, glibc $GLIBC)"

mkdir -p "$PREFIX"
exec 9>"$PREFIX/.install.lock"
if command -v flock >/dev/null; then
    flock -n 9 || die "another install.sh is running on $PREFIX"
fi

PREVIOUS='' PREV_GROUP_CREATED=0
if [ -f "$PREFIX/install.env" ]; then
    PREVIOUS=$(sed -n "s/^INSTALLED_VERSION=//p" "$PREFIX/install.env" | tr -d "'")
    PREV_GROUP_CREATED=$(sed -n "s/^GROUP_CREATED=//p" "$PREFIX/install.env" | tr -d "'")
fi
OLD_RELEASE=
[ -L "$PREFIX/current" ] && OLD_RELEASE=$(readlink "$PREFIX/current")
RELEASE="releases/$DIST_VERSION-$(date -u +%Y%m%dT%H%M%SZ)-$$"
NEW="$PREFIX/$RELEASE"
cleanup_new() { [ -n "${NEW:-}" ] && [ -d "$NEW" ] && [ "${SWITCHED:-0}" = 0 ] && rm -rf "$NEW"; return 0; }
trap cleanup_new EXIT

step "installing the runtime ${PREVIOUS:+(upgrade from $PREVIOUS) }into $NEW"
mkdir -p "$NEW"
"$PYTHON" -m venv --without-pip "$NEW/venv"
PIP_WHEEL=$(ls "$SRC"/wheels/pip-*.whl 2>/dev/null | head -n 1)
[ -n "$PIP_WHEEL" ] || die "the archive has no pip wheel"
FIND=(--find-links "$SRC/wheels")
REQS=("$DIST_NAME==$DIST_VERSION" pip)
if [ "$GPU" = 1 ]; then
    FIND+=(--find-links "$SRC/wheels-gpu")
    while IFS= read -r line; do
        line=${line%%#*}; line=$(printf '%s' "$line" | tr -d '[:space:]')
        [ -z "$line" ] || REQS+=("$line")
    done < "$SRC/gpu-requirements.txt"
fi
# pip runs from its own wheel (so the system Python needs no ensurepip) and installs itself too.
"$NEW/venv/bin/python" "$PIP_WHEEL/pip" install --no-index "${FIND[@]}" --only-binary=:all: \
    --progress-bar off --quiet "${REQS[@]}" || die "pip could not install from the archive's wheels (see above)"
"$NEW/venv/bin/python" -m pip check >/dev/null || die "installed packages do not fit together: $("$NEW/venv/bin/python" -m pip check | head -n 3)"
cp -R "$SRC/assets" "$NEW/assets"
BUNDLE="$NEW/assets/bundles/$DIST_BUNDLE"
# The app finds its assets (bundles, sample video, translations) beside its package, as in a source
# checkout: a relative link from site-packages to this release's assets/.
"$NEW/venv/bin/python" - "$NEW/assets" <<'EOF' || die "could not link the assets into the runtime"
import os, sys, sysconfig
site = sysconfig.get_paths()["purelib"]
os.symlink(os.path.relpath(sys.argv[1], site), os.path.join(site, "assets"))
from app.runtime.bundle import ASSETS
sys.exit(0 if (ASSETS / "bundles").is_dir() else f"{ASSETS}: the app does not see its assets there")
EOF
# TensorRT engines built on this machine for the same bundle stay valid: carry them over.
if [ -n "$OLD_RELEASE" ]; then
    for old in "$PREFIX/$OLD_RELEASE"/assets/bundles/*/; do
        name=$(basename "$old")
        if [ -d "$old/cache" ] && [ -f "$NEW/assets/bundles/$name/manifest.json" ] \
            && cmp -s "$old/manifest.json" "$NEW/assets/bundles/$name/manifest.json"; then
            cp -a "$old/cache" "$NEW/assets/bundles/$name/cache"
            say "    kept the TensorRT engines built for $name"
        fi
    done
fi

step "checking the new runtime on the model bundle (before switching to it)"
SQINSPECT_BUNDLE=$BUNDLE "$NEW/venv/bin/sqinspect" verify "$BUNDLE" \
    || die "the new runtime does not run the model bundle; nothing was changed"
"$NEW/venv/bin/python" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("torch") is not None)' \
    || die "torch is installed in the runtime environment; it must not be (gigabytes, and not needed)"

step "preparing the data folder $DATA and the settings folder $CONFIG"
GROUP_CREATED=0
if [ "$MODE" = system ] && [ -n "$GROUP" ]; then
    if ! getent group "$GROUP" >/dev/null; then
        groupadd --system "$GROUP" || die "cannot create the group $GROUP"
        GROUP_CREATED=1
        say "    created the group $GROUP"
    fi
    # setgid folders: everything made inside belongs to the group; members read and write.
    for d in "$DATA" "$CONFIG"; do
        mkdir -p "$d"
        chgrp "$GROUP" "$d"
    done
    chmod 2770 "$DATA"
    chmod 2775 "$CONFIG"
    [ ! -f "$CONFIG/settings.toml" ] || { chgrp "$GROUP" "$CONFIG/settings.toml"; chmod 664 "$CONFIG/settings.toml"; }
    # SQLite creates a database file 0644 whatever the umask allows, and its -wal/-shm files with the
    # database's mode: so the database is made here, group-writable, before anyone's first start.
    DB_FILE="$DATA/inspections.db"
    [ -e "$DB_FILE" ] || { : > "$DB_FILE"; chmod 660 "$DB_FILE"; }
    for f in "$DB_FILE" "$DB_FILE-wal" "$DB_FILE-shm" "$DATA/inspections-images"; do
        [ -e "$f" ] && chgrp -R "$GROUP" "$f" && chmod -R g+rwX "$f"
    done
else
    for d in "$DATA" "$CONFIG"; do
        [ -d "$d" ] || { mkdir -p "$d"; chmod 700 "$d"; }
    done
fi

switch_to() {  # atomically point $PREFIX/current at release $1
    ln -sfn "$1" "$PREFIX/current.tmp"
    mv -Tf "$PREFIX/current.tmp" "$PREFIX/current"
}
DB="$DATA/inspections.db"
HAS_USERS=0
run_new() {  # the new release's sqinspect with the environment the launcher will give it
    ( [ "$MODE" = system ] && [ -n "$GROUP" ] && umask 007
      SQINSPECT_DATA_DIR=$DATA SQINSPECT_CONFIG_DIR=$CONFIG SQINSPECT_BUNDLE=$BUNDLE \
          exec "$PREFIX/current/venv/bin/sqinspect" "$@" )
}
step "switching to $DIST_VERSION${PREVIOUS:+ and migrating the database}"
BACKUP=
if [ -s "$DB" ]; then  # (an empty file is the database made above for the group: nothing to keep)
    BACKUP="$DATA/backups/pre-install-$(date -u +%Y%m%dT%H%M%SZ)-$$-${PREVIOUS:-unknown}-to-$DIST_VERSION"
    mkdir -p "$BACKUP"
    chmod 700 "$DATA/backups" "$BACKUP" 2>/dev/null || true
    # A consistent copy (SQLite's online backup), made without opening the store, which would
    # migrate the database first.
    "$NEW/venv/bin/python" "$SRC/upgrade_db.py" "$DB" "$BACKUP/inspections.db" >/dev/null \
        || die "could not back up $DB before the upgrade; nothing was changed"
    say "    database backed up to $BACKUP (images are not copied: they never change)"
fi
switch_to "$RELEASE"
SWITCHED=1
if [ -f "$DB" ]; then
    # Opening the store applies the new version's schema migrations (each in one transaction).
    if ! out=$(run_new db info --db "$DB" 2>&1); then
        printf '%s\n' "$out" >&2
        if [ -n "$OLD_RELEASE" ] && [ -d "$PREFIX/$OLD_RELEASE" ]; then
            switch_to "$OLD_RELEASE"
            rm -rf "$NEW"
            die "the database could not be migrated; went back to ${PREVIOUS:-the previous release}. The backup is in $BACKUP"
        fi
        die "the database could not be opened by $DIST_VERSION (see above). The backup is in $BACKUP"
    fi
    say "    database: $(printf '%s\n' "$out" | sed -n 's/^schema: *//p' | head -n 1) ($DB)"
    case "$out" in *"users "[1-9]*) HAS_USERS=1 ;; esac
fi

step "writing the launcher, menu entry and icon"
mkdir -p "$PREFIX/bin" "$PREFIX/share"
LAUNCHER="$PREFIX/bin/sqinspect"
{
    printf '#!/bin/sh\n# SQ-Inspect launcher, written by install.sh %s; edits are lost on upgrade.\n' "$DIST_VERSION"
    printf 'PREFIX=%s\n' "'$PREFIX'"
    printf ': "${SQINSPECT_DATA_DIR:=%s}"\n: "${SQINSPECT_CONFIG_DIR:=%s}"\n' "$DATA" "$CONFIG"
    printf ': "${SQINSPECT_BUNDLE:=$PREFIX/current/assets/bundles/%s}"\n' "$DIST_BUNDLE"
    printf 'export SQINSPECT_DATA_DIR SQINSPECT_CONFIG_DIR SQINSPECT_BUNDLE\n'
    printf '# the runtime sees only its own packages, not ~/.local ones\nPYTHONNOUSERSITE=1; export PYTHONNOUSERSITE\n'
    if [ "$MODE" = system ] && [ -n "$GROUP" ]; then
        printf '# files made in the shared data folder stay writable for the group\numask 007\n'
    fi
    cat <<'EOF'
# GPU libraries installed as wheels (install.sh --gpu): where ONNX Runtime's loader finds them
for d in "$PREFIX"/current/venv/lib/python3*/site-packages/nvidia/*/lib \
         "$PREFIX"/current/venv/lib/python3*/site-packages/tensorrt_libs; do
    [ -d "$d" ] && LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
done
[ -n "${LD_LIBRARY_PATH:-}" ] && export LD_LIBRARY_PATH
exec "$PREFIX/current/venv/bin/sqinspect" "$@"
EOF
} > "$LAUNCHER.tmp"
chmod 755 "$LAUNCHER.tmp"
mv -f "$LAUNCHER.tmp" "$LAUNCHER"
cp "$SRC/share/sq-inspect.svg" "$PREFIX/share/sq-inspect.svg"
cp "$SRC/uninstall.sh" "$PREFIX/uninstall.sh.tmp" && chmod 755 "$PREFIX/uninstall.sh.tmp" && mv -f "$PREFIX/uninstall.sh.tmp" "$PREFIX/uninstall.sh"
BIN_LINK='' DESKTOP_FILE='' ICON_FILE=''
if [ -n "$BIN_DIR" ]; then
    mkdir -p "$BIN_DIR"
    if [ -e "$BIN_DIR/sqinspect" ] && [ "$(readlink "$BIN_DIR/sqinspect" || true)" != "$LAUNCHER" ]; then
        warn "$BIN_DIR/sqinspect exists and is not this installation's: left alone; run $LAUNCHER"
    else
        ln -sfn "$LAUNCHER" "$BIN_DIR/sqinspect"
        BIN_LINK="$BIN_DIR/sqinspect"
    fi
fi
if [ -n "$DESKTOP_DIR" ]; then
    DESKTOP_FILE="$DESKTOP_DIR/applications/sq-inspect.desktop"
    ICON_FILE="$DESKTOP_DIR/icons/hicolor/scalable/apps/sq-inspect.svg"
    mkdir -p "$(dirname "$DESKTOP_FILE")" "$(dirname "$ICON_FILE")"
    desktop_entry "$PREFIX" > "$DESKTOP_FILE"
    chmod 644 "$DESKTOP_FILE"
    cp "$SRC/share/sq-inspect.svg" "$ICON_FILE"
    chmod 644 "$ICON_FILE"
    command -v update-desktop-database >/dev/null && update-desktop-database -q "$DESKTOP_DIR/applications" 2>/dev/null || true
    command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$DESKTOP_DIR/icons/hicolor" 2>/dev/null || true
fi

step "finishing"
if [ -n "$OLD_RELEASE" ] && [ "$OLD_RELEASE" != "$RELEASE" ] && [ "$KEEP_PREVIOUS" = 0 ]; then
    rm -rf "${PREFIX:?}/$OLD_RELEASE"
fi
for r in "$PREFIX"/releases/*; do  # leftovers of interrupted installs and older releases
    [ -d "$r" ] || continue
    rel="releases/$(basename "$r")"
    [ "$rel" = "$RELEASE" ] || { [ "$KEEP_PREVIOUS" = 1 ] && [ "$rel" = "$OLD_RELEASE" ]; } || rm -rf "$r"
done
q() { printf "%s='%s'\n" "$1" "$(printf '%s' "$2" | sed "s/'/'\\\\''/g")"; }
{
    q INSTALLED_VERSION "$DIST_VERSION"; q INSTALLED_AT "$(date -u +%Y-%m-%dT%H:%M:%SZ)"; q MODE "$MODE"
    q PREFIX "$PREFIX"; q DATA "$DATA"; q CONFIG "$CONFIG"; q BIN_LINK "$BIN_LINK"
    q DESKTOP_FILE "$DESKTOP_FILE"; q ICON_FILE "$ICON_FILE"; q GROUP "$GROUP"
    q GROUP_CREATED "$([ "$GROUP_CREATED" = 1 ] || [ "$PREV_GROUP_CREATED" = 1 ] && echo 1 || echo 0)"
    q PYTHON "$PYTHON"; q GPU "$GPU"
} > "$PREFIX/install.env.tmp"
mv -f "$PREFIX/install.env.tmp" "$PREFIX/install.env"
rm -f "$PREFIX/.install.lock"

# Camera access and data access: group memberships.
CAMERA_GROUP=video
for dev in /dev/video*; do
    [ -e "$dev" ] && CAMERA_GROUP=$(stat -c %G "$dev") && break
done
for u in "${ADD_USERS[@]}"; do
    id "$u" >/dev/null 2>&1 || { warn "no user $u: not added"; continue; }
    usermod -aG "$GROUP${GROUP:+,}$CAMERA_GROUP" "$u" && say "    added $u to ${GROUP:+$GROUP and }$CAMERA_GROUP (takes effect at the next login)"
done
# Qt's X11 plugin needs some system libraries that pip cannot bring.
QXCB=$(ls "$PREFIX"/current/venv/lib/python3*/site-packages/PySide6/Qt/plugins/platforms/libqxcb.so 2>/dev/null | head -n 1)
if [ -n "$QXCB" ] && command -v ldd >/dev/null; then
    missing=$(ldd "$QXCB" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | sort -u)
    # Qt 6.5+ loads libxcb-cursor at run time, so ldd does not list it.
    LDCONFIG=$(command -v ldconfig || echo /sbin/ldconfig)
    if [ -x "$LDCONFIG" ] && ! "$LDCONFIG" -p 2>/dev/null | grep -q 'libxcb-cursor\.so\.0'; then
        missing=$(printf '%s\n%s\n' "$missing" libxcb-cursor.so.0 | sed '/^$/d')
    fi
    if [ -n "$missing" ]; then
        # Debian's package naming: libfoo.so.N -> libfooN, libfoo2.so.N -> libfoo2-N
        pkgs=$(printf '%s\n' "$missing" | sed -E 's/\.so\.([0-9]+).*/ \1/' \
            | awk '{n=tolower($1); if (n ~ /[0-9]$/) print n "-" $2; else print n $2}' | tr '\n' ' ')
        warn "the GUI needs system libraries that are missing: $(echo $missing). On Debian/Ubuntu: sudo apt install $pkgs"
    fi
fi

say ""
say "SQ-Inspect $DIST_VERSION is installed in $PREFIX${PREVIOUS:+ (was $PREVIOUS)}."
say "  command:   ${BIN_LINK:-$LAUNCHER}"
say "  data:      $DATA${BACKUP:+ (pre-install database backup: $BACKUP)}"
say "  settings:  $CONFIG"
if [ "$MODE" = system ]; then
    [ -z "$GROUP" ] || say "  inspectors must be in the groups '$GROUP' and '$CAMERA_GROUP': sudo usermod -aG $GROUP,$CAMERA_GROUP NAME"
elif ! id -nG | tr ' ' '\n' | grep -qx "$CAMERA_GROUP"; then
    say "  camera: this user is not in the '$CAMERA_GROUP' group; if the camera cannot be opened:"
    say "          sudo usermod -aG $CAMERA_GROUP $(id -un)   (then log out and in)"
fi
[ "$HAS_USERS" = 1 ] || say "  first start: sqinspect db users add NAME --role admin   (the station's first administrator)"
say "  check the station: sqinspect doctor"
