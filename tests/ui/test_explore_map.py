"""The Map page: PCA at once, hover details, search, click to Similar, the norm view, t-SNE as a cancellable job."""
from __future__ import annotations

import multiprocessing
import time

import numpy as np
from PySide6.QtCore import QPointF

from musicrec_gui.core.engine import projection
from musicrec_gui.ui.widgets.artist_map import IN_LIBRARY, RECOMMENDED

from .conftest import JOB_TIMEOUT_MS, wait_idle
from .explore_helpers import explore_window, give_back_true_references, page, trained_template  # noqa: F401


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
    assert "t-SNE" in map_page.note.text()
    assert map_page.tsne_button.text() == "Refine with t-SNE" and not map_page.progress.isVisible()


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
