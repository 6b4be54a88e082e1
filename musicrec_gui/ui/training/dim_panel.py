"""The embedding-size search on screen: one bar per size, filled in as each size finishes."""
from __future__ import annotations

import math

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from musicrec_gui.ui.widgets.dim_chart import DimSearchChart
from musicrec_gui.ui.widgets.text import secondary

METRIC_TITLES = {"recall": "Recall@20", "rmse": "RMSE"}

INTRO = ("Each size, around the one in the settings, trains a fresh model for a few epochs with the other "
         "settings as they are; the validation score decides. Recall@20 (higher is better) when early "
         "stopping watches Recall@20, RMSE (lower is better) otherwise.")


class DimPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel(INTRO, wordWrap=True)
        secondary(intro)
        self.chart = DimSearchChart(metric="Recall@20")
        self.message = QLabel("Press “Search embedding size” to compare sizes.", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, self.fontMetrics().height() // 2, 0, 0)
        layout.addWidget(intro)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.message)
        self._best: int | None = None   # the size the last finished search put into the settings

    def settings_changed(self, dim: int) -> None:
        """The form changed (a preset, a size typed in): a result that no longer matches it says so."""
        if self._best is not None and dim != self._best:
            self.message.setText(f"Size {self._best} did best in the last search; the settings have changed "
                                 f"since (size {dim} now). Search again to compare sizes around it.")

    def start(self, sizes, epochs: int, metric: str) -> None:
        self._best = None
        self.chart.plot.getPlotItem().setLabel("left", METRIC_TITLES.get(metric, metric))
        self.chart.set_sizes(list(sizes))
        self.message.setText(f"Training {len(sizes)} sizes for {epochs} epochs each…")

    def add_size(self, event) -> None:
        """A ``DimEvent``: one more bar."""
        if math.isfinite(event.value):
            self.chart.set_result(event.dim, event.value)
        self.message.setText(f"Size {event.dim} done ({event.done} of {event.total}).")

    def finish(self, result) -> int | None:
        """A ``DimSearchResult``; returns the best size (None when nothing finished)."""
        self.chart.set_best(result.best_dim)
        if result.best_dim is None:
            self.message.setText("Stopped before any size finished." if result.stopped
                                 else "No size gave a usable score.")
            return None
        best = dict(zip(result.dims, result.values))[result.best_dim]
        title = METRIC_TITLES.get(result.metric, result.metric)
        lead = "Stopped early; of the sizes tried, size" if result.stopped else "Size"
        self.message.setText(f"{lead} <b>{result.best_dim}</b> did best ({title} {best:.3f}); "
                             "it is now the embedding size in the settings.")
        self._best = result.best_dim
        return result.best_dim

    def stopped_without_result(self, text: str) -> None:
        self.message.setText(text)
