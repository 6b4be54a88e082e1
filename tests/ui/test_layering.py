"""The UI sits on the core, never the other way round (DESIGN §4): the core imports no Qt."""
from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import musicrec_gui.core as core
for module in pkgutil.walk_packages(core.__path__, "musicrec_gui.core."):
    importlib.import_module(module.name)
print(sorted(name for name in sys.modules if name.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6")))
"""


def test_the_core_imports_no_qt():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
