"""Why one recommended artist: its reasons, and what the community data says about them.

A few lines of fixed height under a list (nothing moves when a row is picked
or the evidence arrives): the artist, the reason in words ("because you listen
to …", "you played them 212 times, last in March 2021"), then one line per
piece of evidence ("38 % of Radiohead's listeners also play Sigur Rós (412 of
1,084)") — or what the evidence is waiting for.  Names are plain text, cut
with "…" and whole on hover.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QPushButton, QSizePolicy, QWidget

from musicrec_gui.core.text import display_name
from musicrec_gui.ui.explore.evidence import COUNTING, DECLINED, FAILED, WAITING
from musicrec_gui.ui.widgets.elided_label import ElidedLabel
from musicrec_gui.ui.widgets.text import scaled_font, secondary

EVIDENCE_LINES = 3      # one per reason (``listening.REASONS``)
STATE_TEXT = {
    COUNTING: "Counting co-listening in the community data…",
    WAITING: "The co-listening evidence is counted when the running job ends.",
    DECLINED: "Counting co-listening was cancelled.",
    FAILED: "The co-listening evidence could not be counted (details in View → Log).",
}
NO_EVIDENCE = "No community listeners play these artists, so there is no co-listening to show."
NOTHING_PICKED = "Pick an artist in the list to see why it is there."


class WhyPanel(QGroupBox):
    """``show_pick(artist, listeners, reason)``, then ``show_evidence(sentences)`` or ``show_state(state)``."""

    count_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Why this artist", parent)
        self.headline = ElidedLabel()
        self.headline.setFont(scaled_font(self.headline, 1.0, bold=True))
        self.reason = ElidedLabel()
        self.lines = [secondary(ElidedLabel()) for _ in range(EVIDENCE_LINES)]
        self.count_button = QPushButton("Count evidence")
        self.count_button.setToolTip("Count how many community listeners of each reason also play this artist")
        self.count_button.clicked.connect(self.count_requested)
        policy = self.count_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)     # appearing, it moves nothing
        self.count_button.setSizePolicy(policy)
        self.count_button.hide()
        layout = QGridLayout(self)
        layout.setVerticalSpacing(2)
        for row, label in enumerate([self.headline, self.reason, *self.lines]):
            layout.addWidget(label, row, 0)
        # Beside the artist and its reason: two lines of text are as tall as a button.
        layout.addWidget(self.count_button, 0, 1, 2, 1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout.setColumnStretch(0, 1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.clear()

    def clear(self, text: str = NOTHING_PICKED) -> None:
        self.headline.set_full_text("")
        self.reason.set_full_text(text)
        self._set_lines([])

    def show_pick(self, artist: str, listeners: int, reason: str) -> None:
        self.headline.set_full_text(f"{display_name(artist)} ({listeners:,} listener{'s' if listeners != 1 else ''})")
        self.reason.set_full_text(display_name(reason))
        self._set_lines([])

    def show_evidence(self, sentences: list[str]) -> None:
        self._set_lines([display_name(s) for s in sentences] or [NO_EVIDENCE])

    def show_state(self, state: str) -> None:
        self._set_lines([STATE_TEXT.get(state, "")])
        self.count_button.setVisible(state in (DECLINED, FAILED))

    def evidence_text(self) -> list[str]:
        return [line.full_text() for line in self.lines if line.full_text()]

    def _set_lines(self, texts: list[str]) -> None:
        self.count_button.hide()
        for number, line in enumerate(self.lines):
            line.set_full_text(texts[number] if number < len(texts) else "")
