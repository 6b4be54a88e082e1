"""The layers hold (DESIGN §4): core imports no Qt, no ui and no cli; ui does not import cli; cli no Qt.

Checked twice: statically, over every import statement in the package (also the
ones inside functions), and at run time, by importing all of the core and the
CLI in a fresh interpreter and looking at what got loaded.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import musicrec_gui

PACKAGE = Path(musicrec_gui.__file__).parent
QT = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6")
FORBIDDEN = {
    "musicrec_gui.core": QT + ("musicrec_gui.ui", "musicrec_gui.cli"),
    "musicrec_gui.cli": QT + ("musicrec_gui.ui",),
    "musicrec_gui.ui": ("musicrec_gui.cli",),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.append((node.lineno, base))
    return found


def _violations() -> list[str]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for layer, banned in FORBIDDEN.items():
            if module != layer and not module.startswith(layer + "."):
                continue
            for line, name in _imports(path):
                if any(name == b or name.startswith(b + ".") for b in banned):
                    out.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {module} imports {name}")
    return out


def test_no_layer_imports_what_it_must_not():
    assert _violations() == []


def test_the_contract_catches_a_violation(tmp_path, monkeypatch):
    # The check itself must be able to fail: a core module importing Qt is reported.
    fake = tmp_path / "musicrec_gui"
    (fake / "core").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "core" / "__init__.py").write_text("")
    (fake / "core" / "bad.py").write_text("def f():\n    from PySide6 import QtCore\n    from ..ui import x\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert [v.split(": ", 1)[1] for v in _violations()] == [
        "musicrec_gui.core.bad imports PySide6", "musicrec_gui.core.bad imports musicrec_gui.ui"]


RUNTIME = f"""
import importlib, pkgutil, sys
import musicrec_gui.core as core
for info in pkgutil.walk_packages(core.__path__, "musicrec_gui.core."):
    importlib.import_module(info.name)
import musicrec_gui.cli
musicrec_gui.cli.build_parser()
print(sorted(name for name in sys.modules if name.split(".")[0] in {QT!r} or name.startswith("musicrec_gui.ui")))
print("musicrec_gui.core.workflows.listening" in sys.modules)
"""


def test_importing_all_of_the_core_and_the_cli_loads_no_qt():
    done = subprocess.run([sys.executable, "-c", RUNTIME], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded, workflows = done.stdout.strip().splitlines()
    assert loaded == "[]" and workflows == "True"
