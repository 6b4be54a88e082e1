"""The end-of-training card: validation metrics of the model beside the popularity baseline.

"Recommend the most popular artists you have not played" is the bar a
recommender has to clear (DESIGN §3), so its numbers sit in the row below.
"""
from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.text import scaled_font, secondary

# (evaluation key of the model, key of the baseline or None, header, tooltip)
METRICS = (
    ("rmse", None, "RMSE", "How far predicted plays are from the held-out ones (log scale); lower is better."),
    ("recall_at_20", "popularity_recall_at_20", "Recall@20",
     "Share of each listener's held-out artists that made their top 20; higher is better."),
    ("ndcg_at_20", "popularity_ndcg_at_20", "NDCG@20",
     "Like Recall@20, but hits near the top of the list count more; higher is better."),
    ("coverage_at_20", "popularity_coverage_at_20", "Coverage@20",
     "Share of all artists that appear in anyone's top 20: how far recommendations reach."),
)


def metric_text(value) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    return f"{value:.3f}"


class SummaryCard(QFrame):
    """``show_evaluation(evaluation dict, headline)``; ``values()`` gives the shown texts (for tests)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.headline = QLabel(wordWrap=True)
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        self.note = QLabel(wordWrap=True)
        secondary(self.note)
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.fontMetrics().height())
        self._cells: dict[tuple[str, str], QLabel] = {}
        for row, title in ((1, "This model"), (2, "Popularity")):
            grid.addWidget(QLabel(title), row, 0)
        for column, (_key, _, header, tip) in enumerate(METRICS, start=1):
            top = QLabel(header, alignment=Qt.AlignmentFlag.AlignRight)
            top.setToolTip(tip)
            secondary(top)
            grid.addWidget(top, 0, column)
            for row, who in ((1, "model"), (2, "popularity")):
                cell = QLabel("–", alignment=Qt.AlignmentFlag.AlignRight)
                cell.setToolTip(tip)
                if who == "model":
                    cell.setFont(scaled_font(cell, 1.3, bold=True))
                grid.addWidget(cell, row, column)
                self._cells[(who, header)] = cell
        grid.setColumnStretch(len(METRICS) + 1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addLayout(grid)
        layout.addWidget(self.note)

    def show_evaluation(self, evaluation: dict | None, headline: str, note: str = "") -> None:
        self.headline.setText(headline)
        self.note.setText(note or ("Measured on the validation pairs: plays held out from training."
                                   if evaluation else "No validation pairs, so nothing could be measured."))
        evaluation = evaluation or {}
        for key, baseline, header, _ in METRICS:
            self._cells[("model", header)].setText(metric_text(evaluation.get(key)))
            self._cells[("popularity", header)].setText(metric_text(evaluation.get(baseline) if baseline else None))
        self.show()

    def values(self) -> dict[str, dict[str, str]]:
        """{"model": {"RMSE": "0.812", …}, "popularity": {…}} as shown."""
        shown: dict[str, dict[str, str]] = {"model": {}, "popularity": {}}
        for (who, header), cell in self._cells.items():
            shown[who][header] = cell.text()
        return shown
