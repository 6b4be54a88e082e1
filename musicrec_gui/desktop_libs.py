"""Before Qt starts on a Linux X11 desktop: are the system libraries Qt's xcb plugin needs there? (no Qt)

PySide6 wheels carry Qt but not the X11 client libraries its ``xcb`` platform
plugin links to.  A minimal Debian or Ubuntu desktop lacks some of them
(``libxcb-icccm4`` and ``libxcb-keysyms1`` were missing here), and then Qt
aborts with a core dump and a message that names ``libxcb-cursor0`` whatever
is actually missing.  So the app asks the dynamic linker first (``ldd`` on the
plugin, or loading each library by name when ``ldd`` or the plugin cannot be
found), and prints the exact missing libraries with the command that installs
them.  ``PACKAGES`` is also what the README and ``packaging/README.md`` list.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

# The libraries Qt's xcb plugin (and the Qt libraries it loads) links to that PySide6 does
# not bring: shared-object name -> (Debian/Ubuntu package, Fedora package).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}

PLUGIN = Path("Qt", "plugins", "platforms", "libqxcb.so")   # inside the PySide6 package
_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)
MISSING_EXIT = 3   # the status the app exits with when libraries are missing


def will_use_xcb(environ: dict[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt is about to load its xcb (X11) plugin: Linux, a DISPLAY, no other platform chosen.

    In a Wayland session Qt starts its Wayland plugin first, so nothing is checked there.
    """
    env = os.environ if environ is None else environ
    if not (platform or sys.platform).startswith("linux") or not env.get("DISPLAY"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not (env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland")


def plugin_path() -> Path | None:
    """PySide6's xcb plugin, found without importing PySide6 (in a frozen app too)."""
    roots = []
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.submodule_search_locations:
        roots += [Path(p) for p in spec.submodule_search_locations]
    if getattr(sys, "_MEIPASS", None):
        roots.append(Path(sys._MEIPASS) / "PySide6")
    return next((root / PLUGIN for root in roots if (root / PLUGIN).is_file()), None)


def not_found_in(ldd_output: str) -> list[str]:
    """The libraries ``ldd`` reported as "not found", each once, in the order listed."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def run_ldd(path: Path) -> str | None:
    """``ldd``'s report on ``path``, or None when ``ldd`` is missing or fails."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        done = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True


def missing_libraries(plugin: Path | None = None, ldd: Callable[[Path], str | None] = run_ldd,
                      load: Callable[[str], bool] = loadable) -> list[str]:
    """The xcb plugin's libraries the system lacks: from ``ldd`` on the plugin when possible, else by
    loading each library of ``PACKAGES`` by name."""
    plugin = plugin if plugin is not None else plugin_path()
    report = ldd(plugin) if plugin is not None else None
    if report is not None:
        return not_found_in(report)
    return [name for name in PACKAGES if not load(name)]


def install_hint(missing: list[str]) -> str:
    """What to tell a person: the missing libraries and the commands that install them."""
    known = [PACKAGES[name] for name in missing if name in PACKAGES]
    unknown = [name for name in missing if name not in PACKAGES]
    lines = ["MusicRec cannot open its window: the X11 libraries Qt needs are missing:",
             "  " + ", ".join(missing), ""]
    if known:
        debian = " ".join(dict.fromkeys(deb for deb, _ in known))
        fedora = " ".join(dict.fromkeys(fed for _, fed in known))
        lines += ["Install them, then start MusicRec again:",
                  f"  Debian, Ubuntu: sudo apt install {debian}",
                  f"  Fedora:         sudo dnf install {fedora}"]
    if unknown:
        lines += [f"Find the package that provides {', '.join(unknown)} with "
                  f"`apt-file search {unknown[0]}` or `dnf provides '*/{unknown[0]}'`."]
    lines += ["", "(The command line, `musicrec`, works without them.)"]
    return "\n".join(lines)


def check(stream=None, environ: dict[str, str] | None = None) -> bool:
    """True when Qt can start here (or the check does not apply); otherwise prints why and returns False."""
    if not will_use_xcb(environ):
        return True
    missing = missing_libraries()
    if not missing:
        return True
    print(install_hint(missing), file=stream or sys.stderr)
    return False
