"""The entry point's no-window modes: --version, --self-test, portable mode."""
from __future__ import annotations

import os
import subprocess
import sys

from musicrec_gui import __version__
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
