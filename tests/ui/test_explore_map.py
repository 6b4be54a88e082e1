"""The Map page: PCA at once, hover details, search, click to Similar, the norm view, t-SNE as a cancellable job."""
from __future__ import annotations

import json
import multiprocessing
import time

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from musicrec_gui.core import importer
from musicrec_gui.core.engine import projection, registry
from musicrec_gui.core.store import Store
from musicrec_gui.ui.main_window import MainWindow
from musicrec_gui.ui.settings import Settings
from musicrec_gui.ui.widgets.artist_map import IN_LIBRARY, RECOMMENDED

from .conftest import JOB_TIMEOUT_MS, wait_idle
from .explore_helpers import explore_window, give_back_true_references, page, settle, trained_template  # noqa: F401


def scene_position(view, index: int) -> QPointF:
    return view.plot.getPlotItem().vb.mapViewToScene(QPointF(view._x[index], view._y[index]))


def show_map(qtbot, window):
    window.show_page("map")
    map_page = page(window, "map")
    qtbot.waitExposed(map_page.map)
    qtbot.waitUntil(lambda: map_page.map.drawn() == map_page.map.count() > 0)   # handed over in chunks
    return map_page


def test_the_map_shows_every_artist_by_pca_with_your_colours(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    model = explore_window.models.model
    assert map_page.method == "PCA" and map_page.map.count() == model.n_artists
    assert np.allclose(map_page.coords, projection.pca_2d(model.artist_emb))
    categories, plays = map_page.categories()
    assert (categories == IN_LIBRARY).sum() == 8           # the Rock bands "you" play
    assert (categories == RECOMMENDED).sum() == min(50, model.n_artists - 8)
    assert plays.sum() == 200
    image = map_page.map.grab().toImage()
    assert image.width() > 200 and image.height() > 200


def test_hovering_a_point_shows_name_listeners_and_your_plays(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    model = explore_window.models.model
    yours = int(np.flatnonzero(map_page.map._plays > 0)[0])
    index = map_page.map.hover_at(scene_position(map_page.map, yours))
    assert index is not None
    text = map_page.map.describe(index)
    name = str(model.artist_names[index])
    assert name in text and f"{int(model.artist_listeners[index]):,} listeners" in text
    assert "of your plays" in text if map_page.map._plays[index] else "not in your library" in text
    assert map_page.map.hover_label.isVisible()


def test_searching_highlights_and_zooms_and_a_click_opens_similar(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    whole = map_page.map.plot.getPlotItem().vb.viewRange()
    map_page.search.choose("Folk Band 07")
    index = map_page.map.highlighted()
    assert map_page.map.name(index) == "Folk Band 07"
    map_page.views.setCurrentWidget(map_page.norm_plot)   # drawn when first shown, with the same mark
    assert map_page.norm_plot.highlighted() == index
    map_page.views.setCurrentWidget(map_page.map)
    zoomed = map_page.map.plot.getPlotItem().vb.viewRange()
    assert zoomed[0][1] - zoomed[0][0] < whole[0][1] - whole[0][0]

    map_page.map.point_clicked.emit(index)
    assert explore_window.current_page() == "similar"
    assert page(explore_window, "similar").current_artist() == "Folk Band 07"


def test_the_norm_view_plots_norm_against_listeners(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    map_page.views.setCurrentWidget(map_page.norm_plot)
    model = explore_window.models.model
    index = int(np.argmax(model.artist_listeners))
    assert np.isclose(map_page.norm_plot._x[index], np.log10(model.artist_listeners[index]))
    assert np.isclose(map_page.norm_plot._y[index], np.linalg.norm(model.artist_emb[index]))
    assert "norm" in map_page.norm_plot.describe(index)


def test_tsne_runs_in_the_background_and_replaces_the_pca_map(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    job = map_page.start_tsne()
    assert job is not None and map_page.tsne_button.text() == "Cancel t-SNE"
    assert map_page.progress.isVisible()
    with qtbot.waitSignal(job.finished, timeout=JOB_TIMEOUT_MS * 2):
        pass
    assert job.outcome == "succeeded"
    assert map_page.method == "t-SNE" and map_page.coords.shape == (explore_window.models.model.n_artists, 2)
    assert "t-SNE" in map_page.note.text() and "Saved with the model" in map_page.note.text()
    assert map_page.tsne_button.text() == "Show PCA" and not map_page.progress.isVisible()
    map_page.tsne_button.click()   # back and forth between the two maps, nothing recomputed
    assert map_page.method == "PCA" and map_page.tsne_button.text() == "Show t-SNE"
    assert np.allclose(map_page.coords, projection.pca_2d(explore_window.models.model.artist_emb))


def test_cancelling_tsne_stops_the_job_and_its_process(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    before = map_page.coords.copy()
    job = map_page.start_tsne()
    qtbot.waitUntil(lambda: bool(multiprocessing.active_children()), timeout=JOB_TIMEOUT_MS)   # the child is up
    map_page.tsne_button.click()   # the same button cancels, after asking
    box = map_page.cancel_confirm
    assert box is not None and "lost" in box.text() and job.outcome is None
    box.cancel_button.click()
    with qtbot.waitSignal(job.finished, timeout=JOB_TIMEOUT_MS):
        pass
    assert job.outcome == "cancelled"
    assert not multiprocessing.active_children()   # the child process was ended
    assert map_page.method == "PCA" and np.array_equal(map_page.coords, before)
    assert "cancelled" in map_page.note.text()
    wait_idle(qtbot, explore_window)
    assert map_page.tsne_button.text() == "Refine with t-SNE"


def test_tsne_waits_for_a_running_job(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)

    def slow(token, report):
        while True:
            token.check()
            time.sleep(0.01)

    other = explore_window.runner.start("Something else", slow)
    assert map_page.start_tsne() is None
    assert "still running" in explore_window.banner.text.text()
    explore_window.runner.cancel()
    with qtbot.waitSignal(other.finished, timeout=JOB_TIMEOUT_MS):
        pass


def test_a_new_model_cancels_tsne_and_shows_its_own_pca(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    job = map_page.start_tsne()
    model = explore_window.models.model
    changed = model.replace(artist_emb=model.artist_emb[:, ::-1].copy())
    explore_window.models.set_model(changed)
    assert job.token.stopped
    with qtbot.waitSignal(job.finished, timeout=JOB_TIMEOUT_MS):
        pass
    assert map_page.method == "PCA"
    assert np.allclose(map_page.coords, projection.pca_2d(changed.artist_emb))


def test_tsne_coordinates_survive_a_restart(qtbot, explore_window, tmp_path):
    map_page = show_map(qtbot, explore_window)
    job = map_page.start_tsne()
    with qtbot.waitSignal(job.finished, timeout=JOB_TIMEOUT_MS * 2):
        pass
    computed = map_page.coords.copy()
    model_id = explore_window.models.model_id
    assert registry.load_map(model_id, explore_window.models.model.n_artists) is not None
    explore_window.close()

    again = MainWindow(Store.open(), Settings.at(tmp_path / "settings-2.ini"))
    qtbot.addWidget(again)
    again.resize(1200, 780)
    again.show()
    wait_idle(qtbot, again)
    try:
        restarted = show_map(qtbot, again)
        assert restarted.method == "t-SNE" and "Saved with the model" in restarted.note.text()
        assert np.allclose(restarted.coords, computed, atol=1e-4)   # stored as float32
        assert restarted.tsne_button.text() == "Show PCA"
        assert restarted.context.compute.submitted["map.points"] == 1   # read, not recomputed
    finally:
        again.close()


def _add_person(window, name: str, first: list[str], second: list[str]) -> None:
    """``name`` listened to ``first`` in 2021 and to ``second`` in 2022 (a Spotify export)."""
    rows = [{"endTime": f"{year}-0{1 + i % 9}-1{i % 9} 12:{i % 60:02d}", "artistName": artist,
             "trackName": f"Song {i}", "msPlayed": 200_000}
            for year, artists in ((2021, first), (2022, second)) for i, artist in enumerate(artists * 6)]
    path = window.store.path.parent / f"{name}-StreamingHistory_music_0.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    reports = importer.import_paths(window.store, [path], person=name)
    assert not [r.error for r in reports if r.error]
    window.context.store_changed.emit()


def test_the_person_picker_recolours_the_map_and_draws_their_taste_path(qtbot, explore_window):
    jazz = [f"Jazz Band {n:02d}" for n in range(1, 6)]
    folk = [f"Folk Band {n:02d}" for n in range(1, 6)]
    _add_person(explore_window, "kim", jazz, folk)
    map_page = show_map(qtbot, explore_window)
    assert map_page.person.isVisible() and map_page.person.person() == "you"
    map_page.person.set_person("kim")
    settle(explore_window)
    qtbot.waitUntil(lambda: map_page.map.drawn() == map_page.map.count())
    model = explore_window.models.model
    categories, plays = map_page.categories()
    names = {str(model.artist_names[i]) for i in np.flatnonzero(categories == IN_LIBRARY)}
    assert names == set(jazz + folk) and plays.sum() == 60
    assert "in kim’s library" in [label.text for _, label in map_page.map.legend.items][0]
    # Her centre of taste moved from the jazz artists (2021) to the folk ones (2022).
    path = map_page.map.path_points()
    assert [label for _, _, label in path] == ["2021", "2022"] and map_page.path_box.isVisible()
    coords = map_page.coords
    index = {str(n): i for i, n in enumerate(model.artist_names)}
    jazz_centre = coords[[index[a] for a in jazz]].mean(axis=0)
    folk_centre = coords[[index[a] for a in folk]].mean(axis=0)
    (x1, y1, _), (x2, y2, _) = path
    assert np.allclose((x1, y1), jazz_centre) and np.allclose((x2, y2), folk_centre)
    # Two people: each one's place today, as a star with the name.
    assert sorted(label for _, _, label in map_page.map.people_places()) == ["kim", "you"]
    map_page.path_box.setChecked(False)
    assert map_page.map.path_points() == []


def test_a_points_context_menu_offers_the_artist_actions(qtbot, explore_window):
    map_page = show_map(qtbot, explore_window)
    categories, _ = map_page.categories()
    picked = int(np.flatnonzero(categories == RECOMMENDED)[0])
    name = map_page.map.name(picked)
    requested = []
    map_page.map.point_menu_requested.connect(lambda index, where: requested.append(index))

    class RightClick:
        def button(self):
            return Qt.MouseButton.RightButton

        def scenePos(self):
            return scene_position(map_page.map, picked)

        def screenPos(self):
            return QPointF(10, 10)

    map_page.map.highlight(picked)   # zoomed in: the point stands clear of its neighbours
    map_page.map._clicked(RightClick())
    assert requested == [picked]
    map_page.show_menu(picked, QPoint(10, 10))
    actions = {action.text(): action for action in map_page.menu.actions()}
    assert "Similar artists" in actions and "Not for me" in actions
    actions["Not for me"].trigger()
    wait_idle(qtbot, explore_window)
    settle(explore_window)
    categories, _ = map_page.categories()
    assert categories[picked] != RECOMMENDED   # hidden: no longer recommended
    assert name in explore_window.banner.message()
