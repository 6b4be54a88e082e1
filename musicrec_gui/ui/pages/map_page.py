"""The Map page: every artist as a point, placed by its embedding; and embedding norm against listeners.

PCA is instant and shows the broad directions; "Refine with t-SNE" runs as a
background job (cancellable; the FFT-accelerated t-SNE of ``core/engine/projection``)
that keeps neighbours together, and its coordinates are saved with the model
(``registry.save_map``), so the map is still there after a restart.  Points are
sized by listeners and coloured by the chosen person's library and
recommendations (the person picker, with two people or more); the person's
centre of taste per year is drawn as a path, and with two people or more each
one's place today.  Hover for details, search to find an artist, click to see
similar artists, right-click for the artist's menu.

Everything slow is computed off the GUI thread when the page is shown: the
coordinates (PCA, or the saved t-SNE map) and the search index once per model,
the colours and the path once per person.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicrec_gui.core.engine import explore, projection, registry
from musicrec_gui.core.errors import ModelFileError
from musicrec_gui.core.jobs import Progress
from musicrec_gui.core.text import display_name
from musicrec_gui.core.workflows.listening import Listening, NoListener
from musicrec_gui.ui.artist_actions import ArtistActions
from musicrec_gui.ui.jobs import Job
from musicrec_gui.ui.pages.explore_page import ExplorePage
from musicrec_gui.ui.widgets.artist_map import IN_LIBRARY, OTHER, RECOMMENDED, ArtistMap, NormPlot
from musicrec_gui.ui.widgets.artist_search import ArtistSearchField, SearchIndex
from musicrec_gui.ui.widgets.job_status import ask_to_cancel
from musicrec_gui.ui.widgets.person_picker import PersonPicker
from musicrec_gui.ui.widgets.plot_style import decade_ticks
from musicrec_gui.ui.widgets.text import heading, secondary

RECOMMENDED_COUNT = 50
PCA, TSNE = "PCA", "t-SNE"
METHOD_NOTES = {
    PCA: "PCA: the two directions in which the artist vectors differ most. t-SNE keeps neighbours "
         "together better; it runs in the background (minutes for a big model) and is saved with the model.",
    TSNE: "t-SNE: artists close together have similar vectors; distances between far-apart groups "
          "mean little.",
}
SAVED_NOTE = " Saved with the model: it is still here after a restart."
TSNE_CANCEL_QUESTION = "Stop t-SNE? The map it has computed so far is lost; the PCA map stays."


@dataclass(frozen=True)
class _Points:
    """What belongs to the model: both maps (t-SNE when there is one), norms, the search index."""

    pca: np.ndarray
    tsne: np.ndarray | None
    norms: explore.EmbeddingNorms
    index: SearchIndex
    map_problem: str = ""          # why a saved t-SNE map could not be used


@dataclass(frozen=True)
class _Colours:
    """What belongs to the person: colours, plays, the taste path, everyone's place."""

    person: str | None
    categories: np.ndarray
    plays: np.ndarray
    path: list            # TastePoints, oldest first
    people: list          # (name, TastePoint) of every person, when there are two or more


