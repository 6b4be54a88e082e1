"""Which community data a model learns from: every dataset in the library (the default), or some of them.

A library may hold HetRec (2011) and today's ListenBrainz statistics; a person
may want a model of today's listening only, or to compare.  One check box per
dataset; all of them checked means "all" (``Settings.community == ()``), so a
dataset imported later is included too; at least one stays checked.  With a
single dataset there is nothing to choose: it is named, not offered.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QVBoxLayout, QWidget

from musicrec_gui.core.library import CommunityData
from musicrec_gui.core.text import display_name
from musicrec_gui.ui.widgets.text import secondary, tip_text


class CommunityChoice(QWidget):
    """``chosen()`` gives ``Settings.community``; ``changed`` after the person ticks or unticks one."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.datasets: list[CommunityData] = []
        self.boxes: dict[str, QCheckBox] = {}
        self._wanted: tuple[str, ...] = ()   # the settings' choice, kept until the datasets are known
        self._known = False                  # whether the library's datasets were read yet
        self.only = QLabel()
        secondary(self.only)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.only)
        self._fill()

    def set_datasets(self, datasets: list[CommunityData]) -> None:
        """The community datasets of the library (read off the GUI thread)."""
        if self._known and [(d.dataset, d.listeners) for d in datasets] == \
                [(d.dataset, d.listeners) for d in self.datasets]:
            return
        self._wanted = self.chosen() if len(self.boxes) >= 2 else self._wanted
        self.datasets, self._known = list(datasets), True
        self._fill()

    def set_chosen(self, keys: tuple[str, ...]) -> None:
        """Show ``Settings.community`` (() = all)."""
        self._wanted = tuple(keys)
        self._apply_wanted()

    def chosen(self) -> tuple[str, ...]:
        """() when every dataset is ticked (or there is nothing to choose), else the ticked keys."""
        if not self._known:
            return self._wanted
        if len(self.boxes) < 2:
            return ()
        ticked = tuple(key for key, box in self.boxes.items() if box.isChecked())
        return () if len(ticked) == len(self.boxes) else ticked

    def _fill(self) -> None:
        for box in self.boxes.values():
            self._layout.removeWidget(box)
            box.deleteLater()
        self.boxes = {}
        if not self.datasets:
            self.only.setText("none in the library yet")
        elif len(self.datasets) == 1:
            data = self.datasets[0]
            self.only.setText(f"{display_name(data.label)} ({data.listeners:,} listeners)")
            self.only.setToolTip(tip_text("The only community dataset in the library: the model learns from "
                                          "it. With two or more, you can choose."))
        self.only.setVisible(len(self.datasets) < 2)
        if len(self.datasets) >= 2:
            for data in self.datasets:
                box = QCheckBox(f"{display_name(data.label)} ({data.listeners:,} listeners)")
                box.setToolTip(tip_text(f"Learn from the {data.listeners:,} listeners of {display_name(data.label)}"))
                box.toggled.connect(self._toggled)
                self._layout.addWidget(box)
                self.boxes[data.dataset] = box
        self._apply_wanted()

    def _apply_wanted(self) -> None:
        wanted = [key for key in self._wanted if key in self.boxes]
        for key, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(not wanted or key in wanted)   # () or only unknown keys: all of them
            box.blockSignals(False)
        self._guard_last()

    def _toggled(self, _checked: bool) -> None:
        self._wanted = self.chosen()
        self._guard_last()
        self.changed.emit()

    def _guard_last(self) -> None:
        """The last ticked box cannot be unticked: a model needs some community data."""
        ticked = [box for box in self.boxes.values() if box.isChecked()]
        for box in self.boxes.values():
            box.setEnabled(not (len(ticked) == 1 and box.isChecked()))
