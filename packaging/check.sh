#!/usr/bin/env bash
# Build the frozen app and prove it works: --version, --self-test (import, train,
# recommend inside the bundle), the .desktop/AppStream files, bundle size, and the
# time to a visible main window (cold and warm).  Run from anywhere:
#   bash packaging/check.sh            (needs: pip install pyinstaller; desktop-file-utils)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
PY=${PYTHON:-python}
APP=dist/MusicRec/MusicRec

echo "== build"
"$PY" packaging/build.py

echo "== --version"
"$APP" --version

echo "== --self-test"
HOME_DIR=$(mktemp -d)
MUSICREC_HOME="$HOME_DIR" QT_QPA_PLATFORM=offscreen "$APP" --self-test
rm -rf "$HOME_DIR"

echo "== desktop integration files"
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate packaging/linux/io.github.musicrec.MusicRec.desktop && echo "desktop file: valid"
else
    echo "desktop-file-validate not installed (apt-get install desktop-file-utils)"; exit 1
fi
if command -v appstreamcli >/dev/null; then
    appstreamcli validate --no-net packaging/linux/io.github.musicrec.MusicRec.metainfo.xml
fi

echo "== bundle size"
du -sh dist/MusicRec
du -sh dist/MusicRec/_internal/torch 2>/dev/null || true

echo "== startup to a visible main window"
"$PY" bench/startup.py --app "$APP"
