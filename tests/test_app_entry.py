"""The entry point's no-window modes: --version, --self-test, portable mode, the Linux library check."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from musicrec_gui import __version__, desktop_libs
from musicrec_gui.app import PORTABLE_FOLDER, portable_home


def test_version_needs_no_qt():
    code = "import sys; from musicrec_gui.app import main; main(['--version']); " \
           "print('PySide6' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout
    assert out.split() == ["MusicRec", __version__, "False"]


def test_self_test_imports_trains_and_recommends(tmp_path):
    result = subprocess.run([sys.executable, "-m", "musicrec_gui", "--self-test"], capture_output=True,
                            text=True, timeout=300, env={**os.environ, "MUSICREC_HOME": str(tmp_path)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_portable_marker_moves_the_data_folder(tmp_path):
    executable = tmp_path / "MusicRec"
    executable.write_text("")
    assert portable_home(str(executable)) is None
    (tmp_path / "portable").write_text("")
    assert portable_home(str(executable)) == tmp_path.resolve() / PORTABLE_FOLDER


# -- the Linux desktop-library check (before Qt loads) ------------------------------------

LDD_REPORT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f36)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f36)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibfake-widget.so.7 => not found
"""


def test_ldd_report_gives_each_missing_library_once():
    assert desktop_libs.not_found_in(LDD_REPORT) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                                                     "libfake-widget.so.7"]


def test_message_names_the_missing_libraries_and_both_install_commands():
    text = desktop_libs.install_hint(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libfake-widget.so.7"])
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1, libfake-widget.so.7" in text
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1\n" in text
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms\n" in text
    assert "apt-file search libfake-widget.so.7" in text
    assert "libxcb-cursor0" not in text   # Qt's own message names this one whatever is missing


def test_missing_libraries_from_ldd_or_by_loading_each_one(tmp_path):
    plugin = tmp_path / "libqxcb.so"
    assert desktop_libs.missing_libraries(plugin, ldd=lambda _: LDD_REPORT)[:2] == ["libxcb-icccm.so.4",
                                                                                 "libxcb-keysyms.so.1"]
    # No ldd (or no plugin found): every known library is loaded by name; a fake one fails.
    absent = {"libxcb-keysyms.so.1"}
    assert desktop_libs.missing_libraries(plugin, ldd=lambda _: None,
                                          load=lambda name: name not in absent) == ["libxcb-keysyms.so.1"]


@pytest.mark.parametrize(("env", "expected"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "xcb"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, False),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, False),
    ({}, False),
])
def test_checked_only_when_qt_will_use_xcb(env, expected):
    assert desktop_libs.will_use_xcb(env, platform="linux") is expected
    assert desktop_libs.will_use_xcb(env, platform="darwin") is False


def test_app_exits_with_the_message_before_qt_loads(tmp_path):
    # A fake missing library: the app prints it and the install commands, exits non-zero, and
    # never loads Qt (so no core dump).
    code = ("import sys; from musicrec_gui import app, desktop_libs; "
            "desktop_libs.missing_libraries = lambda: ['libxcb-icccm.so.4', 'libfake-widget.so.7']; "
            "status = app.main([]); print('status', status, 'qt', 'PySide6' in sys.modules)")
    env = {**os.environ, "MUSICREC_HOME": str(tmp_path), "DISPLAY": ":fake", "QT_QPA_PLATFORM": "xcb"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert result.stdout.split() == ["status", str(desktop_libs.MISSING_EXIT), "qt", "False"]
    assert "libfake-widget.so.7" in result.stderr
    assert "sudo apt install libxcb-icccm4" in result.stderr
