"""Build the desktop app for this platform: ``python packaging/build.py`` → ``dist/MusicRec/``.

Needs the project installed (``pip install -e .``) and PyInstaller
(``pip install pyinstaller``).  Windows and macOS builds are made on those
systems with the same command (see packaging/README.md).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dist", default=str(ROOT / "dist"), help="output folder (default: dist/)")
    parser.add_argument("--work", default=str(ROOT / "build" / "pyinstaller"), help="PyInstaller work folder")
    args = parser.parse_args()
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("PyInstaller is not installed: pip install pyinstaller", file=sys.stderr)
        return 1
    start = time.monotonic()
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean",
               "--distpath", args.dist, "--workpath", args.work, str(HERE / "musicrec.spec")]
    print(" ".join(command), flush=True)
    status = subprocess.call(command, cwd=ROOT)
    if status:
        return status
    app_dir = Path(args.dist) / "MusicRec"
    if sys.platform.startswith("linux"):
        # Desktop integration files travel with the bundle for install-linux.sh.
        share = app_dir / "share"
        share.mkdir(exist_ok=True)
        for item in (HERE / "linux").iterdir():
            shutil.copy2(item, share / item.name)
        icons = ROOT / "resources" / "icons"
        if icons.exists():
            shutil.copytree(icons, share / "icons", dirs_exist_ok=True)
    print(f"built {app_dir} in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