class MapPage(ExplorePage):
    name = "map"

    def __init__(self, context, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.method = PCA
        self.coords = np.zeros((0, 2))
        self._points: tuple[object, _Points] | None = None   # (model, its points)
        self._tsne: tuple[object, np.ndarray] | None = None  # (model, t-SNE coordinates) once known
        self._tsne_note = ""             # whether that map is saved with the model, in words
        self._colours: _Colours | None = None
        self.tsne_job: Job | None = None
        self._norms_pending = False      # the norm tab is drawn when first looked at
        self.cancel_confirm = None       # the "stop t-SNE?" question while it is open
        self.menu = None                 # the artist menu while it is open
        self.actions = ArtistActions(context, self)

        self.person = PersonPicker(context.store)
        self.person.setToolTip("Whose library and recommendations the colours show")
        self.person.person_changed.connect(lambda _name: self._recolour())
        self.search = ArtistSearchField()
        self.search.setPlaceholderText("Find an artist on the map…")
        self.search.artist_chosen.connect(self.find)
        self.tsne_button = QPushButton("Refine with t-SNE")
        self.tsne_button.setToolTip("Recompute the map with t-SNE in the background; you can keep working. "
                                    "The result is saved with the model.")
        self.tsne_button.clicked.connect(self._tsne_clicked)
        self.reset_button = QPushButton("Show all")
        self.reset_button.setToolTip("Zoom out to every artist")
        self.reset_button.clicked.connect(self.reset_view)
        top = QHBoxLayout()
        top.addWidget(heading("Map"))
        top.addSpacing(self.fontMetrics().averageCharWidth() * 2)
        top.addWidget(self.search, 1)
        top.addWidget(self.person)
        top.addWidget(self.reset_button)
        top.addWidget(self.tsne_button)

        self.note = QLabel(METHOD_NOTES[PCA], wordWrap=True)
        secondary(self.note)
        self.path_box = QCheckBox("Taste over the years")
        self.path_box.setToolTip("The centre of the person's taste in each year they listened: where on the "
                                 "map their listening sat, year by year")
        self.path_box.setChecked(True)
        self.path_box.toggled.connect(lambda _on: self._draw_marks())
        self.people_box = QCheckBox("Everyone's place")
        self.people_box.setToolTip("A star where each person's taste sits today, to compare people")
        self.people_box.setChecked(True)
        self.people_box.toggled.connect(lambda _on: self._draw_marks())
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)   # t-SNE cannot say how far it is: a busy bar
        self.progress.setMaximumWidth(self.fontMetrics().averageCharWidth() * 20)
        self.progress.hide()
        status = QHBoxLayout()
        status.addWidget(self.note, 1)
        status.addWidget(self.path_box)
        status.addWidget(self.people_box)
        status.addWidget(self.progress)

        self.map = ArtistMap()
        self.norm_plot = NormPlot()
        for view in (self.map, self.norm_plot):
            view.point_clicked.connect(lambda index, v=view: context.similar_requested.emit(v.name(index)))
            view.point_menu_requested.connect(self.show_menu)
        self.views = QTabWidget()
        self.views.setDocumentMode(True)
        self.views.addTab(self.map, "Map")
        self.views.addTab(self.norm_plot, "Norm vs listeners")
        self.views.setTabToolTip(1, "Each artist's embedding length against its listener count:\n"
                                    "popular artists get longer vectors")
        self.views.currentChanged.connect(lambda _index: self._draw_norms())
        hint = QLabel("Hover over a point for details; click it to see similar artists, right-click for more; "
                      "drag to pan, scroll to zoom.", wordWrap=True)
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
        self.method = PCA
        self._points = self._tsne = self._colours = None

    def refresh(self) -> None:
        """The model's points (once per model), then the person's colours, off the GUI thread."""
        self.person.reload()
        if self._points is not None and self._points[0] is self.model:
            self._recolour()
            return
        model, model_id, models = self.model, self.context.models.model_id, self.context.models

        def points() -> _Points:
            problem, tsne = "", None
            if model_id is not None and model is models.model:
                try:
                    tsne = registry.load_map(model_id, model.n_artists)
                except ModelFileError as exc:
                    problem = f"The saved t-SNE map could not be used ({exc}); showing PCA."
            return _Points(projection.pca_2d(model.artist_emb), tsne, explore.embedding_norms(model),
                           models.search_index(model), problem)

        self.compute("points", points, lambda found: self._points_found(model, found))

    def _points_found(self, model, points: _Points) -> None:
        if model is not self.model:
            return
        self._points = (model, points)
        if points.tsne is not None:
            self._tsne, self._tsne_note = (model, points.tsne), SAVED_NOTE
            self.method = TSNE
        self.search.set_index(points.index)
        self.note.setText(points.map_problem or self._method_note())
        self._recolour()

    def _method_note(self) -> str:
        return METHOD_NOTES[self.method] + (self._tsne_note if self.method == TSNE else "")

    def _recolour(self) -> None:
        """The chosen person's colours, taste path and everyone's place (off the GUI thread)."""
        if self.model is None or self._points is None:
            return
        listening, person = self.listening, self.person.person()
        people = self.context.store.people()
        self.compute("colours", lambda: colours_of(listening, person, people),
                     lambda found: self._draw(self.model, found) if listening is self.listening else None)

    def _draw(self, model, colours: _Colours) -> None:
        if model is not self.model or self._points is None:
            return
        points = self._points[1]
        self._colours = colours
        self.coords = self._tsne[1] if self.method == TSNE and self._tsne is not None else points.pca
        highlighted = self.map.highlighted()
        whose, whom = owner_words(colours.person, self.listening)
        self.map.set_owner(whose, whom)
        self.norm_plot.set_owner(whose, whom)
        listeners = model.artist_listeners
        self.map.set_points(self.coords[:, 0], self.coords[:, 1], np.log1p(listeners), colours.categories,
                            model.artist_names, listeners, colours.plays)
        self._draw_marks()
        self._norms_pending = True
        self._draw_norms()
        if self.tsne_job is None:
            self._update_tsne_button()
        if highlighted is not None:
            self.map.highlight(highlighted)

    def _draw_marks(self) -> None:
        """The taste path and everyone's place, on the coordinates shown."""
        colours = self._colours
        if colours is None or len(self.coords) != self.map.count():
            return
        path = [(*point.on_map(self.coords), point.label) for point in colours.path] \
            if self.path_box.isChecked() else []
        places = [(*point.on_map(self.coords), display_name(name)) for name, point in colours.people] \
            if self.people_box.isChecked() else []
        self.map.set_path(path)
        self.map.set_people(places)
        self.path_box.setVisible(len(colours.path) > 1)
        self.people_box.setVisible(len(colours.people) > 1)

    def _draw_norms(self) -> None:
        """The second tab, drawn when it is looked at (its points cost as much as the map's)."""
        if not self._norms_pending or self.views.currentWidget() is not self.norm_plot:
            return
        self._norms_pending = False
        model, points, colours = self.model, self._points[1], self._colours
        norms = points.norms
        self.norm_plot.set_points(norms.listeners, norms.norms, colours.categories, model.artist_names,
                                  colours.plays)
        decade_ticks(self.norm_plot.plot.getAxis("bottom"), 1, int(norms.listeners.max(initial=1)))
        if self.map.highlighted() is not None:
            self.norm_plot.highlight(self.map.highlighted(), zoom=False)

    def categories(self) -> tuple[np.ndarray, np.ndarray]:
        """(category per artist, the chosen person's plays per artist), as drawn."""
        return self._colours.categories, self._colours.plays

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

    def show_menu(self, index: int, where: QPoint) -> None:
        """The artist's menu (similar, not for me, open on the web) at a right-clicked point."""
        if self.model is None:
            return
        self.menu = self.actions.menu(str(self.model.artist_names[index]), index, self.person.person(), self)
        self.menu.popup(where)

    # -- t-SNE -------------------------------------------------------------------------------
    def _tsne_clicked(self) -> None:
        if self.tsne_job is not None:
            self.cancel_tsne()
        elif self._tsne is not None and self._tsne[0] is self.model:
            self.show_method(PCA if self.method == TSNE else TSNE)
        else:
            self.start_tsne()

    def show_method(self, method: str) -> None:
        """Show the PCA map or the t-SNE map (when there is one)."""
        if method == TSNE and (self._tsne is None or self._tsne[0] is not self.model):
            return
        self.method = method
        self.note.setText(self._method_note())
        if self._colours is not None:
            self._draw(self.model, self._colours)

    def _update_tsne_button(self) -> None:
        have_tsne = self._tsne is not None and self._tsne[0] is self.model
        if not have_tsne:
            self.tsne_button.setText("Refine with t-SNE")
        else:
            self.tsne_button.setText("Show PCA" if self.method == TSNE else "Show t-SNE")

    def start_tsne(self) -> Job | None:
        """Run t-SNE as a job, saving its map with the model (when the model is saved); None if busy."""
        if self.model is None:
            return None
        model, model_id = self.model, self.context.models.model_id
        vectors = model.artist_emb

        def run(token, report) -> tuple[np.ndarray, str]:
            coords = projection.tsne_2d(vectors, token, report)
            if model_id is None:
                return coords, " Not saved: the model itself is not saved."
            try:
                registry.save_map(model_id, coords)
            except ModelFileError as exc:
                return coords, f" Not saved ({exc})."
            return coords, SAVED_NOTE

        job = self.context.start("Computing the t-SNE map", run, cancel_question=TSNE_CANCEL_QUESTION)
        if job is None:
            return None
        self.tsne_job = job
        job.event.connect(self._tsne_progress)
        job.succeeded.connect(lambda found: self._tsne_done(model, *found))
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

    def _tsne_done(self, model, coords, saved_note: str) -> None:
        if model is not self.model:
            return   # finished for a model that has since been replaced
        self._tsne, self._tsne_note = (model, np.asarray(coords, dtype=float)), saved_note
        self.show_method(TSNE)

    def _tsne_finished(self) -> None:
        job, self.tsne_job = self.tsne_job, None
        self.progress.hide()
        self._update_tsne_button()
        if job is not None and job.outcome != "succeeded":
            self.note.setText(self._method_note() + ("  (t-SNE was cancelled.)"
                                                     if job.outcome == "cancelled" else ""))


def colours_of(listening: Listening, person: str | None, people: list[str]) -> _Colours:
    """The person's colours (library, recommended, other), plays, taste path and everyone's place."""
    person = person if person is not None else listening.first_person()
    plays = listening.plays_per_artist(person)
    categories = np.where(plays > 0, IN_LIBRARY, OTHER)
    path, places = [], []
    if person is not None:
        try:
            picks = listening.recommend(listening.profile(person), n=RECOMMENDED_COUNT)
        except NoListener:
            picks = []
        categories[[p.index for p in picks]] = RECOMMENDED
        try:
            path = listening.taste_path(person)
        except NoListener:
            path = []
    if len(people) > 1:
        for name in people:
            try:
                places.append((name, listening.taste_point(listening.profile(name))))
            except NoListener:   # none of their artists is in the model
                continue
    return _Colours(person, categories, plays, path, places)


def owner_words(person: str | None, listening: Listening | None) -> tuple[str, str]:
    """("your", "you") for the first person, ("sam’s", "sam") for anyone else."""
    if person is None or listening is None or person == listening.first_person():
        return "your", "you"
    name = display_name(person)
    return f"{name}’s", name
