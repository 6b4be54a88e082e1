"""The Map page: every artist as a point, placed by its embedding; and embedding norm against listeners.

PCA is instant and shows the broad directions; "Refine with t-SNE" runs as a
background job (cancellable, about a minute for 17 000 artists) and keeps
neighbours together. Points are sized by listeners and coloured by the
person's library and recommendations. Hover for details, search to find an
artist, click to see similar artists.  The PCA, the colours and the search
index are computed off the GUI thread when the page is shown (the PCA once per
model).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QTabWidget, QVBoxLayout, QWidget

from musicrec_gui.core.engine import explore, projection
from musicrec_gui.core.jobs import Progress
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.listening import Listening, NoListener
from musicrec_gui.ui.jobs import Job
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.artist_map import IN_LIBRARY, OTHER, RECOMMENDED, ArtistMap, NormPlot
from musicrec_gui.ui.widgets.artist_search import ArtistSearchField, SearchIndex
from musicrec_gui.ui.widgets.job_status import ask_to_cancel
from musicrec_gui.ui.widgets.plot_style import decade_ticks
from musicrec_gui.ui.widgets.text import heading, secondary

RECOMMENDED_COUNT = 50
METHOD_NOTES = {
    "PCA": "PCA: the two directions in which the artist vectors differ most. t-SNE keeps neighbours "
           "together better; it runs in the background and can take a few minutes.",
    "t-SNE": "t-SNE: artists close together have similar vectors; distances between far-apart groups "
             "mean little.",
}


TSNE_CANCEL_QUESTION = "Stop t-SNE? The map it has computed so far is lost; the PCA map stays."


@dataclass(frozen=True)
class _Points:
    coords: np.ndarray
    categories: np.ndarray
    plays: np.ndarray
    norms: explore.EmbeddingNorms
    index: SearchIndex


class MapPage(ExplorePage):
    name = "map"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.method = "PCA"
        self.coords = np.zeros((0, 2))
        self._coords_model = None          # the model ``coords`` belong to
        self.tsne_job: Job | None = None
        self._norm_points = None           # (model, _Points) waiting for the norm tab to be shown
        self.cancel_confirm = None   # the "stop t-SNE?" question while it is open

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
        secondary(self.note)
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
        self.views.setTabToolTip(1, "Each artist's embedding length against its listener count:\n"
                                    "popular artists get longer vectors")
        self.views.currentChanged.connect(lambda _index: self._draw_norms()
                                          if self.views.currentWidget() is self.norm_plot else None)
        hint = QLabel("Hover over a point for details; click it to see similar artists; drag to pan, "
                      "scroll to zoom.", wordWrap=True)
        secondary(hint)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.model_line)
        layout.addLayout(status)
        layout.addWidget(self.views, 1)
        layout.addWidget(hint)

    # -- model ---------------------------------------------------------------------------
    def model_changed(self) -> None:
        self.cancel_tsne(ask=False)   # a map of the old model is of no use
        self.method = "PCA"

    def refresh(self) -> None:
        """Coordinates (PCA once per model), colours and the search index off the GUI thread, then draw."""
        model, listening, models = self.model, self.listening, self.context.models
        coords = self.coords if self._coords_model is model else None

        def points() -> _Points:
            categories, plays = categories_of(listening)
            return _Points(projection.pca_2d(model.artist_emb) if coords is None else coords, categories, plays,
                           explore.embedding_norms(model), models.search_index(model))

        self.compute("points", points, lambda found: self._draw(model, found))

    def _draw_norms(self) -> None:
        """The second tab, drawn when it is first looked at (its points cost as much as the map's)."""
        if self._norm_points is None:
            return
        model, points = self._norm_points
        self._norm_points = None
        norms = points.norms
        self.norm_plot.set_points(norms.listeners, norms.norms, points.categories, list(model.artist_names),
                                  points.plays)
        decade_ticks(self.norm_plot.plot.getAxis("bottom"), 1, int(norms.listeners.max(initial=1)))
        if self.map.highlighted() is not None:
            self.norm_plot.highlight(self.map.highlighted(), zoom=False)

    def categories(self) -> tuple[np.ndarray, np.ndarray]:
        """(category per artist, the person's plays per artist)."""
        return categories_of(self.listening)

    def _draw(self, model, points: _Points) -> None:
        if model is not self.model:
            return
        self.coords, self._coords_model = points.coords, model
        self.search.set_index(points.index)
        highlighted = self.map.highlighted()
        names = list(model.artist_names)
        listeners = model.artist_listeners
        self.map.set_points(self.coords[:, 0], self.coords[:, 1], np.log1p(listeners), points.categories, names,
                            listeners, points.plays)
        self._norm_points = (model, points)
        if self.views.currentWidget() is self.norm_plot:
            self._draw_norms()
        if self.tsne_job is None:
            self.note.setText(METHOD_NOTES[self.method])
        if highlighted is not None:
            self.map.highlight(highlighted)

    # -- finding ---------------------------------------------------------------------------
    def find(self, name: str) -> int | None:
        """Highlight ``name`` on both views and zoom the map to it; its index, or None."""
        if self.model is None or self.map.count() != self.model.n_artists:
            return None   # not drawn yet
        found = explore.find_artists(self.model, name)
        if not found.size:
            return None
        index = int(found[0])
        self.search.setText(display_name(str(self.model.artist_names[index])))
        self.map.highlight(index)
        if self.norm_plot.count() == self.model.n_artists:   # else marked when that tab is first drawn
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
                                 lambda token, report: projection.tsne_2d(vectors, token, report),
                                 cancel_question=TSNE_CANCEL_QUESTION)
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

    def cancel_tsne(self, ask: bool = True) -> None:
        """Stop a running t-SNE (asking first, unless ``ask`` is False: the model changed)."""
        job = self.tsne_job
        if job is None:
            return
        if ask:
            self.cancel_confirm = ask_to_cancel(self, job, lambda: self._stop_tsne(job))
        else:
            self._stop_tsne(job)

    def _stop_tsne(self, job: Job) -> None:
        if job is self.tsne_job:
            job.cancel()
            self.note.setText("Stopping t-SNE…")

    def _tsne_progress(self, event) -> None:
        if isinstance(event, Progress) and event.message and self.tsne_job is not None:
            self.note.setText(f"Running t-SNE: {event.message}… the PCA map stays usable meanwhile.")

    def _tsne_done(self, model, coords) -> None:
        if model is not self.model:
            return   # finished for a model that has since been replaced
        self.method = "t-SNE"
        self.coords = np.asarray(coords, dtype=float)
        self._coords_model = model
        self.invalidate()

    def _tsne_finished(self) -> None:
        job, self.tsne_job = self.tsne_job, None
        self.tsne_button.setText("Refine with t-SNE")
        self.progress.hide()
        if job is not None and job.outcome != "succeeded":
            self.note.setText(METHOD_NOTES[self.method] + ("  (t-SNE was cancelled.)"
                                                            if job.outcome == "cancelled" else ""))


def categories_of(listening: Listening) -> tuple[np.ndarray, np.ndarray]:
    """(category per artist, the person's plays per artist): library, recommended or other."""
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
