#!/usr/bin/env bash
# SQ-Inspect uninstaller (install.sh copies it to PREFIX/uninstall.sh).
#
#   sudo /opt/sq-inspect/uninstall.sh            # remove the program; keep database, images, settings
#   sudo /opt/sq-inspect/uninstall.sh --purge    # also delete the data and settings folders
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: uninstall.sh [--prefix DIR] [--purge [--yes]]

  --prefix DIR  the installation to remove (default: the folder this script is in)
  --purge       also delete the data folder (database, images, backups) and the settings folder;
                asks for confirmation unless --yes. Back up first: sqinspect db backup DIR
  --yes         do not ask
EOF
}
die() { printf 'uninstall.sh: error: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*"; }

PREFIX=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd) PURGE=0 YES=0
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX=${2:?--prefix needs a folder}; shift 2 ;;
        --purge) PURGE=1; shift ;;
        --yes|-y) YES=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $1" ;;
    esac
done
[ -f "$PREFIX/install.env" ] || die "$PREFIX is not an SQ-Inspect installation (no install.env)"
# Written by install.sh: KEY='value' lines only.
INSTALLED_VERSION='' MODE='' DATA='' CONFIG='' BIN_LINK='' DESKTOP_FILE='' ICON_FILE='' GROUP='' GROUP_CREATED=0
# shellcheck source=/dev/null
. "$PREFIX/install.env"
[ "$PREFIX" = "$(cd "$PREFIX" && pwd)" ] || PREFIX=$(cd "$PREFIX" && pwd)
if [ "$MODE" = system ] && [ "$(id -u)" != 0 ]; then
    die "this is a system installation: run as root (sudo $0)"
fi

if [ "$PURGE" = 1 ] && [ "$YES" = 0 ]; then
    [ -t 0 ] || die "--purge deletes the inspection records; add --yes to confirm when not at a terminal"
    say "This deletes the inspection database, all images and backups in $DATA,"
    say "and the settings in $CONFIG. Quality records cannot be recovered afterwards."
    printf 'Type "delete" to go on: '
    read -r answer
    [ "$answer" = delete ] || die "nothing was removed"
fi

say "removing SQ-Inspect $INSTALLED_VERSION from $PREFIX"
if [ -n "$BIN_LINK" ] && [ -L "$BIN_LINK" ] && [ "$(readlink "$BIN_LINK")" = "$PREFIX/bin/sqinspect" ]; then
    rm -f "$BIN_LINK"
fi
for f in "$DESKTOP_FILE" "$ICON_FILE"; do
    [ -n "$f" ] && rm -f "$f"
done
if [ -n "$DESKTOP_FILE" ] && command -v update-desktop-database >/dev/null; then
    update-desktop-database -q "$(dirname "$DESKTOP_FILE")" 2>/dev/null || true
fi
rm -rf "${PREFIX:?}/releases" "${PREFIX:?}/current" "${PREFIX:?}/bin" "${PREFIX:?}/share" "${PREFIX:?}/.install.lock"
rm -f "$PREFIX/install.env" "$PREFIX/uninstall.sh"
rmdir "$PREFIX" 2>/dev/null || say "  left $PREFIX in place: it holds files the installer did not put there"

if [ "$PURGE" = 1 ]; then
    for d in "$DATA" "$CONFIG"; do
        [ -n "$d" ] && [ "$d" != / ] && [ -d "$d" ] && rm -rf "$d" && say "  deleted $d"
    done
    if [ "$MODE" = system ] && [ "$GROUP_CREATED" = 1 ] && [ -n "$GROUP" ] && command -v groupdel >/dev/null; then
        groupdel "$GROUP" 2>/dev/null && say "  deleted the group $GROUP" || true
    fi
else
    say "  kept the data in $DATA and the settings in $CONFIG (delete them with --purge)"
fi
say "done"
