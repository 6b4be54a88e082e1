"""A spin box for numbers that span orders of magnitude: learning rates, weight decays, gravity.

A plain QDoubleSpinBox steps by a fixed amount and shows fixed decimals, which
is useless between 0.0001 and 50.  Here the text is short ("0.003", "1e-05",
"50"), anything float() reads can be typed, and the arrows multiply or divide
by ``factor``.  With ``zero_allowed`` stepping down past ``smallest`` gives 0
(e.g. "no gravity"), and stepping up from 0 gives ``smallest``.
"""
from __future__ import annotations

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox


def short_number(value: float) -> str:
    """``value`` in at most three significant digits, scientific only when tiny or huge."""
    if value == 0:
        return "0"
    if 1e-3 <= abs(value) < 1e3:
        return f"{value:.3g}"
    if 1e3 <= abs(value) < 1e6:
        return f"{round(value)}"
    mantissa, exponent = f"{value:.2e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"


class NumberBox(QDoubleSpinBox):
    def __init__(self, smallest: float, largest: float, factor: float = 2.0, zero_allowed: bool = False,
                 parent=None) -> None:
        super().__init__(parent)
        self.smallest = smallest
        self.factor = factor
        self.zero_allowed = zero_allowed
        self.setDecimals(12)   # QDoubleSpinBox rounds stored values to its decimals
        self.setRange(0.0 if zero_allowed else smallest, largest)
        self.setKeyboardTracking(False)   # one valueChanged when typing ends, not per keystroke

    def setValue(self, value: float) -> None:
        # Keep the value equal to what is shown, so re-reading the text never changes it.
        super().setValue(float(short_number(float(value))))

    def textFromValue(self, value: float) -> str:
        return short_number(value)

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            # "1e-" or "." may become a number with the next keystroke.
            partial = stripped == "" or all(c in "0123456789.eE+-" for c in stripped)
            return QValidator.State.Intermediate if partial else QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:
        value = self.value()
        if value <= 0:
            new = self.smallest if steps > 0 else 0.0
        else:
            new = value * self.factor ** steps
            if new < self.smallest:
                new = 0.0 if self.zero_allowed else self.smallest
        self.setValue(min(max(new, self.minimum()), self.maximum()))
