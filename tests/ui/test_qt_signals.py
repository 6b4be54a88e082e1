"""Guards against a Qt binding that breaks on many signal emits (PySide6 6.12.0 did)."""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    text = Signal(str)
    value = Signal(object)


def test_emitting_signals_leaves_reference_counts_alone():
    emitter = _Emitter()
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(3000):   # a training run emits thousands of events
        emitter.text.emit("x")
        emitter.value.emit(1)
        emitter.setObjectName("x")   # a void method call (6.12.0 also lost a None here)
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert abs(after[0] - before[0]) < 100 and abs(after[1] - before[1]) < 100
