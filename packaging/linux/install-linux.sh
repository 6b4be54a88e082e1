#!/usr/bin/env bash
# Install a built MusicRec (dist/MusicRec) for the current user:
#   bash install-linux.sh [path/to/dist/MusicRec]
# It copies the app to ~/.local/opt/MusicRec, links ~/.local/bin/MusicRec, and adds the
# desktop entry, AppStream metadata and icons under ~/.local/share.
set -euo pipefail
APP_ID=io.github.musicrec.MusicRec
SRC=$(cd "${1:-$(dirname "$0")/..}" && pwd)
[ -x "$SRC/MusicRec" ] || { echo "no MusicRec executable in $SRC" >&2; exit 1; }
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
DEST=$HOME/.local/opt/MusicRec
mkdir -p "$DEST" "$HOME/.local/bin" "$DATA/applications" "$DATA/metainfo"
cp -a "$SRC/." "$DEST/"
ln -sf "$DEST/MusicRec" "$HOME/.local/bin/MusicRec"
sed "s|^Exec=MusicRec|Exec=$DEST/MusicRec|; s|^TryExec=MusicRec|TryExec=$DEST/MusicRec|" \
    "$SRC/share/$APP_ID.desktop" > "$DATA/applications/$APP_ID.desktop"
cp "$SRC/share/$APP_ID.metainfo.xml" "$DATA/metainfo/"
for png in "$SRC"/share/icons/hicolor/*/apps/$APP_ID.png; do
    size=$(basename "$(dirname "$(dirname "$png")")")
    mkdir -p "$DATA/icons/hicolor/$size/apps"
    cp "$png" "$DATA/icons/hicolor/$size/apps/"
done
mkdir -p "$DATA/icons/hicolor/scalable/apps"
cp "$SRC/share/icons/hicolor/scalable/apps/$APP_ID.svg" "$DATA/icons/hicolor/scalable/apps/" 2>/dev/null || true
command -v update-desktop-database >/dev/null && update-desktop-database "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q "$DATA/icons/hicolor" || true
echo "MusicRec installed: $DEST (menu entry: MusicRec)"
# A menu launch shows no terminal: say now if the X11 libraries Qt needs are missing.
"$DEST/MusicRec" --check-desktop || true
