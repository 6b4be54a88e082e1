"""The core (engine included) must import no Qt: it serves the CLI, tests and notebooks."""
from __future__ import annotations

import subprocess
import sys

CODE = r"""
import importlib, pkgutil, sys
import musicrec_gui.core as core
for info in pkgutil.walk_packages(core.__path__, "musicrec_gui.core."):
    importlib.import_module(info.name)
import musicrec_gui.cli.engine_commands
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"))
print("BAD:" + ",".join(bad))
print("ENGINE:" + str("musicrec_gui.core.engine.trainer" in sys.modules))
"""


def test_core_imports_no_qt():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "BAD:\n" in out.stdout, out.stdout
    assert "ENGINE:True" in out.stdout
