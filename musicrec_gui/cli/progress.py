"""Terminal progress for long commands: one rewritten line on a TTY, quiet otherwise.

Stages name the file being read, and file names are other people's text: the
line is made terminal-safe (``core.text.terminal_text``) before it is drawn.
"""
from __future__ import annotations

import sys
import time

from musicrec_gui.core.jobs import Progress
from musicrec_gui.core.text import terminal_text


class TerminalProgress:
    """A reporter for core jobs that draws ``Progress`` events on stderr."""

    def __init__(self, enabled: bool = True, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self._last_draw = 0.0
        self._width = 0

    def __call__(self, event: object) -> None:
        if not self.enabled or not isinstance(event, Progress):
            return
        now = time.monotonic()
        if now - self._last_draw < 0.1 and (event.fraction or 0) < 1:
            return
        self._last_draw = now
        frac = event.fraction
        bar = ""
        if frac is not None:
            filled = int(frac * 30)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {frac * 100:5.1f}% "
        line = terminal_text(f"{event.stage}: {bar}{event.message}")[:120]
        self.stream.write("\r" + line.ljust(self._width))
        self._width = len(line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
