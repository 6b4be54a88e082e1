"""How long the GUI thread was busy: a 10 ms timer that records the gaps between its ticks.

A tick that comes 300 ms late means the event loop was blocked for about that
long — the window could not repaint or react.  ``bench/responsiveness.py`` and
the start-up tests run one over the window's start-up and a model switch and
report the worst gaps per phase.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt, QTimer

TICK_MS = 10


@dataclass
class Phase:
    """The gaps seen while one labelled phase ran."""

    name: str
    gaps_ms: list[float] = field(default_factory=list)

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
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._tick()
        self._timer.stop()

    def phase(self, name: str) -> None:
        """Gaps from now on belong to ``name`` (the gap running into this call still counts for the last one)."""
        self._tick()
        self.phases.append(Phase(name))

    @property
    def worst_ms(self) -> float:
        return max(phase.worst_ms for phase in self.phases)

    def report(self) -> str:
        lines = []
        for phase in self.phases:
            if phase.gaps_ms:
                slow = sum(1 for gap in phase.gaps_ms if gap > 100)
                lines.append(f"{phase.name:<34} worst gap {phase.worst_ms:7.1f} ms  "
                             f"({len(phase.gaps_ms)} ticks, {slow} over 100 ms)")
        return "\n".join(lines)

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._timer.isActive():
            self.phases[-1].gaps_ms.append((now - self._last) * 1000.0)
        self._last = now
