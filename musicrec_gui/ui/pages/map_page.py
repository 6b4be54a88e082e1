"""The Map page: every artist as a point, placed by its embedding; and embedding norm against listeners.

PCA is instant and shows the broad directions; "Refine with t-SNE" runs as a
background job (cancellable, about a minute for 17 000 artists) and keeps
neighbours together. Points are sized by listeners and coloured by the
person's library and recommendations. Hover for details, search to find an
artist, click to see similar artists.
"""
from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QTabWidget, QVBoxLayout, QWidget

from musicrec_gui.core.engine import explore, projection
from musicrec_gui.core.jobs import Progress
from musicrec_gui.core.workflows.listening import Listening, NoListener
from musicrec_gui.ui.jobs import Job
from musicrec_gui.ui.widgets.artist_map import IN_LIBRARY, OTHER, RECOMMENDED, ArtistMap, NormPlot
from musicrec_gui.ui.widgets.artist_search import ArtistSearchField
from musicrec_gui.ui.widgets.text import heading

RECOMMENDED_COUNT = 50
METHOD_NOTES = {
    "PCA": "PCA: the two directions in which the artist vectors differ most. t-SNE keeps neighbours "
           "together better; it runs in the background and can take a few minutes.",
    "t-SNE": "t-SNE: artists close together have similar vectors; distances between far-apart groups "
             "mean little.",
}


