"""How long the GUI thread was busy: a 10 ms timer that records the gaps between its ticks.

A tick that comes 300 ms late means the event loop was blocked for about that
long — the window could not repaint or react.  ``bench/responsiveness.py`` and
the start-up tests run one over the window's start-up and a model switch and
report the worst gaps per phase, with the CPU time the GUI thread itself used
in each phase (a gap much longer than that CPU time was spent waiting: for
Python's global lock held by a worker thread, or for a busy machine's CPU).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, QTimer, Qt

TICK_MS = 10


@dataclass
class Phase:
    """The gaps seen while one labelled phase ran."""

    name: str
    gaps_ms: list[float] = field(default_factory=list)
    cpu_ms: float = 0.0   # CPU time of the GUI thread during the phase

    @property
    def worst_ms(self) -> float:
        return max(self.gaps_ms, default=0.0)


class GapMeter(QObject):
    """Start it, ``phase(name)`` as the phases begin, read ``phases`` (or ``worst_ms``) at the end."""

    def __init__(self, parent: QObject | None = None, tick_ms: int = TICK_MS) -> None:
        super().__init__(parent)
        self.tick_ms = tick_ms
        self.phases: list[Phase] = [Phase("start")]
        self._last = 0.0
        self._cpu_at = time.thread_time()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._cpu_at = time.thread_time()
        self._timer.start()

    def stop(self) -> None:
        self._tick()
        self._close_phase()
        self._timer.stop()

    def phase(self, name: str) -> None:
        """Gaps from now on belong to ``name`` (the gap running into this call still counts for the last one).

        Call it on the GUI thread (its CPU time is measured per phase)."""
        self._tick()
        self._close_phase()
        self.phases.append(Phase(name))

    def _close_phase(self) -> None:
        now = time.thread_time()
        self.phases[-1].cpu_ms += (now - self._cpu_at) * 1000.0
        self._cpu_at = now

    @property
    def worst_ms(self) -> float:
        return max(phase.worst_ms for phase in self.phases)

    def report(self) -> str:
        lines = []
        for phase in self.phases:
            if phase.gaps_ms:
                slow = sum(1 for gap in phase.gaps_ms if gap > 100)
                lines.append(f"{phase.name:<34} worst gap {phase.worst_ms:7.1f} ms  "
                             f"({len(phase.gaps_ms)} ticks, {slow} over 100 ms; GUI thread CPU {phase.cpu_ms:.0f} ms)")
        return "\n".join(lines)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._timer.isActive():
            self.phases[-1].gaps_ms.append((now - self._last) * 1000.0)
        self._last = now
