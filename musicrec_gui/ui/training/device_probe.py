"""Which devices can train here (a graphics card?), found without freezing the window.

Knowing about a GPU means importing torch, and importing torch holds Python's
global lock for half a second or more at a time: done on any thread of the app,
the window stops for that long.  So until something else has imported torch,
a child process answers (``musicrec-gui --list-devices``, a ``QProcess``: no
thread, nothing to wait for at exit); once torch is in, the answer is cheap
and comes from the page-computation thread.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QProcess, Signal

from musicrec_gui.core.workflows import training
from musicrec_gui.ui.compute import ComputeQueue

LIST_DEVICES = "--list-devices"
TIMEOUT_MS = 120_000


def probe_command() -> list[str]:
    """The command that prints the devices: the frozen app itself, or this Python with the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable, LIST_DEVICES]
    return [sys.executable, "-m", "musicrec_gui", LIST_DEVICES]


class DeviceProbe(QObject):
    found = Signal(list)   # device names, best first (always ending with "cpu")

    def __init__(self, compute: ComputeQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.compute = compute
        self.process: QProcess | None = None

    def start(self) -> None:
        if "torch" in sys.modules:
            self.compute.submit((self, "devices"), training.devices, self.found.emit, label="train.devices")
            return
        process = QProcess(self)
        process.finished.connect(lambda code, _status: self._finished(process, code))
        command = probe_command()
        process.start(command[0], command[1:])
        self.process = process

    def stop(self) -> None:
        """End a probe still running (the window closes)."""
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()
            self.process.waitForFinished(2000)
        self.process = None

    def _finished(self, process: QProcess, code: int) -> None:
        if process is not self.process:
            return
        self.process = None
        output = bytes(process.readAllStandardOutput()).decode(errors="replace").split()
        names = output[-1].split(",") if code == 0 and output else []
        self.found.emit(names if names and names[-1] == "cpu" else ["cpu"])
        process.deleteLater()