class MapPage(QWidget):
    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = None
        self.listening: Listening | None = None
        self.method = "PCA"
        self.coords = np.zeros((0, 2))
        self.tsne_job: Job | None = None

        self.search = ArtistSearchField()
        self.search.setPlaceholderText("Find an artist on the map…")
        self.search.artist_chosen.connect(self.find)
        self.tsne_button = QPushButton("Refine with t-SNE")
        self.tsne_button.setToolTip("Recompute the map with t-SNE in the background; you can keep working")
        self.tsne_button.clicked.connect(self._tsne_clicked)
        self.reset_button = QPushButton("Show all")
        self.reset_button.setToolTip("Zoom out to every artist")
        self.reset_button.clicked.connect(self.reset_view)
        top = QHBoxLayout()
        top.addWidget(heading("Map"))
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.search, 1)
        top.addWidget(self.reset_button)
        top.addWidget(self.tsne_button)

        self.note = QLabel(METHOD_NOTES["PCA"], wordWrap=True)
        self.note.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)   # t-SNE cannot say how far it is: a busy bar
        self.progress.setMaximumWidth(self.fontMetrics().averageCharWidth() * 20)
        self.progress.hide()
        status = QHBoxLayout()
        status.addWidget(self.note, 1)
        status.addWidget(self.progress)

        self.map = ArtistMap()
        self.norm_plot = NormPlot()
        for view in (self.map, self.norm_plot):
            view.point_clicked.connect(lambda index, v=view: context.similar_requested.emit(v.name(index)))
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.map, "Map")
        self.views.addTab(self.norm_plot, "Norm vs listeners")
        self.views.setTabToolTip(1, "Each artist's embedding length against its listener count: "
                                    "popular artists get longer vectors")
        hint = QLabel("Hover over a point for details; click it to see similar artists; drag to pan, "
                      "scroll to zoom.", wordWrap=True)
        hint.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(status)
        layout.addWidget(self.views, 1)
        layout.addWidget(hint)
        context.models.plays_changed.connect(self._store_changed)

    # -- model ---------------------------------------------------------------------------
    def set_model(self, model) -> None:
        self.cancel_tsne()   # a map of the old model is of no use
        self.model = model
        self.listening = self.context.models.listening
        self.search.set_artists(list(model.artist_names), model.artist_listeners.tolist())
        self.method = "PCA"
        self.coords = projection.pca_2d(model.artist_emb)
        self._draw()

    def _store_changed(self) -> None:
        if self.listening is not None:
            self._draw()   # new plays: new colours; the coordinates stay

    def categories(self) -> tuple[np.ndarray, np.ndarray]:
        """(category per artist, the person's plays per artist)."""
        listening = self.listening
        person = listening.first_person()
        plays = listening.plays_per_artist(person)
        categories = np.where(plays > 0, IN_LIBRARY, OTHER)
        if person is not None:
            try:
                picks = listening.recommend(listening.profile(person), n=RECOMMENDED_COUNT)
            except NoListener:
                picks = []
            categories[[p.index for p in picks]] = RECOMMENDED
        return categories, plays

    def _draw(self) -> None:
        model = self.model
        categories, plays = self.categories()
        names = list(model.artist_names)
        listeners = model.artist_listeners
        self.map.set_points(self.coords[:, 0], self.coords[:, 1], np.log1p(listeners), categories, names,
                            listeners, plays)
        norms = explore.embedding_norms(model)
        self.norm_plot.set_points(norms.listeners, norms.norms, categories, names, plays)
        _decade_ticks(self.norm_plot, int(norms.listeners.max(initial=1)))
        self.note.setText(METHOD_NOTES[self.method])

    # -- finding ---------------------------------------------------------------------------
    def find(self, name: str) -> int | None:
        """Highlight ``name`` on both views and zoom the map to it; its index, or None."""
        found = explore.find_artists(self.model, name)
        if not found.size:
            return None
        index = int(found[0])
        self.search.setText(str(self.model.artist_names[index]))
        self.map.highlight(index)
        self.norm_plot.highlight(index, zoom=False)
        return index

    def reset_view(self) -> None:
        self.map.reset_view()
        self.norm_plot.reset_view()

    # -- t-SNE -------------------------------------------------------------------------------
    def _tsne_clicked(self) -> None:
        if self.tsne_job is not None:
            self.cancel_tsne()
        else:
            self.start_tsne()

    def start_tsne(self) -> Job | None:
        """Run t-SNE on the worker thread (it runs in a child process there); None if busy."""
        if self.model is None:
            return None
        model, vectors = self.model, self.model.artist_emb
        job = self.context.start("Computing the t-SNE map",
                                 lambda token, report: projection.tsne_2d(vectors, token, report))
        if job is None:
            return None
        self.tsne_job = job
        job.event.connect(self._tsne_progress)
        job.succeeded.connect(lambda coords: self._tsne_done(model, coords))
        job.finished.connect(self._tsne_finished)
        self.tsne_button.setText("Cancel t-SNE")
        self.progress.show()
        self.note.setText(f"Running t-SNE on {model.n_artists:,} artists… the PCA map stays usable meanwhile.")
        return job

    def cancel_tsne(self) -> None:
        if self.tsne_job is not None:
            self.tsne_job.cancel()
            self.note.setText("Stopping t-SNE…")

    def _tsne_progress(self, event) -> None:
        if isinstance(event, Progress) and event.message and self.tsne_job is not None:
            self.note.setText(f"Running t-SNE: {event.message}… the PCA map stays usable meanwhile.")

    def _tsne_done(self, model, coords) -> None:
        if model is not self.model:
            return   # finished for a model that has since been replaced
        self.method = "t-SNE"
        self.coords = np.asarray(coords, dtype=float)
        highlighted = self.map.highlighted()
        self._draw()
        if highlighted is not None:
            self.map.highlight(highlighted)

    def _tsne_finished(self) -> None:
        job, self.tsne_job = self.tsne_job, None
        self.tsne_button.setText("Refine with t-SNE")
        self.progress.hide()
        if job is not None and job.outcome != "succeeded":
            self.note.setText(METHOD_NOTES[self.method] + ("  (t-SNE was cancelled.)"
                                                            if job.outcome == "cancelled" else ""))


def _decade_ticks(plot: NormPlot, largest: int) -> None:
    """Label the log axis at 1, 10, 100, … only, with unlabelled minor ticks between.

    pyqtgraph labels the minor ticks of a log axis too, and they run into each other.
    """
    decades = range(0, len(str(max(largest, 1))) + 1)
    major = [(float(d), f"{10 ** d:,}") for d in decades]
    minor = [(d + np.log10(m), "") for d in decades for m in range(2, 10)]
    plot.plot.getAxis("bottom").setTicks([major, minor])
